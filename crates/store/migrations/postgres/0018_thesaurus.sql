-- The subject vocabulary as a thesaurus, replaced whole by each change (terms, their
-- broader terms and non-preferred terms as JSON lists of labels) under a version that
-- a change must name, so two specialists editing at once cannot lose each other's work.
CREATE TABLE thesaurus_terms (
    position BIGINT PRIMARY KEY,
    label TEXT NOT NULL,
    broader TEXT NOT NULL DEFAULT '[]',
    non_preferred TEXT NOT NULL DEFAULT '[]',
    scope_note TEXT NOT NULL DEFAULT ''
);

CREATE TABLE thesaurus_version (
    id BIGINT PRIMARY KEY,
    version BIGINT NOT NULL
);
INSERT INTO thesaurus_version (id, version) VALUES (1, 0);
