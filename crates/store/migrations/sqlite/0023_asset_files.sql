-- Images that came with imported knowledge (a Confluence attachment, a picture in a
-- Word document), kept with the asset whose text shows them and served only to people
-- who may see that asset. Deleting the asset deletes them.
CREATE TABLE asset_files (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    asset_id INTEGER NOT NULL REFERENCES assets(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    media_type TEXT NOT NULL,
    bytes BLOB NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX asset_files_asset ON asset_files (asset_id);
