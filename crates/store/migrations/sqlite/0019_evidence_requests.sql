-- Evidence search requests. The request is one document; the columns are what the
-- queue and the follow-up scan look for, and the version every change is made against.
CREATE TABLE evidence_requests (
    id INTEGER PRIMARY KEY,
    requester_id INTEGER NOT NULL REFERENCES users(id),
    state TEXT NOT NULL,
    version INTEGER NOT NULL,
    follow_up_due TEXT,
    followed_up INTEGER NOT NULL DEFAULT 0,
    doc TEXT NOT NULL
);
CREATE INDEX evidence_requests_follow_up ON evidence_requests (state, followed_up, follow_up_due);
