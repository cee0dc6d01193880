-- Single sign-on: who each person is at each identity provider, sign-ins under way
-- (kept under the hash of their state, taken once), which provider started a browser
-- session (so its back-channel logout can end it), and the sign-in settings.
CREATE TABLE sign_on_identities (
    provider TEXT NOT NULL,
    subject TEXT NOT NULL,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (provider, subject),
    UNIQUE (provider, user_id)
);

CREATE TABLE sign_on_requests (
    state_hash TEXT PRIMARY KEY,
    provider TEXT NOT NULL,
    nonce TEXT NOT NULL,
    pkce_verifier TEXT NOT NULL,
    next TEXT NOT NULL,
    expires_at INTEGER NOT NULL
);

ALTER TABLE browser_sessions ADD COLUMN provider TEXT;
ALTER TABLE browser_sessions ADD COLUMN provider_subject TEXT;
ALTER TABLE browser_sessions ADD COLUMN provider_session TEXT;
ALTER TABLE browser_sessions ADD COLUMN id_token TEXT;
CREATE INDEX browser_sessions_provider ON browser_sessions (provider, provider_subject);

CREATE TABLE instance_settings (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
