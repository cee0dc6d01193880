-- Connecting people: profiles, communities of practice with their questions and
-- answers, notifications, knowledge advocates, mentoring and coffee programmes.
-- Each row keeps its whole record as JSON in `doc`; the other columns are copies
-- kept for filtering, joins and uniqueness.
CREATE TABLE profiles (
    user_id INTEGER PRIMARY KEY REFERENCES users(id),
    doc TEXT NOT NULL
);

CREATE TABLE communities (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('practice', 'advocates')),
    doc TEXT NOT NULL
);

CREATE TABLE community_members (
    community_id INTEGER NOT NULL REFERENCES communities(id),
    user_id INTEGER NOT NULL REFERENCES users(id),
    role TEXT NOT NULL CHECK (role IN ('member', 'coordinator')),
    doc TEXT NOT NULL,
    PRIMARY KEY (community_id, user_id)
);
CREATE INDEX community_members_user ON community_members (user_id);

CREATE TABLE questions (
    id INTEGER PRIMARY KEY,
    community_id INTEGER NOT NULL REFERENCES communities(id),
    doc TEXT NOT NULL
);
CREATE INDEX questions_community ON questions (community_id);

CREATE TABLE answers (
    id INTEGER PRIMARY KEY,
    question_id INTEGER NOT NULL REFERENCES questions(id),
    doc TEXT NOT NULL
);
CREATE INDEX answers_question ON answers (question_id);

CREATE TABLE comments (
    id INTEGER PRIMARY KEY,
    question_id INTEGER NOT NULL REFERENCES questions(id),
    doc TEXT NOT NULL
);
CREATE INDEX comments_question ON comments (question_id);

CREATE TABLE answer_votes (
    answer_id INTEGER NOT NULL REFERENCES answers(id),
    user_id INTEGER NOT NULL REFERENCES users(id),
    question_id INTEGER NOT NULL REFERENCES questions(id),
    value INTEGER NOT NULL CHECK (value IN (-1, 1)),
    PRIMARY KEY (answer_id, user_id)
);
CREATE INDEX answer_votes_question ON answer_votes (question_id);

CREATE TABLE notifications (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    seen INTEGER NOT NULL DEFAULT 0,
    doc TEXT NOT NULL
);
CREATE INDEX notifications_user ON notifications (user_id, id);

CREATE TABLE advocates (
    user_id INTEGER PRIMARY KEY REFERENCES users(id),
    team_id INTEGER NOT NULL REFERENCES teams(id),
    doc TEXT NOT NULL
);

CREATE TABLE mentoring_listings (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    doc TEXT NOT NULL
);

CREATE TABLE mentoring_matches (
    id INTEGER PRIMARY KEY,
    mentor_id INTEGER NOT NULL REFERENCES users(id),
    mentee_id INTEGER NOT NULL REFERENCES users(id),
    doc TEXT NOT NULL
);

CREATE TABLE coffee_programmes (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    doc TEXT NOT NULL
);

CREATE TABLE coffee_members (
    programme_id INTEGER NOT NULL REFERENCES coffee_programmes(id),
    user_id INTEGER NOT NULL REFERENCES users(id),
    doc TEXT NOT NULL,
    PRIMARY KEY (programme_id, user_id)
);

CREATE TABLE coffee_rounds (
    id INTEGER PRIMARY KEY,
    programme_id INTEGER NOT NULL REFERENCES coffee_programmes(id),
    number INTEGER NOT NULL,
    doc TEXT NOT NULL,
    UNIQUE (programme_id, number)
);

CREATE TABLE coffee_feedback (
    round_id INTEGER NOT NULL REFERENCES coffee_rounds(id),
    user_id INTEGER NOT NULL REFERENCES users(id),
    programme_id INTEGER NOT NULL REFERENCES coffee_programmes(id),
    doc TEXT NOT NULL,
    PRIMARY KEY (round_id, user_id)
);
CREATE INDEX coffee_feedback_programme ON coffee_feedback (programme_id);

-- The advocates' community exists from the start, before anyone is registered.
INSERT INTO communities (id, name, kind, doc) VALUES (1, 'Knowledge advocates', 'advocates',
    '{"name":"Knowledge advocates","description":"The community of practice of knowledge advocates: volunteer champions inside teams who spread knowledge practice and represent their team''s needs. Registered advocates join it.","tags":["knowledge advocates","knowledge mobilisation"],"kind":"advocates","events":[],"created_by":null,"created_at":"'
    || strftime('%Y-%m-%dT%H:%M:%SZ', 'now') || '"}');
