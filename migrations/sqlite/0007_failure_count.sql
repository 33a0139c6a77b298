-- Wrong guesses by scope and client address or email, kept in the database (on SQLite the
-- server keeps them in memory, as one instance serves; the table is here so that both
-- databases have the same schema). The key is a SHA-256 hash: the table names no address or
-- email. Rows that no longer count are deleted.
CREATE TABLE failure_count (
    scope          TEXT    NOT NULL,
    key_hash       TEXT    NOT NULL,
    failures       INTEGER NOT NULL CHECK (failures >= 0),
    last_failed_at TEXT,
    locked_until   TEXT,
    PRIMARY KEY (scope, key_hash)
);
CREATE INDEX failure_count_last_failed ON failure_count (scope, last_failed_at);
