-- Evidence of impact: attributable statements on assets and sessions, and reactions
-- to stories in the showcase.
CREATE TABLE impact_statements (
    id INTEGER PRIMARY KEY,
    doc TEXT NOT NULL
);

CREATE TABLE reactions (
    asset_id INTEGER NOT NULL REFERENCES assets(id),
    user_id INTEGER NOT NULL REFERENCES users(id),
    kind TEXT NOT NULL CHECK (kind IN ('inspiring', 'useful', 'will_try')),
    PRIMARY KEY (asset_id, user_id, kind)
);
