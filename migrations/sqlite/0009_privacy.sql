-- Personal data under UK GDPR (DESIGN.md, "Data, security, scale"): erasure that leaves the
-- reference, the counts and the queue right; retention per intake; an access log.

-- When an application's personal details were erased (on request, by an admin, or when its
-- intake's retention period ended). The row stays, so references, counts and the queue stay
-- right; its name, email, job, employer and access needs are gone.
ALTER TABLE application ADD COLUMN erased_at TEXT;

-- How long personal data of an intake is kept after the intake's last meeting, when an admin
-- set it; otherwise the default (12 months).
CREATE TABLE intake_retention (
    intake  TEXT    PRIMARY KEY,
    months  INTEGER NOT NULL CHECK (months BETWEEN 1 AND 120),
    set_by  INTEGER NOT NULL REFERENCES coordinator (id),
    set_at  TEXT    NOT NULL
);

-- Who looked at whose data: a coordinator viewing an application, exporting the table or a
-- person's data. Nothing personal beyond the application's reference. Old rows are deleted
-- after the period the server is set to keep them.
CREATE TABLE access_log (
    id             INTEGER PRIMARY KEY,
    at             TEXT    NOT NULL,
    coordinator_id INTEGER NOT NULL REFERENCES coordinator (id),
    action         TEXT    NOT NULL CHECK (action IN ('view_application', 'export_table', 'export_person')),
    reference      TEXT
);
CREATE INDEX access_log_at ON access_log (at);
