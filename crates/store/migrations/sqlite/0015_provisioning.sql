-- Provisioning by SCIM 2.0: the clients an administrator made (an identity provider
-- each, with only the hash of its bearer token), what SCIM alone knows of a person
-- (its userName and the User document as the provider last sent it, the provider's externalId, whether SCIM deleted them, a version for ETags and
-- conditional updates), and which teams are SCIM groups.
CREATE TABLE scim_clients (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    secret_hash TEXT NOT NULL UNIQUE,
    created_by INTEGER NOT NULL REFERENCES users(id),
    group_parent_id INTEGER REFERENCES teams(id),
    created_at INTEGER NOT NULL,
    last_used_at INTEGER,
    revoked_at INTEGER
);

CREATE TABLE scim_users (
    user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    user_name TEXT NOT NULL UNIQUE,
    document TEXT NOT NULL DEFAULT '{}',
    external_id TEXT,
    modified_at INTEGER NOT NULL DEFAULT 0,
    deprovisioned_at INTEGER,
    version INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE scim_groups (
    team_id INTEGER PRIMARY KEY REFERENCES teams(id) ON DELETE CASCADE,
    external_id TEXT,
    modified_at INTEGER NOT NULL DEFAULT 0,
    version INTEGER NOT NULL DEFAULT 0
);
