//! Questions and answers in communities: asking (with similar answered questions
//! shown while writing), routing to likely experts, answers, comments, votes and the
//! accepted answer. Everyone concerned hears of it through notifications.
use std::collections::{HashMap, HashSet};

use chrono::Utc;
use serde::{Deserialize, Serialize};
use signpost_domain::audit::AuditRecord;
use signpost_domain::communities::{Answer, AnswerId, Comment, Community, Notification, Post, Question, QuestionId, Vote};
use signpost_domain::notifications::Category;
use signpost_domain::people::{Actor, User};
use signpost_domain::{FieldError, StoreError, UserId};
use utoipa::ToSchema;

use crate::validate::{check_text, clean_tags};
use crate::{ServiceError, Signpost, policy};
use signpost_domain::ids::CommunityId;

/// How many likely experts a new question is sent to.
const ROUTED: usize = 3;
/// How many similar questions are shown while writing.
const SIMILAR: usize = 5;
/// How alike (0–1, both ways, by the search engine's word weights) an earlier question must be to be shown.
const SIMILAR_AT: f64 = 0.3;

/// A new question.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QuestionInput {
    /// The question in one line.
    pub title: String,
    /// The detail.
    #[serde(default)]
    pub body: String,
    /// Labels.
    #[serde(default)]
    pub tags: Vec<String>,
}

/// An answer or a comment.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PostInput {
    /// The text.
    pub body: String,
    /// For a comment on an answer: which answer.
    #[serde(default)]
    pub answer_id: Option<AnswerId>,
}

/// An earlier question like the one being written.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SimilarQuestion {
    /// The question.
    pub question: Question,
    /// Its community's name.
    pub community: String,
    /// How many answers it has.
    pub answers: usize,
    /// How alike (0 to 1).
    pub likeness: f64,
}

/// A comment with its author's name.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CommentView {
    /// Who wrote it.
    pub author: String,
    /// The comment.
    pub comment: Comment,
    /// What the reader may do with it.
    pub may: PostPermissions,
}

/// What the reader may do with a question, answer or comment.
#[derive(Debug, Clone, Copy, Default, Serialize, ToSchema)]
pub struct PostPermissions {
    /// Reword it (its author).
    pub edit: bool,
    /// Take it down (its author and moderators).
    pub remove: bool,
    /// Read what a removed post said and its history (its author and moderators).
    pub see_removed: bool,
}

/// An answer as shown.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AnswerView {
    /// The answer.
    pub answer: Answer,
    /// Who wrote it.
    pub author: String,
    /// Up votes minus down votes.
    pub score: i64,
    /// The reader's vote: +1, -1 or 0.
    pub my_vote: i64,
    /// Whether it is the accepted answer.
    pub accepted: bool,
    /// Comments on it.
    pub comments: Vec<CommentView>,
    /// What the reader may do with it.
    pub may: PostPermissions,
}

/// A question's page.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct QuestionView {
    /// The question.
    pub question: Question,
    /// Where it was asked.
    pub community: Community,
    /// Who asked.
    pub author: String,
    /// Answers: the accepted one first, then by score.
    pub answers: Vec<AnswerView>,
    /// Comments on the question itself.
    pub comments: Vec<CommentView>,
    /// The people it was sent to.
    pub routed_to: Vec<User>,
    /// Whether the reader may accept an answer.
    pub may_accept: bool,
    /// What the reader may do with the question itself.
    pub may: PostPermissions,
}

/// A question's title, detail and subjects as they are stored, or what is wrong with them.
pub(crate) fn check_question(input: &QuestionInput) -> Result<(String, String, Vec<String>), ServiceError> {
    let mut errors: Vec<FieldError> = Vec::new();
    check_text("title", &input.title, true, 300, &mut errors);
    check_text("body", &input.body, false, 10_000, &mut errors);
    let tags = clean_tags("tags", &input.tags, &mut errors);
    if !errors.is_empty() {
        return Err(ServiceError::Invalid(errors));
    }
    Ok((input.title.trim().to_string(), input.body.trim().to_string(), tags))
}

fn check_post(body: &str) -> Result<String, ServiceError> {
    let mut errors = Vec::new();
    check_text("body", body, true, 10_000, &mut errors);
    if errors.is_empty() { Ok(body.trim().to_string()) } else { Err(ServiceError::Invalid(errors)) }
}

/// The longest draft compared with earlier questions (a question's title and a little more).
const MAX_SIMILAR_DRAFT: usize = 1_000;

impl Signpost {
    async fn question_or_404(&self, id: QuestionId) -> Result<Question, ServiceError> {
        match self.store.question(id).await {
            Err(StoreError::NotFound) => Err(ServiceError::NotFound("the question".into())),
            other => Ok(other?),
        }
    }

    /// A question that can still be answered and commented on: not taken down.
    async fn open_question(&self, id: QuestionId) -> Result<Question, ServiceError> {
        let question = self.question_or_404(id).await?;
        if question.removed.is_some() {
            return Err(ServiceError::Conflict("this question was taken down, so it takes no more answers or comments".into()));
        }
        Ok(question)
    }

    /// Earlier answered questions like the draft, most alike first.
    pub async fn similar_questions(&self, actor: &Actor, draft: &str) -> Result<Vec<SimilarQuestion>, ServiceError> {
        policy::ensure_staff(actor)?;
        if draft.len() > MAX_SIMILAR_DRAFT {
            return Err(ServiceError::invalid("q", format!("must be {MAX_SIMILAR_DRAFT} characters or fewer")));
        }
        if draft.trim().is_empty() {
            return Ok(Vec::new());
        }
        let mut answers: HashMap<QuestionId, usize> = HashMap::new();
        for a in self.live_answers(None).await? {
            *answers.entry(a.question_id).or_default() += 1;
        }
        let names: HashMap<CommunityId, String> = self.store.communities().await?.into_iter().map(|c| (c.id, c.name)).collect();
        let answered: Vec<_> = self.live_questions(None).await?.into_iter().filter(|q| answers.contains_key(&q.id)).collect();
        let texts: Vec<String> = answered.iter().map(|q| format!("{} {}", q.title, q.tags.join(" "))).collect();
        // Alike both ways, so a long draft does not match every short title; judged by the
        // search engine, so "knowledge cafe" finds "knowledge café" and rare words count most.
        let theirs_in_draft = self.match_each(texts.clone(), draft).await?;
        let draft_in_theirs = self.match_texts(draft, texts).await?;
        let mut found: Vec<SimilarQuestion> = answered
            .into_iter()
            .zip(theirs_in_draft.iter().zip(&draft_in_theirs))
            .filter_map(|(q, (a, b))| {
                let likeness = f64::from(a.score + b.score) / 2.0;
                (likeness >= SIMILAR_AT).then(|| SimilarQuestion {
                    community: names.get(&q.community_id).cloned().unwrap_or_default(),
                    answers: answers[&q.id],
                    likeness,
                    question: q,
                })
            })
            .collect();
        found.sort_by(|a, b| b.likeness.total_cmp(&a.likeness).then(b.question.id.cmp(&a.question.id)));
        found.truncate(SIMILAR);
        Ok(found)
    }

    /// Asks a question in a community: sends it to the likely experts and tells the members.
    pub async fn ask_question(&self, actor: &Actor, community_id: CommunityId, input: QuestionInput) -> Result<Question, ServiceError> {
        let community = self.community_or_404(community_id).await?;
        policy::ensure_can_ask(actor, self.membership_of(community_id, actor.user_id).await?.as_ref())?;
        let (title, body, tags) = check_question(&input)?;
        // The finder takes a subject, not an essay: the title and labels, cut to its limit.
        let subject: String = format!("{title} {}", tags.join(" ")).chars().take(200).collect();
        let experts: Vec<UserId> = self
            .find_experts(actor, &subject)
            .await?
            .into_iter()
            .map(|e| e.user.id)
            .filter(|id| *id != actor.user_id)
            .take(ROUTED)
            .collect();
        let now = Utc::now();
        let question = Question {
            id: QuestionId(0),
            community_id,
            author_id: actor.user_id,
            title: title.clone(),
            body,
            tags,
            accepted_answer: None,
            routed_to: experts.clone(),
            created_at: now,
            history: Vec::new(),
            removed: None,
        };
        // The store puts the new question's id into each link.
        let link = "/questions/{question}";
        let mut notify: Vec<Notification> = experts
            .iter()
            .map(|e| {
                Notification::new(*e, format!("You may know the answer to a question in {}: {title}", community.name), link, now)
                    .about(Category::QuestionRouted)
            })
            .collect();
        for m in self.store.memberships(Some(community_id)).await? {
            if m.user_id != actor.user_id && !experts.contains(&m.user_id) {
                notify.push(Notification::new(m.user_id, format!("New question in {}: {title}", community.name), link, now));
            }
        }
        let audit = AuditRecord::new(Some(actor.user_id), "question.ask", format!("asked {title:?} in {:?}", community.name));
        Ok(self.store.save_question(&question, &notify, audit).await?)
    }

    /// A question with its answers, votes and comments. A post that was taken down
    /// shows only that it was, except to its author and moderators.
    pub async fn question_view(&self, actor: &Actor, id: QuestionId) -> Result<QuestionView, ServiceError> {
        policy::ensure_staff(actor)?;
        let mut question = self.question_or_404(id).await?;
        let community = self.community_or_404(question.community_id).await?;
        let membership = self.membership_of(question.community_id, actor.user_id).await?;
        let may = |author: UserId| {
            let remove = policy::can_remove_post(actor, author, membership.as_ref());
            PostPermissions { edit: policy::can_edit_post(actor, author), remove, see_removed: remove }
        };
        let people = self.people_by_id().await?;
        let name = |id: UserId| people.get(&id).map(|u| u.name.clone()).unwrap_or_else(|| "A former member of staff".into());
        let votes = self.store.votes(id).await?;
        let mut comments = self.store.comments(id).await?;
        for c in comments.iter_mut().filter(|c| c.removed.is_some() && !may(c.author_id).see_removed) {
            (c.body, c.history) = (String::new(), Vec::new());
        }
        let comment_views = |on: Option<AnswerId>| -> Vec<CommentView> {
            comments
                .iter()
                .filter(|c| c.answer_id == on)
                .map(|c| CommentView { author: name(c.author_id), comment: c.clone(), may: may(c.author_id) })
                .collect()
        };
        let mut answers: Vec<AnswerView> = self
            .store
            .answers(Some(id))
            .await?
            .into_iter()
            .map(|mut a| {
                if a.removed.is_some() && !may(a.author_id).see_removed {
                    (a.body, a.history) = (String::new(), Vec::new());
                }
                AnswerView {
                    author: name(a.author_id),
                    score: votes.iter().filter(|v| v.answer_id == a.id).map(|v| v.value).sum(),
                    my_vote: votes.iter().find(|v| v.answer_id == a.id && v.user_id == actor.user_id).map_or(0, |v| v.value),
                    accepted: question.accepted_answer == Some(a.id),
                    comments: comment_views(Some(a.id)),
                    may: may(a.author_id),
                    answer: a,
                }
            })
            .collect();
        answers.sort_by(|a, b| b.accepted.cmp(&a.accepted).then(b.score.cmp(&a.score)).then(a.answer.id.cmp(&b.answer.id)));
        let mine = may(question.author_id);
        if question.removed.is_some() && !mine.see_removed {
            (question.title, question.body) = ("A question that was taken down".into(), String::new());
            (question.tags, question.history) = (Vec::new(), Vec::new());
        }
        Ok(QuestionView {
            may_accept: question.removed.is_none() && policy::can_accept_answer(actor, &question, membership.as_ref()),
            may: mine,
            author: name(question.author_id),
            comments: comment_views(None),
            routed_to: question.routed_to.iter().filter_map(|id| people.get(id).cloned()).collect(),
            answers,
            community,
            question,
        })
    }

    /// Answers a question; the asker is told.
    pub async fn answer_question(&self, actor: &Actor, id: QuestionId, input: PostInput) -> Result<Answer, ServiceError> {
        policy::ensure_can_contribute_as_staff(actor)?;
        let question = self.open_question(id).await?;
        let body = check_post(&input.body)?;
        let now = Utc::now();
        let answer = Answer {
            id: AnswerId(0),
            question_id: id,
            author_id: actor.user_id,
            body,
            created_at: now,
            history: Vec::new(),
            removed: None,
        };
        let mut notify = Vec::new();
        if question.author_id != actor.user_id {
            notify.push(
                Notification::new(
                    question.author_id,
                    format!("Your question has a new answer: {}", question.title),
                    format!("/questions/{id}"),
                    now,
                )
                .about(Category::QuestionAnswered),
            );
        }
        let audit = AuditRecord::new(Some(actor.user_id), "question.answer", format!("answered {:?}", question.title));
        Ok(self.store.add_answer(&answer, &notify, audit).await?)
    }

    /// Comments on a question or one of its answers.
    pub async fn comment(&self, actor: &Actor, id: QuestionId, input: PostInput) -> Result<Comment, ServiceError> {
        policy::ensure_can_contribute_as_staff(actor)?;
        let question = self.open_question(id).await?;
        let body = check_post(&input.body)?;
        if let Some(a) = input.answer_id
            && !self.live_answers(Some(id)).await?.iter().any(|x| x.id == a)
        {
            return Err(ServiceError::invalid("answer_id", "is not an answer to this question"));
        }
        let comment = Comment {
            id: 0,
            question_id: id,
            answer_id: input.answer_id,
            author_id: actor.user_id,
            body,
            created_at: Utc::now(),
            history: Vec::new(),
            removed: None,
        };
        let audit = AuditRecord::new(Some(actor.user_id), "question.comment", format!("commented on {:?}", question.title));
        Ok(self.store.add_comment(&comment, audit).await?)
    }

    /// Votes an answer up (+1), down (-1) or withdraws the vote (0). Nobody votes on their own answer.
    pub async fn vote_answer(&self, actor: &Actor, id: QuestionId, answer_id: AnswerId, value: i64) -> Result<(), ServiceError> {
        policy::ensure_can_contribute_as_staff(actor)?;
        if ![-1, 0, 1].contains(&value) {
            return Err(ServiceError::invalid("value", "must be 1, -1 or 0"));
        }
        self.question_or_404(id).await?;
        let Some(answer) = self.live_answers(Some(id)).await?.into_iter().find(|a| a.id == answer_id) else {
            return Err(ServiceError::NotFound("the answer".into()));
        };
        if answer.author_id == actor.user_id {
            return Err(ServiceError::Forbidden("you cannot vote on your own answer".into()));
        }
        Ok(self.store.vote(&Vote { answer_id, question_id: id, user_id: actor.user_id, value }).await?)
    }

    /// Accepts an answer (the asker, the community's coordinators); its author is told.
    pub async fn accept_answer(&self, actor: &Actor, id: QuestionId, answer_id: AnswerId) -> Result<Question, ServiceError> {
        let question = self.open_question(id).await?;
        let membership = self.membership_of(question.community_id, actor.user_id).await?;
        if !policy::can_accept_answer(actor, &question, membership.as_ref()) {
            return Err(ServiceError::Forbidden("only the person who asked and the community's coordinators can accept an answer".into()));
        }
        let Some(answer) = self.live_answers(Some(id)).await?.into_iter().find(|a| a.id == answer_id) else {
            return Err(ServiceError::invalid("answer_id", "is not an answer to this question"));
        };
        let now = Utc::now();
        let notify: Vec<Notification> = (answer.author_id != actor.user_id)
            .then(|| {
                Notification::new(
                    answer.author_id,
                    format!("Your answer was accepted: {}", question.title),
                    format!("/questions/{id}"),
                    now,
                )
                .about(Category::AnswerAccepted)
            })
            .into_iter()
            .collect();
        let accepted = Question { accepted_answer: Some(answer_id), ..question.clone() };
        let audit = AuditRecord::new(Some(actor.user_id), "question.accept", format!("accepted an answer to {:?}", accepted.title));
        self.store.revise_post(&Post::Question(question), &Post::Question(accepted.clone()), &notify, audit).await.map_err(
            |e| match e {
                StoreError::Conflict(m) => ServiceError::Conflict(m),
                other => other.into(),
            },
        )?;
        Ok(accepted)
    }

    /// Questions the actor was asked to help with and has not answered (none for guests).
    pub async fn questions_for_me(&self, actor: &Actor) -> Result<Vec<Question>, ServiceError> {
        if policy::ensure_staff(actor).is_err() {
            return Ok(Vec::new());
        }
        let answered: HashSet<QuestionId> =
            self.store.answers(None).await?.into_iter().filter(|a| a.author_id == actor.user_id).map(|a| a.question_id).collect();
        Ok(self
            .live_questions(None)
            .await?
            .into_iter()
            .filter(|q| q.routed_to.contains(&actor.user_id) && q.accepted_answer.is_none() && !answered.contains(&q.id))
            .collect())
    }
}
