-- Notifications by email: each notification's category and time as columns (the
-- document keeps the rest), when it was emailed or queued to be, each person's choice
-- per category, and secrets every node shares (the key unsubscribe links are signed with).
ALTER TABLE notifications ADD COLUMN category TEXT NOT NULL DEFAULT 'general';
ALTER TABLE notifications ADD COLUMN created_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE notifications ADD COLUMN emailed_at BIGINT;
CREATE INDEX notifications_to_email ON notifications (created_at) WHERE emailed_at IS NULL AND seen = 0 AND category <> 'general';

CREATE TABLE email_preferences (
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    category TEXT NOT NULL,
    frequency TEXT NOT NULL,
    PRIMARY KEY (user_id, category)
);

CREATE TABLE shared_secrets (
    name TEXT PRIMARY KEY,
    secret TEXT NOT NULL
);
