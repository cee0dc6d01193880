//! Changing or taking down a question, an answer or a comment: its author rewords it
//! (the earlier wording is kept and shown), and its author or a moderator takes it
//! down. One page serves all three: `?answer=ID`, `?comment=ID` or neither (the question).
use signpost_domain::communities::{Removal, Revision};
use signpost_services::people::posts::{PostRef, RemovalInput};
use signpost_services::people::questions::{PostPermissions, QuestionInput, QuestionView};
use signpost_services::validate::split_list;

use super::questions::QuestionNotice;
use crate::pages::prelude::*;
use signpost_domain::ids::{AnswerId, QuestionId};

crate::page_form! {
    /// Which post (by `answer` or `comment`, neither for the question) and what is sent.
    pub struct PostForm / PostNames { answer: String, comment: String, title: String, body: String, tags: String, reason: String }
}

/// This area's pages and forms.
pub fn routes() -> Pages {
    Pages::new().page("/questions/{id}/change", show).form("/questions/{id}/change", edit).form_back(
        "/questions/{id}/remove",
        "/questions/{id}",
        remove,
    )
}

fn which(form: &PostForm) -> PostRef {
    if let Ok(a) = form.answer.trim().parse() {
        PostRef::Answer(AnswerId(a))
    } else if let Ok(c) = form.comment.trim().parse() {
        PostRef::Comment(c)
    } else {
        PostRef::Question
    }
}

/// The address of a post's change page.
pub fn change_link(id: QuestionId, post: PostRef) -> String {
    match post {
        PostRef::Question => format!("/questions/{id}/change"),
        PostRef::Answer(a) => format!("/questions/{id}/change?answer={a}"),
        PostRef::Comment(c) => format!("/questions/{id}/change?comment={c}"),
    }
}

/// A post's words as stored, with what the reader may do, found on the question's page.
struct Found {
    noun: &'static str,
    title: String,
    body: String,
    tags: Vec<String>,
    may: PostPermissions,
    removed: bool,
}

fn find(v: &QuestionView, post: PostRef) -> Result<Found, ServiceError> {
    let q = &v.question;
    let comment = |c: &signpost_services::people::questions::CommentView| Found {
        noun: "comment",
        title: String::new(),
        body: c.comment.body.clone(),
        tags: Vec::new(),
        may: c.may,
        removed: c.comment.removed.is_some(),
    };
    match post {
        PostRef::Question => Ok(Found {
            noun: "question",
            title: q.title.clone(),
            body: q.body.clone(),
            tags: q.tags.clone(),
            may: v.may,
            removed: q.removed.is_some(),
        }),
        PostRef::Answer(id) => v
            .answers
            .iter()
            .find(|a| a.answer.id == id)
            .map(|a| Found {
                noun: "answer",
                title: String::new(),
                body: a.answer.body.clone(),
                tags: Vec::new(),
                may: a.may,
                removed: a.answer.removed.is_some(),
            })
            .ok_or_else(|| ServiceError::NotFound("the answer".into())),
        PostRef::Comment(id) => v
            .comments
            .iter()
            .chain(v.answers.iter().flat_map(|a| a.comments.iter()))
            .find(|c| c.comment.id == id)
            .map(comment)
            .ok_or_else(|| ServiceError::NotFound("the comment".into())),
    }
}

async fn change_page(s: &AppState, actor: &Actor, viewer: &Viewer, id: QuestionId, sent: &FormState<PostForm>) -> PageResult {
    let (form, errors) = (&sent.values, &sent.errors);
    let v = s.app.question_view(actor, id).await?;
    let post = which(form);
    let found = find(&v, post)?;
    if found.removed || !(found.may.edit || found.may.remove) {
        let why = if found.removed { "it was taken down" } else { "only its author and the community's moderators can change it" };
        return Err(ServiceError::Forbidden(format!("this {} cannot be changed: {why}", found.noun)).into());
    }
    let n = PostForm::NAMES;
    let fresh = errors.is_empty();
    let text = |sent: &str, stored: &str| if fresh { stored.to_string() } else { sent.to_string() };
    let hidden = html! {
        (csrf_field(&viewer.csrf_token))
        @if !form.answer.is_empty() { input type="hidden" name=(n.answer) value=(form.answer); }
        @if !form.comment.is_empty() { input type="hidden" name=(n.comment) value=(form.comment); }
    };
    let article = if found.noun == "answer" { "an" } else { "a" };
    let heading = if found.may.edit { format!("Change your {}", found.noun) } else { format!("Take down {article} {}", found.noun) };
    let body = html! {
        (error_summary(errors))
        span class="nhsuk-caption-l" { (v.question.title) }
        h1 { (heading) }
        @if found.may.edit {
            form method="post" action={ "/questions/" (id) "/change" } novalidate {
                (hidden)
                @if post == PostRef::Question {
                    (Field::new(n.title, "Your question").errors(errors).input("text", &text(&form.title, &found.title)))
                    (Field::new(n.body, "More detail").errors(errors).textarea(5, &text(&form.body, &found.body)))
                    (Field::new(n.tags, "Subjects").hint("Separate with commas").errors(errors).input("text", &text(&form.tags, &found.tags.join(", "))))
                } @else {
                    (Field::new(n.body, if post == PostRef::Question { "Question" } else { "Your words" }).hint("Readers can see the earlier wording.").errors(errors).textarea(5, &text(&form.body, &found.body)))
                }
                button class="nhsuk-button" type="submit" { "Save changes" }
            }
        } @else {
            blockquote class="nhsuk-inset-text" { p { (found.body) } }
        }
        @if found.may.remove {
            h2 { "Take it down" }
            @if found.may.edit {
                p { "It will show as taken down by you. Its words are kept for the record and shown only to you and the community's moderators." }
            } @else {
                p { "You are moderating: its author is told, with your reason. Its words are kept for the record and shown only to its author and moderators." }
            }
            form method="post" action={ "/questions/" (id) "/remove" } novalidate {
                (hidden)
                @if !found.may.edit { (Field::new(n.reason, "Why it is being taken down").errors(errors).textarea(2, &form.reason)) }
                button class="nhsuk-button nhsuk-button--warning" id="remove" type="submit" { "Take down this " (found.noun) }
            }
        }
        p { a href={ "/questions/" (id) } { "Back to the question" } }
    };
    Ok(page(&heading, Some(viewer), "", body).into_response())
}

/// `GET /questions/{id}/change?answer=|comment=`.
pub async fn show(
    SignedIn(s, actor, viewer): SignedIn,
    PagePath(id): PagePath<QuestionId>,
    PageQuery(form): PageQuery<PostForm>,
) -> PageResult {
    change_page(&s, &actor, &viewer, id, &FormState { values: form, ..FormState::default() }).await
}

/// `POST /questions/{id}/change`: new words, the old kept.
pub async fn edit(PagePath(id): PagePath<QuestionId>, CsrfForm(s, actor, viewer, form): CsrfForm<PostForm>) -> PageResult {
    let post = which(&form);
    let result = match post {
        PostRef::Question => {
            let input = QuestionInput { title: form.title.clone(), body: form.body.clone(), tags: split_list(&form.tags) };
            s.app.edit_question(&actor, id, input).await.map(drop)
        }
        other => s.app.edit_post(&actor, id, other, &form.body).await.map(drop),
    };
    match result {
        Ok(()) => Ok(done(&format!("/questions/{id}{}", anchor(post)), QuestionNotice::Changed)),
        Err(e) => change_page(&s, &actor, &viewer, id, &FormState::refused(form, e)?).await,
    }
}

/// `POST /questions/{id}/remove`.
pub async fn remove(PagePath(id): PagePath<QuestionId>, CsrfForm(s, actor, viewer, form): CsrfForm<PostForm>) -> PageResult {
    let post = which(&form);
    match s.app.remove_post(&actor, id, post, RemovalInput { reason: form.reason.clone() }).await {
        Ok(_) => Ok(done(&format!("/questions/{id}{}", anchor(post)), QuestionNotice::Removed)),
        Err(e) => {
            let errors = refused_as(e, |f| if f == "reason" { f.to_string() } else { "remove".to_string() })?;
            change_page(&s, &actor, &viewer, id, &FormState::with_errors(form, errors)).await
        }
    }
}

fn anchor(post: PostRef) -> String {
    match post {
        PostRef::Question => String::new(),
        PostRef::Answer(a) => format!("#answer-{a}"),
        PostRef::Comment(c) => format!("#comment-{c}"),
    }
}

/// Under a post: that it was taken down, or changed with its earlier wordings, and the
/// link to change it.
pub fn post_footer(
    id: QuestionId,
    post: PostRef,
    body: &str,
    history: &[Revision],
    removed: Option<&Removal>,
    may: PostPermissions,
) -> Markup {
    html! {
        @if let Some(r) = removed {
            p class="nhsuk-body-s signpost-removed" {
                strong { "Taken down" } " on " (long_date(r.at.date_naive()))
                @if r.reason.is_empty() { " by its author." } @else { " by a moderator: " (r.reason) }
            }
            @if may.see_removed && !body.is_empty() {
                details class="nhsuk-details" {
                    summary class="nhsuk-details__summary" { span class="nhsuk-details__summary-text" { "What it said (shown to its author and moderators)" } }
                    div class="nhsuk-details__text" { p { (body) } }
                }
            }
        } @else {
            @if let Some(last) = history.last() {
                details class="nhsuk-details nhsuk-u-margin-bottom-2" {
                    summary class="nhsuk-details__summary" { span class="nhsuk-details__summary-text" {
                        "Changed on " (long_date(last.changed_at.date_naive())) ": " (counted(history.len(), "earlier version", "earlier versions"))
                    } }
                    div class="nhsuk-details__text" {
                        @for r in history.iter().rev() {
                            p class="nhsuk-body-s" {
                                strong { "Until " (long_date(r.changed_at.date_naive())) } br;
                                @if !r.title.is_empty() { (r.title) br; }
                                (r.body)
                            }
                        }
                    }
                }
            }
            @if may.edit || may.remove {
                p class="nhsuk-body-s" { a href=(change_link(id, post)) { (if may.edit { "Change or take down" } else { "Take down" }) span class="nhsuk-u-visually-hidden" { (match post { PostRef::Question => " the question", PostRef::Answer(_) => " this answer", PostRef::Comment(_) => " this comment" }) } } }
            }
        }
    }
}
