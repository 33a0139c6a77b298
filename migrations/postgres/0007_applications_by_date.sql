-- The coordinators' applications table is read a page at a time, newest applications first
-- by default: this index gives a page without sorting every application.
CREATE INDEX application_submitted ON application (submitted_at, id);
