-- Closing the ways in: attendance codes compared by a key, wrong passwords that stop counting
-- after a while, browsers a coordinator has signed in on, and the demo account marked.

-- A code is typed with any capitalisation, spaces or hyphens ("Maple orbit-shed river"); its
-- key is the code in lower case, letters and digits only (computed in Rust as it is stored).
-- The key alone identifies the session, so no two sessions can share a code however it is
-- written.
ALTER TABLE taster_session ADD COLUMN attendance_code_key TEXT NOT NULL DEFAULT '';
UPDATE taster_session
   SET attendance_code_key = lower(replace(replace(attendance_code, '-', ''), ' ', ''));
DROP INDEX taster_session_attendance_code;
CREATE UNIQUE INDEX taster_session_attendance_code_key ON taster_session (attendance_code_key);

-- When the last wrong password for the account came: a count older than the quiet period, or
-- one whose lock has lapsed, starts again instead of locking the account for good.
ALTER TABLE coordinator ADD COLUMN last_failed_at TEXT;

-- The account demo mode creates has a published password: it may sign in only while the
-- server runs in demo mode.
ALTER TABLE coordinator ADD COLUMN is_demo INTEGER NOT NULL DEFAULT 0 CHECK (is_demo IN (0, 1));
UPDATE coordinator SET is_demo = 1 WHERE email_key = 'coordinator@example.nhs.uk';

-- Browsers a coordinator has signed in on, by the SHA-256 of their device cookie's secret.
-- Wrong passwords from a known browser count here, not on the account, so that a flood of
-- wrong passwords from elsewhere cannot lock a coordinator out of their usual browser.
CREATE TABLE coordinator_device (
    id_hash        TEXT    PRIMARY KEY,
    coordinator_id INTEGER NOT NULL REFERENCES coordinator (id) ON DELETE CASCADE,
    created_at     TEXT    NOT NULL,
    last_used_at   TEXT    NOT NULL,
    failed_logins  INTEGER NOT NULL DEFAULT 0 CHECK (failed_logins >= 0),
    last_failed_at TEXT,
    locked_until   TEXT
);
CREATE INDEX coordinator_device_last_used ON coordinator_device (last_used_at);

-- One row the health check rewrites through the single writer: `/healthz` answers 200 only
-- when a write can really be committed, not merely when a read works.
CREATE TABLE health_check (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    checked_at TEXT    NOT NULL
);
