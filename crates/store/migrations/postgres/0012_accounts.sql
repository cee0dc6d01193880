-- The account life cycle: accounts an administrator disabled (they cannot sign in and
-- their sessions and tokens stop working), each person's line manager, and single-use
-- links that set a password (a forgotten one, or an invitation's first), kept as hashes.
ALTER TABLE users ADD COLUMN disabled_at BIGINT;
ALTER TABLE users ADD COLUMN line_manager_id BIGINT REFERENCES users(id) ON DELETE SET NULL;

CREATE TABLE password_links (
    secret_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    purpose TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT
);
CREATE INDEX password_links_user ON password_links (user_id);

-- The one-time secret in the set-up link a new installation prints, until the first
-- administrator exists (only its hash; one row at most).
CREATE TABLE setup_secret (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    secret_hash TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
