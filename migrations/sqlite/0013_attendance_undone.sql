-- A confirmed Zoom match that a coordinator undoes puts the application back to an attendance
-- check, and the applicant is told ('attendance_undone'). SQLite cannot change a CHECK in
-- place, so the outbox is rebuilt with the new kind, every row and index as they were.
CREATE TABLE outbox_rebuilt (
    id              INTEGER PRIMARY KEY,
    queued_at       TEXT    NOT NULL,
    -- Whose applicant it goes to. The address is read from the application when the message
    -- is sent, so the outbox holds no copy of it to forget.
    application_id  INTEGER NOT NULL REFERENCES application (id),
    kind            TEXT    NOT NULL CHECK (kind IN (
                        'received', 'allocated', 'waiting', 'offer', 'offer_reminder', 'offer_lapsed',
                        'declined', 'withdrawn', 'moved', 'status_link', 'team_message',
                        'attendance_undone')),
    -- What the message says that the application may no longer say when it is sent (the
    -- cohort, the offer's end, a position), as JSON (workflow/messages.rs).
    facts           TEXT    NOT NULL,
    -- At most one message per key is ever queued (one reminder per offer).
    once_key        TEXT    UNIQUE,
    state           TEXT    NOT NULL DEFAULT 'pending'
                            CHECK (state IN ('pending', 'sent', 'retrying', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    -- When to try again after a temporary failure; empty for a message not tried yet, which
    -- is due at once.
    next_attempt_at TEXT,
    -- A sender is delivering it until then; past it, another sender may take it up.
    claimed_until   TEXT,
    sent_at         TEXT,
    -- What the mail server last answered, for a retry or a failure.
    last_error      TEXT,
    CHECK ((state = 'sent') = (sent_at IS NOT NULL))
);
INSERT INTO outbox_rebuilt (id, queued_at, application_id, kind, facts, once_key, state, attempts,
                            next_attempt_at, claimed_until, sent_at, last_error)
    SELECT id, queued_at, application_id, kind, facts, once_key, state, attempts,
           next_attempt_at, claimed_until, sent_at, last_error
    FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_rebuilt RENAME TO outbox;
CREATE INDEX outbox_due ON outbox (state, next_attempt_at);
CREATE INDEX outbox_application ON outbox (application_id);
