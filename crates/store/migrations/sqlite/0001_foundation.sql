-- Foundation: organisation, accounts, assets with versions, audit log, change log (outbox).
-- Times are milliseconds since the Unix epoch; lists are JSON text.
CREATE TABLE teams (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('organisation', 'directorate', 'team')),
    parent_id INTEGER REFERENCES teams(id)
);

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    job_title TEXT NOT NULL DEFAULT '',
    profession TEXT NOT NULL DEFAULT '',
    site TEXT NOT NULL DEFAULT '',
    team_id INTEGER REFERENCES teams(id),
    role TEXT NOT NULL,
    password_hash TEXT,
    created_at INTEGER NOT NULL
);

CREATE TABLE browser_sessions (
    secret_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    expires_at INTEGER NOT NULL
);

CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    secret_hash TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    last_used_at INTEGER,
    revoked_at INTEGER
);

CREATE TABLE assets (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    summary TEXT NOT NULL,
    body TEXT NOT NULL,
    fields TEXT NOT NULL,
    tags TEXT NOT NULL,
    topics TEXT NOT NULL,
    owner_id INTEGER NOT NULL REFERENCES users(id),
    team_id INTEGER NOT NULL REFERENCES teams(id),
    status TEXT NOT NULL,
    visibility TEXT NOT NULL,
    named_viewers TEXT NOT NULL,
    review_interval_days INTEGER NOT NULL,
    next_review_at INTEGER NOT NULL,
    last_verified_at INTEGER,
    links TEXT NOT NULL,
    version INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX assets_team ON assets(team_id);
CREATE INDEX assets_owner ON assets(owner_id);
CREATE INDEX assets_review ON assets(next_review_at);
CREATE INDEX assets_updated ON assets(updated_at);

CREATE TABLE asset_viewers (
    asset_id INTEGER NOT NULL REFERENCES assets(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    PRIMARY KEY (asset_id, user_id)
);

CREATE TABLE asset_versions (
    asset_id INTEGER NOT NULL REFERENCES assets(id) ON DELETE CASCADE,
    version INTEGER NOT NULL,
    event TEXT NOT NULL,
    author_id INTEGER NOT NULL REFERENCES users(id),
    created_at INTEGER NOT NULL,
    note TEXT NOT NULL,
    snapshot TEXT NOT NULL,
    PRIMARY KEY (asset_id, version)
);

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    actor_id INTEGER REFERENCES users(id),
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id INTEGER,
    summary TEXT NOT NULL,
    before_state TEXT,
    after_state TEXT
);

CREATE TABLE changes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    entity TEXT NOT NULL,
    entity_id INTEGER NOT NULL,
    at INTEGER NOT NULL
);

CREATE TABLE synonyms (
    id INTEGER PRIMARY KEY,
    terms TEXT NOT NULL
);
