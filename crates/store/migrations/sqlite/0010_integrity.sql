-- Rules that held only because the code read before it wrote now hold in the database,
-- so two requests at once cannot both pass: one open leaver plan per person, and one
-- assessment per team, model and day.
CREATE UNIQUE INDEX leaver_plans_one_open ON leaver_plans (leaver_id) WHERE open = 1;
DROP INDEX maturity_assessments_model;
CREATE UNIQUE INDEX maturity_assessments_one_a_day ON maturity_assessments (model_key, team_id, held_on);

-- How an asset stood at each version (who could read it then, and its review date)
-- beside the version, so its history is listed without reading any snapshot. A
-- verification keeps no snapshot of its own (''): it reads as the version before it.
ALTER TABLE asset_versions ADD COLUMN status TEXT NOT NULL DEFAULT '';
ALTER TABLE asset_versions ADD COLUMN visibility TEXT NOT NULL DEFAULT '';
ALTER TABLE asset_versions ADD COLUMN team_id INTEGER NOT NULL DEFAULT 0;
ALTER TABLE asset_versions ADD COLUMN owner_id INTEGER NOT NULL DEFAULT 0;
ALTER TABLE asset_versions ADD COLUMN named_viewers TEXT NOT NULL DEFAULT '[]';
ALTER TABLE asset_versions ADD COLUMN next_review_at INTEGER NOT NULL DEFAULT 0;
UPDATE asset_versions SET
    status = json_extract(snapshot, '$.status'),
    visibility = json_extract(snapshot, '$.visibility'),
    team_id = json_extract(snapshot, '$.team_id'),
    owner_id = json_extract(snapshot, '$.owner_id'),
    named_viewers = COALESCE(json_extract(snapshot, '$.named_viewers'), '[]'),
    next_review_at = CAST(ROUND((julianday(json_extract(snapshot, '$.next_review_at')) - 2440587.5) * 86400000) AS INTEGER);

-- API tokens may be given an expiry; without one they work until revoked.
ALTER TABLE api_tokens ADD COLUMN expires_at INTEGER;
