-- A feed key is a token of its own kind: it opens a person's Atom feeds and nothing
-- else, and an API token never opens a feed. One row per key, hashed like API tokens.
ALTER TABLE api_tokens ADD COLUMN scope TEXT NOT NULL DEFAULT 'api';
CREATE INDEX api_tokens_user_scope ON api_tokens (user_id, scope);
