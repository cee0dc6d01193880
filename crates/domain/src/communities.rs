//! Communities of practice: members and coordinators, events, and a question and
//! answer space; notifications tell people what concerns them.
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::UserId;
pub use crate::ids::{AnswerId, CommunityId, QuestionId};

/// What a community is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CommunityKind {
    /// A community of practice anyone can start.
    Practice,
    /// The knowledge advocates' community, present from the start; registered advocates join it.
    Advocates,
}

/// A meeting, webinar or other gathering of a community.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CommunityEvent {
    /// What it is.
    pub title: String,
    /// When.
    pub on: NaiveDate,
    /// Where, or how to join.
    pub place: String,
    /// More about it.
    pub detail: String,
}

/// A community of practice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Community {
    /// Identifier.
    pub id: CommunityId,
    /// Name, unique.
    pub name: String,
    /// What it is about and who it is for.
    pub description: String,
    /// Labels used to route questions and find the community, lower case.
    pub tags: Vec<String>,
    /// Practice or advocates.
    pub kind: CommunityKind,
    /// Events, soonest first.
    pub events: Vec<CommunityEvent>,
    /// Who started it (none for the advocates' community).
    pub created_by: Option<UserId>,
    /// When.
    pub created_at: DateTime<Utc>,
}

/// A member's part in a community.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MemberRole {
    /// Takes part.
    Member,
    /// Runs the community: edits it, adds events, appoints coordinators, accepts answers.
    Coordinator,
}

impl MemberRole {
    /// The stable name.
    pub fn as_str(self) -> &'static str {
        match self {
            MemberRole::Member => "member",
            MemberRole::Coordinator => "coordinator",
        }
    }
}

/// Someone's membership of a community.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Membership {
    /// Which community.
    pub community_id: CommunityId,
    /// Who.
    pub user_id: UserId,
    /// Member or coordinator.
    pub role: MemberRole,
    /// When they joined.
    pub joined_at: DateTime<Utc>,
}

/// A question, an answer or a comment: what can be edited or removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Post {
    /// A question.
    Question(Question),
    /// An answer.
    Answer(Answer),
    /// A comment.
    Comment(Comment),
}

impl Post {
    /// The question it belongs to.
    pub fn question_id(&self) -> QuestionId {
        match self {
            Post::Question(q) => q.id,
            Post::Answer(a) => a.question_id,
            Post::Comment(c) => c.question_id,
        }
    }
}

/// An earlier wording of a question, answer or comment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Revision {
    /// The title it had (questions only).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub title: String,
    /// The text it had.
    pub body: String,
    /// Who changed it.
    pub changed_by: UserId,
    /// When it was changed.
    pub changed_at: DateTime<Utc>,
}

/// Why a question, answer or comment is no longer shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Removal {
    /// Who took it down: its author, or a moderator.
    pub by: UserId,
    /// When.
    pub at: DateTime<Utc>,
    /// The moderator's reason ("" when the author removed it).
    #[serde(default)]
    pub reason: String,
}

/// A question asked in a community.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Question {
    /// Identifier.
    pub id: QuestionId,
    /// Where it was asked.
    pub community_id: CommunityId,
    /// Who asked.
    pub author_id: UserId,
    /// The question in one line.
    pub title: String,
    /// The detail.
    pub body: String,
    /// Labels, lower case.
    pub tags: Vec<String>,
    /// The answer the asker (or a coordinator) accepted.
    pub accepted_answer: Option<AnswerId>,
    /// The people it was sent to as likely to know.
    pub routed_to: Vec<UserId>,
    /// When asked.
    pub created_at: DateTime<Utc>,
    /// Earlier wordings, oldest first, kept when it is changed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub history: Vec<Revision>,
    /// Set when its author or a moderator took it down; the text is kept for the record.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub removed: Option<Removal>,
}

/// An answer to a question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Answer {
    /// Identifier.
    pub id: AnswerId,
    /// The question.
    pub question_id: QuestionId,
    /// Who answered.
    pub author_id: UserId,
    /// The answer.
    pub body: String,
    /// When.
    pub created_at: DateTime<Utc>,
    /// Earlier wordings, oldest first, kept when it is changed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub history: Vec<Revision>,
    /// Set when its author or a moderator took it down; the text is kept for the record.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub removed: Option<Removal>,
}

/// A comment on a question or on one of its answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Comment {
    /// Identifier.
    pub id: i64,
    /// The question it belongs to.
    pub question_id: QuestionId,
    /// The answer it is on, if it is on an answer.
    pub answer_id: Option<AnswerId>,
    /// Who wrote it.
    pub author_id: UserId,
    /// The comment.
    pub body: String,
    /// When.
    pub created_at: DateTime<Utc>,
    /// Earlier wordings, oldest first, kept when it is changed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub history: Vec<Revision>,
    /// Set when its author or a moderator took it down; the text is kept for the record.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub removed: Option<Removal>,
}

/// A person's vote on an answer: +1 or -1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Vote {
    /// The answer.
    pub answer_id: AnswerId,
    /// Its question.
    pub question_id: QuestionId,
    /// Who voted.
    pub user_id: UserId,
    /// +1 or -1.
    pub value: i64,
}

/// Something a person should know about, shown in Signpost (and sometimes emailed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Notification {
    /// Identifier.
    pub id: i64,
    /// For whom.
    pub user_id: UserId,
    /// What happened, in a sentence.
    pub text: String,
    /// Where to read more (a path in Signpost).
    pub link: String,
    /// When.
    pub created_at: DateTime<Utc>,
    /// Whether they have seen it.
    pub read: bool,
    /// What it is about, for choosing whether and how often it is emailed.
    #[serde(default)]
    pub category: crate::notifications::Category,
}

impl Notification {
    /// A new, unread notification, shown in Signpost only.
    pub fn new(user_id: UserId, text: impl Into<String>, link: impl Into<String>, now: DateTime<Utc>) -> Self {
        Notification { id: 0, user_id, text: text.into(), link: link.into(), created_at: now, read: false, category: Default::default() }
    }

    /// The same notification in `category`, emailed as its person chooses.
    pub fn about(self, category: crate::notifications::Category) -> Self {
        Notification { category, ..self }
    }
}

/// A knowledge advocate: a person who champions knowledge sharing in their team.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Advocate {
    /// Who.
    pub user_id: UserId,
    /// The team they advocate in.
    pub team_id: crate::TeamId,
    /// Since when.
    pub since: NaiveDate,
    /// Who registered them.
    pub registered_by: UserId,
}
