-- The schema for the whole domain of DESIGN.md, on SQLite.
-- Instants are stored as RFC 3339 text in UTC (sqlx's chrono encoding), so text order is time
-- order. Every CHECK below is a last line of defence: the Rust domain types validate first,
-- and the database refuses what slips past them rather than storing it half-right.

-- The programme itself. One row in practice; kept as a table so a second course fits later.
CREATE TABLE course (
    id              INTEGER PRIMARY KEY,
    slug            TEXT    NOT NULL UNIQUE,
    title           TEXT    NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    summary         TEXT    NOT NULL,
    -- "six weekly sessions, lasting 2 hours": the page and the cohort generator read these.
    session_count   INTEGER NOT NULL CHECK (session_count BETWEEN 1 AND 52),
    session_minutes INTEGER NOT NULL CHECK (session_minutes BETWEEN 15 AND 600),
    -- Path of the programme outline document under the site root, e.g. /programme-outline.pdf.
    outline_path    TEXT    NOT NULL
);

-- The titled parts of the course page, in order. Paragraphs are separated by a blank line.
CREATE TABLE course_section (
    id        INTEGER PRIMARY KEY,
    course_id INTEGER NOT NULL REFERENCES course (id) ON DELETE CASCADE,
    position  INTEGER NOT NULL,
    slug      TEXT    NOT NULL,
    heading   TEXT    NOT NULL CHECK (length(heading) > 0),
    body      TEXT    NOT NULL,
    -- One order and one anchor per section, so the page never shows a section twice.
    UNIQUE (course_id, position),
    UNIQUE (course_id, slug)
);

-- One run of the course, e.g. "January 2027 · Tuesday mornings".
CREATE TABLE cohort (
    id              INTEGER PRIMARY KEY,
    course_id       INTEGER NOT NULL REFERENCES course (id),
    name            TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
    -- The intake this cohort belongs to, e.g. '2027-01'. One active application per work
    -- email per intake (rule 6) is keyed on it.
    intake          TEXT    NOT NULL CHECK (length(intake) > 0),
    capacity        INTEGER NOT NULL CHECK (capacity >= 0),
    status          TEXT    NOT NULL CHECK (status IN ('draft', 'open', 'closed')),
    -- Places taken, kept in the same transaction as the application rows that take them.
    -- Rule 3 as a constraint: however the code behaves under concurrency, the database never
    -- holds more allocated places plus outstanding offers than the capacity.
    allocated_count INTEGER NOT NULL DEFAULT 0 CHECK (allocated_count >= 0),
    offered_count   INTEGER NOT NULL DEFAULT 0 CHECK (offered_count >= 0),
    created_at      TEXT    NOT NULL,
    CHECK (allocated_count + offered_count <= capacity),
    -- Applicants rank cohorts by name: two cohorts of one course must not share one.
    UNIQUE (course_id, name)
);

-- The weekly meetings of a cohort (six for this course), generated and then editable.
CREATE TABLE cohort_meeting (
    id        INTEGER PRIMARY KEY,
    cohort_id INTEGER NOT NULL REFERENCES cohort (id) ON DELETE CASCADE,
    position  INTEGER NOT NULL CHECK (position >= 1),
    starts_at TEXT    NOT NULL,
    ends_at   TEXT    NOT NULL,
    -- A meeting that ends before it starts cannot be shown or put in a calendar.
    CHECK (ends_at > starts_at),
    UNIQUE (cohort_id, position)
);

-- A free drop-in taster on Zoom. "No need to book, just turn up."
CREATE TABLE taster_session (
    id              INTEGER PRIMARY KEY,
    course_id       INTEGER NOT NULL REFERENCES course (id),
    starts_at       TEXT    NOT NULL,
    ends_at         TEXT    NOT NULL,
    zoom_url        TEXT    NOT NULL CHECK (zoom_url LIKE 'https://%'),
    meeting_id      TEXT    NOT NULL,
    passcode        TEXT    NOT NULL,
    -- The word the coordinator reveals during the session as proof of attendance. Only ever
    -- shown to coordinators.
    attendance_code TEXT    NOT NULL CHECK (length(attendance_code) BETWEEN 4 AND 40),
    status          TEXT    NOT NULL CHECK (status IN ('scheduled', 'cancelled')),
    created_at      TEXT    NOT NULL,
    updated_at      TEXT    NOT NULL,
    CHECK (ends_at > starts_at)
);
-- A code alone identifies its session, whatever its capitalisation.
CREATE UNIQUE INDEX taster_session_attendance_code ON taster_session (lower(attendance_code));
CREATE INDEX taster_session_starts_at ON taster_session (starts_at);

-- The joining form and the allocation state it is in.
CREATE TABLE application (
    id                     INTEGER PRIMARY KEY,
    -- Short human reference, e.g. CL-7K3Q.
    reference              TEXT    NOT NULL UNIQUE,
    -- The private status link's secret (>= 128 random bits, hex).
    status_token           TEXT    NOT NULL UNIQUE CHECK (length(status_token) >= 32),
    intake                 TEXT    NOT NULL,
    name                   TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    email                  TEXT    NOT NULL,
    -- The email in lower case (Unicode-aware, computed by the domain type): the same person
    -- however they capitalise it.
    email_key              TEXT    NOT NULL,
    job_title              TEXT    NOT NULL,
    employer               TEXT    NOT NULL,
    nurse_advocate         TEXT    NOT NULL CHECK (nurse_advocate IN ('yes', 'in_training', 'no')),
    taster_session_id      INTEGER REFERENCES taster_session (id),
    -- 1 when the applicant will take any cohort; their ranked choices are then empty.
    any_cohort             INTEGER NOT NULL CHECK (any_cohort IN (0, 1)),
    access_needs           TEXT    NOT NULL DEFAULT '',
    -- Consent is recorded, with the version of the privacy notice that was agreed to.
    consent_at             TEXT    NOT NULL,
    privacy_notice_version TEXT    NOT NULL,
    submitted_at           TEXT    NOT NULL,
    -- When the application became complete (form and confirmed attendance): the queue order.
    eligible_at            TEXT,
    state                  TEXT    NOT NULL CHECK (state IN (
                               'awaiting_attendance', 'allocated', 'waiting', 'offered',
                               'withdrawn', 'declined', 'expired')),
    -- The cohort holding a place for this application (allocated, or offered a place).
    cohort_id              INTEGER REFERENCES cohort (id),
    offer_expires_at       TEXT,
    updated_at             TEXT    NOT NULL,
    -- Only an eligible application can hold or wait for a place; an unchecked one cannot.
    CHECK (state NOT IN ('allocated', 'waiting', 'offered') OR eligible_at IS NOT NULL),
    CHECK (state <> 'awaiting_attendance' OR eligible_at IS NULL),
    -- A place is held exactly while allocated or offered, so the cohort's counters add up.
    CHECK ((state IN ('allocated', 'offered')) = (cohort_id IS NOT NULL)),
    -- An offer always has an end, and nothing else has one.
    CHECK ((state = 'offered') = (offer_expires_at IS NOT NULL)),
    CHECK (eligible_at IS NULL OR eligible_at >= submitted_at)
);
-- Rule 6: one active application per work email per intake. Withdrawn, declined and expired
-- ones do not count, so a person can apply again after leaving.
CREATE UNIQUE INDEX application_one_active_per_email
    ON application (intake, email_key)
    WHERE state IN ('awaiting_attendance', 'allocated', 'waiting', 'offered');
-- The waiting list is read in eligible_at order.
CREATE INDEX application_queue ON application (state, eligible_at, id);
CREATE INDEX application_cohort ON application (cohort_id, state);

-- An application's ranked cohort choices (rank 1 first).
CREATE TABLE application_choice (
    application_id INTEGER NOT NULL REFERENCES application (id) ON DELETE CASCADE,
    rank           INTEGER NOT NULL CHECK (rank >= 1),
    cohort_id      INTEGER NOT NULL REFERENCES cohort (id),
    PRIMARY KEY (application_id, rank),
    -- A cohort ranked twice would make the queue position ambiguous.
    UNIQUE (application_id, cohort_id)
);
CREATE INDEX application_choice_cohort ON application_choice (cohort_id);

-- A course team account.
CREATE TABLE coordinator (
    id              INTEGER PRIMARY KEY,
    email           TEXT    NOT NULL,
    -- One account per address, however it is capitalised (lower case, computed in Rust).
    email_key       TEXT    NOT NULL UNIQUE,
    name            TEXT    NOT NULL,
    role            TEXT    NOT NULL CHECK (role IN ('admin', 'coordinator')),
    -- Argon2id PHC string; never a plain password.
    password_hash   TEXT    NOT NULL CHECK (password_hash LIKE '$argon2id$%'),
    failed_logins   INTEGER NOT NULL DEFAULT 0 CHECK (failed_logins >= 0),
    locked_until    TEXT,
    disabled_at     TEXT,
    created_at      TEXT    NOT NULL
);

-- Server-side sign-in sessions: logging out or expiry deletes the row, so the cookie is dead.
CREATE TABLE coordinator_session (
    -- SHA-256 of the cookie's secret: a copy of the database cannot be used to sign in.
    id_hash         TEXT    PRIMARY KEY,
    coordinator_id  INTEGER NOT NULL REFERENCES coordinator (id) ON DELETE CASCADE,
    created_at      TEXT    NOT NULL,
    last_seen_at    TEXT    NOT NULL,
    -- The absolute end (12 hours after sign-in); idle expiry is read from last_seen_at.
    expires_at      TEXT    NOT NULL
);
CREATE INDEX coordinator_session_coordinator ON coordinator_session (coordinator_id);

-- Proof that a person was at a taster session.
CREATE TABLE attendance (
    id                INTEGER PRIMARY KEY,
    taster_session_id INTEGER NOT NULL REFERENCES taster_session (id),
    -- The application it confirms; empty for an attendee not yet matched to one.
    application_id    INTEGER REFERENCES application (id) ON DELETE CASCADE,
    source            TEXT    NOT NULL CHECK (source IN ('code', 'manual', 'zoom')),
    attendee_name     TEXT,
    attendee_email    TEXT,
    minutes           INTEGER CHECK (minutes IS NULL OR minutes >= 0),
    confirmed_at      TEXT    NOT NULL,
    -- Who confirmed it; empty when the attendance code confirmed it.
    confirmed_by      INTEGER REFERENCES coordinator (id),
    -- One attendance per application per session, however many ways it was proved.
    UNIQUE (taster_session_id, application_id),
    CHECK (source = 'code' OR confirmed_by IS NOT NULL)
);
CREATE INDEX attendance_application ON attendance (application_id);

-- Every coordinator action: who, when, what, and the values before and after.
CREATE TABLE audit_log (
    id             INTEGER PRIMARY KEY,
    at             TEXT    NOT NULL,
    coordinator_id INTEGER REFERENCES coordinator (id),
    action         TEXT    NOT NULL,
    subject_type   TEXT    NOT NULL,
    subject_id     INTEGER,
    before_json    TEXT,
    after_json     TEXT
);
CREATE INDEX audit_log_at ON audit_log (at);
-- The log is a record, not a document: no one, not even an admin, can change or remove it.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
