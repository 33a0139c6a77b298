-- The allocation workflow's record and the rules it keeps.

-- Every change the workflow makes, written in the same transaction as the change, with an id
-- that only grows (AUTOINCREMENT: an id is never reused, even after the newest row is gone).
-- The live places, the page cache and the status pages follow this table.
CREATE TABLE event (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    at             TEXT    NOT NULL,
    kind           TEXT    NOT NULL,
    application_id INTEGER REFERENCES application (id),
    -- The event itself, as JSON (workflow/events.rs).
    data           TEXT    NOT NULL
);
CREATE INDEX event_application ON event (application_id);

-- Rule 4: an applicant who declines an offer, or lets one lapse, leaves that cohort's queue
-- only; they keep their place in the queues of their other choices. One row per queue left.
CREATE TABLE application_left_queue (
    application_id INTEGER NOT NULL REFERENCES application (id) ON DELETE CASCADE,
    cohort_id      INTEGER NOT NULL REFERENCES cohort (id),
    left_at        TEXT    NOT NULL,
    PRIMARY KEY (application_id, cohort_id)
);
CREATE INDEX application_left_queue_cohort ON application_left_queue (cohort_id);

-- When a session was cancelled: attendance at a session cancelled after it took place can
-- still be confirmed by hand, at one cancelled before it started never.
ALTER TABLE taster_session ADD COLUMN cancelled_at TEXT;
UPDATE taster_session SET cancelled_at = updated_at WHERE status = 'cancelled';
