-- Each asset's text as a vector, per embedding model, as of one of its versions.
CREATE TABLE asset_embeddings (
    asset_id BIGINT NOT NULL REFERENCES assets(id) ON DELETE CASCADE,
    model TEXT NOT NULL,
    version BIGINT NOT NULL,
    -- little-endian f32s
    vector BYTEA NOT NULL,
    PRIMARY KEY (asset_id, model)
);
