-- Webhooks: endpoints (one document each, under a version), the messages each event
-- makes for each endpoint (one `webhook-id` however often it is tried), and the log of
-- every attempt. The cursor is how far events have been read from the audit log; it
-- starts at the end, so endpoints hear only of what happens after they exist.
CREATE TABLE webhook_endpoints (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    version INTEGER NOT NULL,
    doc TEXT NOT NULL
);
CREATE TABLE webhook_messages (
    id TEXT PRIMARY KEY,
    endpoint_id INTEGER NOT NULL REFERENCES webhook_endpoints(id) ON DELETE CASCADE,
    event_type TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL
);
CREATE INDEX webhook_messages_endpoint ON webhook_messages (endpoint_id, created_at);
CREATE TABLE webhook_attempts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    message_id TEXT NOT NULL REFERENCES webhook_messages(id) ON DELETE CASCADE,
    endpoint_id INTEGER NOT NULL REFERENCES webhook_endpoints(id) ON DELETE CASCADE,
    event_type TEXT NOT NULL,
    at INTEGER NOT NULL,
    request TEXT NOT NULL,
    status INTEGER,
    response TEXT NOT NULL,
    duration_ms INTEGER NOT NULL,
    delivered INTEGER NOT NULL
);
CREATE INDEX webhook_attempts_endpoint ON webhook_attempts (endpoint_id, id);
CREATE TABLE webhook_cursor (
    one INTEGER PRIMARY KEY CHECK (one = 1),
    position INTEGER NOT NULL
);
INSERT INTO webhook_cursor (one, position) SELECT 1, COALESCE(MAX(id), 0) FROM audit_log;
