-- The programme report counts assets created in each month by kind, and verifications in
-- its period, from these indexes alone (each was a scan of the whole table).
CREATE INDEX assets_created ON assets(created_at, kind);
CREATE INDEX asset_versions_event ON asset_versions(event, created_at);
