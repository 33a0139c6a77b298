-- Telling people (DESIGN.md): every email is a row of the outbox, written in the same
-- transaction as the change that sends it, so a change that rolls back sends nothing and one
-- that commits loses nothing. The sender delivers the rows afterwards, trying again after a
-- temporary failure.

-- A message the course team wrote to a group of applicants (a cohort, or a waiting list).
CREATE TABLE team_message (
    id         INTEGER PRIMARY KEY,
    created_at TEXT    NOT NULL,
    created_by INTEGER NOT NULL REFERENCES coordinator (id),
    -- Who it went to, as coordinators chose it: 'cohort' (everyone with a place on cohort_id)
    -- or 'waiting' (everyone waiting for cohort_id).
    audience   TEXT    NOT NULL CHECK (audience IN ('cohort', 'waiting')),
    cohort_id  INTEGER NOT NULL REFERENCES cohort (id),
    subject    TEXT    NOT NULL CHECK (length(subject) BETWEEN 1 AND 150),
    body       TEXT    NOT NULL CHECK (length(body) BETWEEN 1 AND 5000),
    recipients INTEGER NOT NULL CHECK (recipients >= 0)
);

CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    queued_at       TEXT    NOT NULL,
    -- Whose applicant it goes to. The address is read from the application when the message
    -- is sent, so the outbox holds no copy of it to forget.
    application_id  INTEGER NOT NULL REFERENCES application (id),
    kind            TEXT    NOT NULL CHECK (kind IN (
                        'received', 'allocated', 'waiting', 'offer', 'offer_reminder', 'offer_lapsed',
                        'declined', 'withdrawn', 'moved', 'status_link', 'team_message')),
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
CREATE INDEX outbox_due ON outbox (state, next_attempt_at);
CREATE INDEX outbox_application ON outbox (application_id);
