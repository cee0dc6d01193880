-- Maturity self-assessment: the organisation's own models (the shipped ones live in
-- the binary) and teams' assessments, each record as JSON in `doc`.
CREATE TABLE maturity_models (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    doc TEXT NOT NULL
);

CREATE TABLE maturity_assessments (
    id INTEGER PRIMARY KEY,
    model_key TEXT NOT NULL,
    team_id INTEGER NOT NULL REFERENCES teams(id),
    held_on TEXT NOT NULL,
    doc TEXT NOT NULL
);
CREATE INDEX maturity_assessments_model ON maturity_assessments (model_key, team_id, held_on);
