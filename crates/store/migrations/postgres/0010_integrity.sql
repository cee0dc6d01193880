-- Rules that held only because the code read before it wrote now hold in the database,
-- so two requests at once cannot both pass: one open leaver plan per person, and one
-- assessment per team, model and day.
CREATE UNIQUE INDEX leaver_plans_one_open ON leaver_plans (leaver_id) WHERE open = 1;
DROP INDEX maturity_assessments_model;
CREATE UNIQUE INDEX maturity_assessments_one_a_day ON maturity_assessments (model_key, team_id, held_on);

-- How an asset stood at each version (who could read it then, and its review date)
-- beside the version, so its history is listed without reading any snapshot. A
-- verification keeps no snapshot of its own (''): it reads as the version before it.
ALTER TABLE asset_versions
    ADD COLUMN status TEXT NOT NULL DEFAULT '',
    ADD COLUMN visibility TEXT NOT NULL DEFAULT '',
    ADD COLUMN team_id BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN owner_id BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN named_viewers TEXT NOT NULL DEFAULT '[]',
    ADD COLUMN next_review_at BIGINT NOT NULL DEFAULT 0;
UPDATE asset_versions SET
    status = (snapshot::jsonb) ->> 'status',
    visibility = (snapshot::jsonb) ->> 'visibility',
    team_id = ((snapshot::jsonb) ->> 'team_id')::BIGINT,
    owner_id = ((snapshot::jsonb) ->> 'owner_id')::BIGINT,
    named_viewers = COALESCE((snapshot::jsonb) -> 'named_viewers', '[]'::jsonb)::TEXT,
    next_review_at = (EXTRACT(EPOCH FROM ((snapshot::jsonb) ->> 'next_review_at')::TIMESTAMPTZ) * 1000)::BIGINT;

-- API tokens may be given an expiry; without one they work until revoked.
ALTER TABLE api_tokens ADD COLUMN expires_at BIGINT;
