-- Current awareness: saved searches people subscribe to, and what each digest sent.
-- checked_until is how far new knowledge has been looked for; a digest moves it on
-- only from the value it read, so one period is never sent twice.
CREATE TABLE saved_searches (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    query TEXT NOT NULL,
    frequency TEXT NOT NULL,
    paused_because TEXT,
    problem TEXT,
    created_at INTEGER NOT NULL,
    checked_until INTEGER NOT NULL
);
CREATE INDEX saved_searches_user ON saved_searches (user_id);
CREATE INDEX saved_searches_frequency ON saved_searches (frequency);

CREATE TABLE alert_deliveries (
    id INTEGER PRIMARY KEY,
    saved_search_id INTEGER NOT NULL REFERENCES saved_searches(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    sent_at INTEGER NOT NULL,
    items INTEGER NOT NULL
);
CREATE INDEX alert_deliveries_sent ON alert_deliveries (sent_at);

-- A link followed from a digest (through a redirect that checks the reader may see
-- what it leads to), for the report's count of opens.
CREATE TABLE alert_opens (
    id INTEGER PRIMARY KEY,
    saved_search_id INTEGER NOT NULL REFERENCES saved_searches(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    asset_id INTEGER NOT NULL,
    opened_at INTEGER NOT NULL
);
CREATE INDEX alert_opens_at ON alert_opens (opened_at);
