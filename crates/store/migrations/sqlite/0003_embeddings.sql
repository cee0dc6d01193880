-- Each asset's text as a vector, per embedding model, as of one of its versions.
CREATE TABLE asset_embeddings (
    asset_id INTEGER NOT NULL REFERENCES assets(id) ON DELETE CASCADE,
    model TEXT NOT NULL,
    version INTEGER NOT NULL,
    -- little-endian f32s
    vector BLOB NOT NULL,
    PRIMARY KEY (asset_id, model)
);
