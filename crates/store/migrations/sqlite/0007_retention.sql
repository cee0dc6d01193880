-- Securing knowledge from movers and leavers, and knowledge at risk. One row per plan, the whole plan
-- (areas, scores, actions, what was handed on) as JSON in `doc`. `revision`
-- catches two people saving the same plan at once.
CREATE TABLE leaver_plans (
    id INTEGER PRIMARY KEY,
    leaver_id INTEGER NOT NULL REFERENCES users(id),
    team_id INTEGER NOT NULL REFERENCES teams(id),
    leaving_on TEXT NOT NULL,
    open INTEGER NOT NULL,
    revision INTEGER NOT NULL,
    doc TEXT NOT NULL
);
CREATE INDEX leaver_plans_leaver ON leaver_plans (leaver_id);
CREATE INDEX leaver_plans_open ON leaver_plans (open, leaving_on);

-- The register of critical knowledge: one row per area; risk is derived when read.
CREATE TABLE critical_areas (
    id INTEGER PRIMARY KEY,
    team_id INTEGER NOT NULL REFERENCES teams(id),
    doc TEXT NOT NULL
);
