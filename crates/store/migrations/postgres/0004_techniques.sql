-- The organisation's edits to the shipped technique catalogue, and its own techniques
-- (the shipped catalogue itself lives in the application).
CREATE TABLE techniques (
    key TEXT PRIMARY KEY,
    -- the technique as JSON
    definition TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);
