-- Interest profiles: the subjects and teams a person follows. Each profile keeps up to
-- two saved searches in step (its subjects, its teams), which digests and feeds send.
CREATE TABLE interest_profiles (
    user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    version INTEGER NOT NULL,
    subjects_search INTEGER REFERENCES saved_searches(id) ON DELETE SET NULL,
    teams_search INTEGER REFERENCES saved_searches(id) ON DELETE SET NULL,
    doc TEXT NOT NULL
);
