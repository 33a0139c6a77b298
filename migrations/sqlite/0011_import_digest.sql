-- The SHA-256 of an uploaded Zoom report's bytes, so the same file uploaded twice for a
-- session is recognised (reports uploaded before this have none).
ALTER TABLE zoom_import ADD COLUMN digest TEXT;
CREATE INDEX zoom_import_digest ON zoom_import (taster_session_id, digest);
