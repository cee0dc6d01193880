-- What each import from another system made: the source's own key for a page or
-- document (a Confluence page id, a path in a Markdown archive), the asset it became,
-- and a hash of what was imported, so importing the same export again updates those
-- assets, skips what has not changed, and never makes a second copy.
CREATE TABLE import_sources (
    source_key TEXT PRIMARY KEY,
    asset_id INTEGER NOT NULL REFERENCES assets(id) ON DELETE CASCADE,
    content_hash TEXT NOT NULL,
    imported_at INTEGER NOT NULL
);
CREATE INDEX import_sources_asset ON import_sources (asset_id);
