//! Changing what was said in a community's questions and answers. Authors reword
//! their own questions, answers and comments, and every earlier wording is kept;
//! authors take their own down, and coordinators and specialists moderate, with a
//! reason the author is told. A removed post keeps its text for the record but shows
//! it only to its author and moderators; it drops out of lists, similar questions and
//! the expert finder. Each change is a compare-and-swap on the post.
use chrono::Utc;
use serde::Deserialize;
use signpost_domain::audit::AuditRecord;
use signpost_domain::communities::{Answer, AnswerId, Comment, Notification, Post, Question, QuestionId, Removal, Revision};
use signpost_domain::people::Actor;
use signpost_domain::{FieldError, StoreError, UserId};
use utoipa::ToSchema;

use super::questions::{QuestionInput, check_question};
use crate::validate::check_text;
use crate::{ServiceError, Signpost, policy};
use signpost_domain::ids::CommunityId;

/// The most times one post can be reworded; each keeps its earlier text.
pub const MAX_REVISIONS: usize = 50;

/// Which post on a question's page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PostRef {
    /// The question itself.
    Question,
    /// One of its answers.
    Answer(AnswerId),
    /// A comment on it or on an answer.
    Comment(i64),
}

/// New words for an answer or a comment.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EditInput {
    /// The text.
    pub body: String,
}

/// Taking a post down.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RemovalInput {
    /// Why: required when a moderator takes down someone else's post; the author is told.
    #[serde(default)]
    pub reason: String,
}

fn author_of(post: &Post) -> UserId {
    match post {
        Post::Question(q) => q.author_id,
        Post::Answer(a) => a.author_id,
        Post::Comment(c) => c.author_id,
    }
}

fn removal_of(post: &Post) -> Option<&Removal> {
    match post {
        Post::Question(q) => q.removed.as_ref(),
        Post::Answer(a) => a.removed.as_ref(),
        Post::Comment(c) => c.removed.as_ref(),
    }
}

fn noun(post: &Post) -> &'static str {
    match post {
        Post::Question(_) => "question",
        Post::Answer(_) => "answer",
        Post::Comment(_) => "comment",
    }
}

/// Keeps the wording being replaced, unless the history is full.
fn keep_revision(history: &mut Vec<Revision>, title: &str, body: &str, actor: &Actor) -> Result<(), ServiceError> {
    if history.len() >= MAX_REVISIONS {
        return Err(ServiceError::Conflict(format!(
            "this has been changed {MAX_REVISIONS} times, the most it can be: post a new one instead"
        )));
    }
    history.push(Revision { title: title.to_string(), body: body.to_string(), changed_by: actor.user_id, changed_at: Utc::now() });
    Ok(())
}

fn stale(e: StoreError) -> ServiceError {
    match e {
        StoreError::Conflict(m) => ServiceError::Conflict(m),
        StoreError::NotFound => ServiceError::NotFound("the post".into()),
        other => other.into(),
    }
}

impl Signpost {
    /// Questions not taken down: of one community, or all.
    pub(crate) async fn live_questions(&self, community: Option<CommunityId>) -> Result<Vec<Question>, ServiceError> {
        Ok(self.store.questions(community).await?.into_iter().filter(|q| q.removed.is_none()).collect())
    }

    /// Answers not taken down, to live questions only when `question` is `None`.
    pub(crate) async fn live_answers(&self, question: Option<QuestionId>) -> Result<Vec<Answer>, ServiceError> {
        Ok(self.store.answers(question).await?.into_iter().filter(|a| a.removed.is_none()).collect())
    }

    async fn post(&self, id: QuestionId, which: PostRef) -> Result<Post, ServiceError> {
        let question = match self.store.question(id).await {
            Err(StoreError::NotFound) => return Err(ServiceError::NotFound("the question".into())),
            other => other?,
        };
        Ok(match which {
            PostRef::Question => Post::Question(question),
            PostRef::Answer(a) => Post::Answer(
                self.store
                    .answers(Some(id))
                    .await?
                    .into_iter()
                    .find(|x| x.id == a)
                    .ok_or_else(|| ServiceError::NotFound("the answer".into()))?,
            ),
            PostRef::Comment(c) => Post::Comment(
                self.store
                    .comments(id)
                    .await?
                    .into_iter()
                    .find(|x| x.id == c)
                    .ok_or_else(|| ServiceError::NotFound("the comment".into()))?,
            ),
        })
    }

    /// Rewords the actor's own question, keeping the earlier wording.
    pub async fn edit_question(&self, actor: &Actor, id: QuestionId, input: QuestionInput) -> Result<Question, ServiceError> {
        policy::ensure_can_contribute_as_staff(actor)?;
        let Post::Question(before) = self.post(id, PostRef::Question).await? else {
            return Err(ServiceError::NotFound("the question".into()));
        };
        self.ensure_editable(actor, &Post::Question(before.clone()))?;
        let (title, body, tags) = check_question(&input)?;
        if title == before.title && body == before.body && tags == before.tags {
            return Ok(before);
        }
        let mut after = before.clone();
        keep_revision(&mut after.history, &before.title, &before.body, actor)?;
        (after.title, after.body, after.tags) = (title, body, tags);
        let audit = AuditRecord::new(Some(actor.user_id), "question.edit", format!("reworded the question {:?}", before.title));
        self.store.revise_post(&Post::Question(before), &Post::Question(after.clone()), &[], audit).await.map_err(stale)?;
        Ok(after)
    }

    /// Rewords the actor's own answer or comment, keeping the earlier wording.
    pub async fn edit_post(&self, actor: &Actor, id: QuestionId, which: PostRef, body: &str) -> Result<Post, ServiceError> {
        policy::ensure_can_contribute_as_staff(actor)?;
        let before = self.post(id, which).await?;
        self.ensure_editable(actor, &before)?;
        let mut errors = Vec::new();
        check_text("body", body, true, 10_000, &mut errors);
        if !errors.is_empty() {
            return Err(ServiceError::Invalid(errors));
        }
        let body = body.trim().to_string();
        let after = match before.clone() {
            Post::Question(_) => return Err(ServiceError::invalid("kind", "a question is reworded with its title")),
            Post::Answer(a) if a.body == body => return Ok(Post::Answer(a)),
            Post::Comment(c) if c.body == body => return Ok(Post::Comment(c)),
            Post::Answer(mut a) => {
                keep_revision(&mut a.history, "", &a.body, actor)?;
                a.body = body;
                Post::Answer(a)
            }
            Post::Comment(mut c) => {
                keep_revision(&mut c.history, "", &c.body, actor)?;
                c.body = body;
                Post::Comment(c)
            }
        };
        let audit = AuditRecord::new(Some(actor.user_id), "question.edit", format!("reworded their {} on question {id}", noun(&before)));
        self.store.revise_post(&before, &after, &[], audit).await.map_err(stale)?;
        Ok(after)
    }

    fn ensure_editable(&self, actor: &Actor, post: &Post) -> Result<(), ServiceError> {
        if !policy::can_edit_post(actor, author_of(post)) {
            return Err(ServiceError::Forbidden(format!("only the person who wrote this {} can change it", noun(post))));
        }
        if removal_of(post).is_some() {
            return Err(ServiceError::Conflict(format!("this {} was taken down, so it cannot be changed", noun(post))));
        }
        Ok(())
    }

    /// Takes a post down: its author, or a moderator with a reason the author is told.
    pub async fn remove_post(&self, actor: &Actor, id: QuestionId, which: PostRef, input: RemovalInput) -> Result<Post, ServiceError> {
        policy::ensure_staff(actor)?;
        let before = self.post(id, which).await?;
        let question = self.store.question(id).await?;
        let membership = self.membership_of(question.community_id, actor.user_id).await?;
        let author = author_of(&before);
        if !policy::can_remove_post(actor, author, membership.as_ref()) {
            return Err(ServiceError::Forbidden(format!(
                "only its author, the community's coordinators and knowledge specialists can take down a {}",
                noun(&before)
            )));
        }
        if removal_of(&before).is_some() {
            return Err(ServiceError::Conflict(format!("this {} is already taken down", noun(&before))));
        }
        let moderating = author != actor.user_id;
        let mut errors = Vec::new();
        if moderating && input.reason.trim().is_empty() {
            errors.push(FieldError::new("reason", "say why it is being taken down: its author is told"));
        }
        check_text("reason", &input.reason, false, 500, &mut errors);
        if !errors.is_empty() {
            return Err(ServiceError::Invalid(errors));
        }
        let now = Utc::now();
        let removal =
            Some(Removal { by: actor.user_id, at: now, reason: if moderating { input.reason.trim().to_string() } else { String::new() } });
        let after = match before.clone() {
            Post::Question(q) => Post::Question(Question { removed: removal, ..q }),
            Post::Answer(a) => Post::Answer(Answer { removed: removal, ..a }),
            Post::Comment(c) => Post::Comment(Comment { removed: removal, ..c }),
        };
        let notify: Vec<Notification> = moderating
            .then(|| {
                Notification::new(
                    author,
                    format!(
                        "Your {} on \u{201c}{}\u{201d} was taken down by a moderator: {}",
                        noun(&before),
                        question.title,
                        input.reason.trim()
                    ),
                    format!("/questions/{id}"),
                    now,
                )
            })
            .into_iter()
            .collect();
        let what = if moderating { "moderated" } else { "took down their own" };
        let audit = AuditRecord::new(Some(actor.user_id), "question.remove", format!("{what} {} on question {id}", noun(&before)));
        self.store.revise_post(&before, &after, &notify, audit).await.map_err(stale)?;
        Ok(after)
    }
}
