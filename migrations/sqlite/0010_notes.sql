-- Coordinators' notes on an application. Only the course team reads them; they are part of
-- what a person can download about themselves, and erased with the rest of their personal
-- data (the audit log records that a note was added, never its words).
CREATE TABLE application_note (
    id             INTEGER PRIMARY KEY,
    application_id INTEGER NOT NULL REFERENCES application (id) ON DELETE CASCADE,
    coordinator_id INTEGER NOT NULL REFERENCES coordinator (id),
    body           TEXT    NOT NULL CHECK (length(body) BETWEEN 1 AND 2000),
    created_at     TEXT    NOT NULL
);
CREATE INDEX application_note_application ON application_note (application_id);
