-- Learning before, during and after: projects, sessions, private answers, actions,
-- lesson records and usefulness marks. Each row keeps its whole record as JSON in
-- `doc`; the other columns are copies kept for filtering and joins.
CREATE TABLE projects (
    id INTEGER PRIMARY KEY,
    team_id INTEGER NOT NULL REFERENCES teams(id),
    doc TEXT NOT NULL
);

CREATE TABLE learning_sessions (
    id INTEGER PRIMARY KEY,
    project_id INTEGER REFERENCES projects(id),
    held_on TEXT NOT NULL,
    doc TEXT NOT NULL
);
CREATE INDEX learning_sessions_project ON learning_sessions (project_id);

CREATE TABLE session_contributions (
    id INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES learning_sessions(id),
    doc TEXT NOT NULL
);
CREATE INDEX session_contributions_session ON session_contributions (session_id);

CREATE TABLE actions (
    id INTEGER PRIMARY KEY,
    owner_id INTEGER NOT NULL REFERENCES users(id),
    team_id INTEGER NOT NULL REFERENCES teams(id),
    session_id INTEGER REFERENCES learning_sessions(id),
    project_id INTEGER REFERENCES projects(id),
    lesson_id INTEGER REFERENCES assets(id),
    status TEXT NOT NULL CHECK (status IN ('open', 'done', 'dropped')),
    -- ISO date, so text order is date order
    due_on TEXT NOT NULL,
    doc TEXT NOT NULL
);
CREATE INDEX actions_owner ON actions (owner_id, status);
CREATE INDEX actions_team ON actions (team_id, status);

CREATE TABLE lesson_records (
    asset_id INTEGER PRIMARY KEY REFERENCES assets(id),
    doc TEXT NOT NULL
);

CREATE TABLE useful_marks (
    project_id INTEGER NOT NULL REFERENCES projects(id),
    asset_id INTEGER NOT NULL REFERENCES assets(id),
    user_id INTEGER NOT NULL REFERENCES users(id),
    useful INTEGER NOT NULL,
    PRIMARY KEY (project_id, asset_id, user_id)
);
