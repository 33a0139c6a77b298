-- Queue positions count the applications waiting ahead of one: with the intake and the "any
-- cohort" flag in the index, that count reads the index alone, not every row it passes.
DROP INDEX application_queue;
CREATE INDEX application_queue ON application (state, intake, eligible_at, id, any_cohort);
