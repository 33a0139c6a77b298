-- A confirmed Zoom match that a coordinator undoes puts the application back to an attendance
-- check, and the applicant is told ('attendance_undone').
ALTER TABLE outbox DROP CONSTRAINT outbox_kind_check;
ALTER TABLE outbox ADD CONSTRAINT outbox_kind_check CHECK (kind IN (
    'received', 'allocated', 'waiting', 'offer', 'offer_reminder', 'offer_lapsed',
    'declined', 'withdrawn', 'moved', 'status_link', 'team_message', 'attendance_undone'));
