-- The programme report counts assets created in each month by kind from this index alone.
CREATE INDEX assets_created ON assets(created_at, kind);
