-- Zoom participant reports uploaded by coordinators, and the match queue built from them.

-- One uploaded report for one taster session.
CREATE TABLE zoom_import (
    id                INTEGER PRIMARY KEY,
    taster_session_id INTEGER NOT NULL REFERENCES taster_session (id),
    uploaded_by       INTEGER NOT NULL REFERENCES coordinator (id),
    uploaded_at       TEXT    NOT NULL,
    filename          TEXT    NOT NULL,
    -- Rows read from the file, before people who rejoined were merged.
    row_count         INTEGER NOT NULL CHECK (row_count >= 0)
);

-- One attendee of a report (rows of the same person merged), waiting for a coordinator to
-- confirm or reject the application it is likely to be.
CREATE TABLE zoom_attendee (
    id             INTEGER PRIMARY KEY,
    import_id      INTEGER NOT NULL REFERENCES zoom_import (id) ON DELETE CASCADE,
    name           TEXT    NOT NULL,
    -- Empty for people not signed in to Zoom.
    email          TEXT,
    minutes        INTEGER NOT NULL CHECK (minutes >= 0),
    -- The application it most likely belongs to (exact email first, then a similar name).
    application_id INTEGER REFERENCES application (id) ON DELETE SET NULL,
    -- How it was matched: 'email', 'name', or NULL when nothing matched.
    match_kind     TEXT CHECK (match_kind IS NULL OR match_kind IN ('email', 'name')),
    state          TEXT    NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'confirmed', 'rejected')),
    decided_by     INTEGER REFERENCES coordinator (id),
    decided_at     TEXT,
    -- A decision names who made it and when.
    CHECK ((state = 'pending') = (decided_at IS NULL))
);
CREATE INDEX zoom_attendee_import ON zoom_attendee (import_id, state);
