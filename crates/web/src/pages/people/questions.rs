//! Asking in a community (similar answered questions appear as the question is
//! typed, or on "Check for similar questions" without JavaScript) and a question's
//! page with answers, votes, comments and the accepted answer.
use signpost_services::people::posts::PostRef;
use signpost_services::people::questions::{CommentView, PostInput, QuestionInput, SimilarQuestion};

use super::question_posts::post_footer;
use signpost_services::validate::split_list;

use crate::pages::prelude::*;
use signpost_domain::ids::{AnswerId, CommunityId, QuestionId};

crate::page_form! {
    /// The fields of a question's forms; asking also carries a draft in the address
    /// (the "check" button, and the fragment).
    pub struct QuestionForm / QuestionNames { title: String, body: String, tags: String, answer_id: String, value: String, comment: String }
}

/// This area's pages and forms.
pub fn routes() -> Pages {
    Pages::new()
        .page("/communities/{id}/ask", ask_form)
        .form_back("/communities/{id}/questions", "/communities/{id}", ask)
        .page("/questions/similar", similar)
        .page("/questions/{id}", show)
        .form_back("/questions/{id}/answers", "/questions/{id}", answer)
        .form_back("/questions/{id}/comments", "/questions/{id}", comment)
        .form_back("/questions/{id}/vote", "/questions/{id}", vote)
        .form_back("/questions/{id}/accept", "/questions/{id}", accept)
}

fn similar_list(similar: &[SimilarQuestion]) -> Markup {
    html! {
        @if !similar.is_empty() {
            div class="nhsuk-inset-text" {
                span class="nhsuk-u-visually-hidden" { "Information: " }
                h2 class="nhsuk-heading-s" { "Answered questions like yours" }
                ul class="nhsuk-list" id="similar-list" {
                    @for q in similar {
                        li { a href={ "/questions/" (q.question.id) } { (q.question.title) } " " span class="nhsuk-body-s" { "(" (q.community) ", " (q.answers) " answers)" } }
                    }
                }
            }
        }
    }
}

async fn ask_page(s: &AppState, actor: &Actor, viewer: &Viewer, id: CommunityId, draft: &QuestionForm, errors: &Errors) -> PageMarkup {
    let community = s.app.community_view(actor, id).await?.community;
    let similar = s.app.similar_questions(actor, &format!("{} {}", draft.title, draft.tags)).await?;
    let action = format!("/communities/{id}/questions");
    let body = html! {
        (error_summary(errors))
        span class="nhsuk-caption-l" { (community.name) }
        h1 { "Ask a question" }
        p { "Members are told, and it goes to the people most likely to know." }
        form method="post" action=(action) novalidate {
            (csrf_field(&viewer.csrf_token))
            div class="nhsuk-form-group" {
                label class="nhsuk-label" for="title" { "Your question" }
                div class="nhsuk-hint" id="title-hint" { "One line, as you would ask it" }
                @if let Some(m) = crate::pages::form::error_for(errors, "title") {
                    span class="nhsuk-error-message" id="title-error" { span class="nhsuk-u-visually-hidden" { "Error: " } (m) }
                }
                input class="nhsuk-input" id="title" name=(QuestionForm::NAMES.title) type="text" value=(draft.title) autocomplete="off"
                    aria-describedby={ "title-hint" @if errors.iter().any(|(f, _)| f == "title") { " title-error" } }
                    hx-get="/questions/similar" hx-trigger="input changed delay:400ms" hx-target="#similar" hx-sync="this:replace";
            }
            div id="similar" aria-live="polite" { (similar_list(&similar)) }
            (Field::new(QuestionForm::NAMES.body, "More detail").errors(errors).textarea(5, &draft.body))
            (Field::new(QuestionForm::NAMES.tags, "Subjects").hint("Separate with commas").errors(errors).input("text", &draft.tags))
            div class="nhsuk-button-group" {
                button class="nhsuk-button" type="submit" { "Ask question" }
                button class="nhsuk-button nhsuk-button--secondary" type="submit" formmethod="get" formaction={ "/communities/" (id) "/ask" } { "Check for similar questions" }
            }
        }
    };
    Ok(page("Ask a question", Some(viewer), "", body))
}

/// `GET /communities/{id}/ask`.
pub async fn ask_form(
    SignedIn(s, actor, viewer): SignedIn,
    PagePath(id): PagePath<CommunityId>,
    PageQuery(draft): PageQuery<QuestionForm>,
) -> PageResult {
    Ok(ask_page(&s, &actor, &viewer, id, &draft, &Vec::new()).await?.into_response())
}

/// `GET /questions/similar?title=`: the similar-questions fragment, as the question is typed.
pub async fn similar(SignedIn(s, actor, _): SignedIn, PageQuery(draft): PageQuery<QuestionForm>) -> PageResult {
    let similar = s.app.similar_questions(&actor, &draft.title).await?;
    Ok(similar_list(&similar).into_response())
}

/// `POST /communities/{id}/questions`.
pub async fn ask(PagePath(id): PagePath<CommunityId>, CsrfForm(s, actor, viewer, form): CsrfForm<QuestionForm>) -> PageResult {
    let input = QuestionInput { title: form.title.clone(), body: form.body.clone(), tags: split_list(form.tags.as_str()) };
    match s.app.ask_question(&actor, id, input).await {
        Ok(q) => Ok(done(&format!("/questions/{}", q.id), QuestionNotice::Asked)),
        Err(e) => Ok(ask_page(&s, &actor, &viewer, id, &form, &refused(e)?).await?.into_response()),
    }
}

fn comment_form(viewer: &Viewer, qid: QuestionId, answer_id: Option<AnswerId>, errors: &Errors, form: &QuestionForm) -> Markup {
    let field = match answer_id {
        Some(a) => format!("comment-{a}"),
        None => "comment-q".to_string(),
    };
    let sent_here = form.answer_id == answer_id.map(|a| a.to_string()).unwrap_or_default();
    html! {
        details class="nhsuk-details" open[errors.iter().any(|(f, _)| *f == field)] {
            summary class="nhsuk-details__summary" { span class="nhsuk-details__summary-text" { "Add a comment" } }
            div class="nhsuk-details__text" {
                form method="post" action={ "/questions/" (qid) "/comments" } novalidate {
                    (csrf_field(&viewer.csrf_token))
                    @if let Some(a) = answer_id { input type="hidden" name=(QuestionForm::NAMES.answer_id) value=(a); }
                    (Field { error: crate::pages::form::error_for(errors, &field), ..Field::new(&field, "Comment").name(QuestionForm::NAMES.comment) }.textarea(2, if sent_here { &form.comment } else { "" }))
                    button class="nhsuk-button nhsuk-button--secondary nhsuk-button--small" type="submit" { "Add comment" }
                }
            }
        }
    }
}

fn comment_view(id: QuestionId, c: &CommentView) -> Markup {
    html! {
        div class="signpost-comment" id={ "comment-" (c.comment.id) } {
            @if c.comment.removed.is_none() { p class="nhsuk-body-s nhsuk-u-margin-bottom-1" { (c.comment.body) " – " (c.author) } }
            (post_footer(id, PostRef::Comment(c.comment.id), &c.comment.body, &c.comment.history, c.comment.removed.as_ref(), c.may))
        }
    }
}

async fn question_page(s: &AppState, actor: &Actor, viewer: &Viewer, id: QuestionId, sent: &FormState<QuestionForm>) -> PageMarkup {
    let (form, errors, done) = (&sent.values, &sent.errors, sent.notice);
    let v = s.app.question_view(actor, id).await?;
    let q = &v.question;
    let open = q.removed.is_none();
    let csrf = csrf_field(&viewer.csrf_token);
    let body = html! {
        (error_summary(errors))
        @if let Some(d) = done { (success_banner(d)) }
        span class="nhsuk-caption-l" { a href={ "/communities/" (v.community.id) } { (v.community.name) } }
        h1 { (q.title) }
        p class="nhsuk-body-s" { "Asked by " (v.author) " on " (long_date(q.created_at.date_naive())) }
        @if !q.body.is_empty() && q.removed.is_none() { p { (q.body) } }
        @if !q.tags.is_empty() { p class="nhsuk-body-s" { "Subjects: " (q.tags.join(", ")) } }
        @if !v.routed_to.is_empty() {
            p class="nhsuk-body-s" id="routed" { "Sent to people likely to know: " (v.routed_to.iter().map(|u| u.name.as_str()).collect::<Vec<_>>().join(", ")) }
        }
        (post_footer(id, PostRef::Question, &q.body, &q.history, q.removed.as_ref(), v.may))
        @for c in &v.comments { (comment_view(id, c)) }
        @if open { (comment_form(viewer, id, None, errors, form)) }
        @let down = v.answers.iter().filter(|a| a.answer.removed.is_some()).count();
        h2 { (counted(v.answers.len() - down, "answer", "answers")) @if down > 0 { span class="nhsuk-body-s" { " (and " (down) " taken down)" } } }
        @for a in &v.answers {
            div class={ "nhsuk-card" @if a.accepted { " nhsuk-card--feature" } } id={ "answer-" (a.answer.id) } {
                div class="nhsuk-card__content" {
                    @if a.accepted { strong class="nhsuk-tag nhsuk-tag--green" { "Accepted answer" } }
                    @if a.answer.removed.is_none() { p { (a.answer.body) } }
                    p class="nhsuk-body-s" { (a.author) " · " (long_date(a.answer.created_at.date_naive())) " · score " (a.score) }
                    (post_footer(id, PostRef::Answer(a.answer.id), &a.answer.body, &a.answer.history, a.answer.removed.as_ref(), a.may))
                    @if open && a.answer.removed.is_none() { div class="nhsuk-button-group" {
                        @if a.answer.author_id != actor.user_id {
                            @for (value, text) in [(1, "Helpful"), (-1, "Not helpful")] {
                                form method="post" action={ "/questions/" (id) "/vote" } novalidate {
                                    (csrf) input type="hidden" name=(QuestionForm::NAMES.answer_id) value=(a.answer.id);
                                    input type="hidden" name=(QuestionForm::NAMES.value) value=(if a.my_vote == value { 0 } else { value });
                                    button class="nhsuk-button nhsuk-button--secondary nhsuk-button--small" type="submit" aria-pressed=(if a.my_vote == value { "true" } else { "false" }) {
                                        (text) span class="nhsuk-u-visually-hidden" { ": answer by " (a.author) }
                                    }
                                }
                            }
                        }
                        @if v.may_accept && !a.accepted {
                            form method="post" action={ "/questions/" (id) "/accept" } novalidate {
                                (csrf) input type="hidden" name=(QuestionForm::NAMES.answer_id) value=(a.answer.id);
                                button class="nhsuk-button nhsuk-button--small" type="submit" { "Accept this answer" span class="nhsuk-u-visually-hidden" { " by " (a.author) } }
                            }
                        }
                    } }
                    @for c in &a.comments { (comment_view(id, c)) }
                    @if open && a.answer.removed.is_none() { (comment_form(viewer, id, Some(a.answer.id), errors, form)) }
                }
            }
        }
        @if open {
            h2 { "Your answer" }
            form method="post" action={ "/questions/" (id) "/answers" } novalidate {
                (csrf)
                (Field::new(QuestionForm::NAMES.body, "Answer").errors(errors).textarea(5, form.body.as_str()))
                button class="nhsuk-button" type="submit" { "Post answer" }
            }
        }
    };
    Ok(page(&q.title, Some(viewer), "", body))
}

crate::notices! {
    /// What a question's page says after a change.
    pub enum QuestionNotice {
        Asked => "Your question is asked. Members and likely experts have been told.",
        Answered => "Your answer is posted.",
        Accepted => "The answer is accepted.",
        Commented => "Your comment is added.",
        Changed => "Your changes are saved. The earlier wording is kept.",
        Removed => "Taken down. It now shows only that it was, and why.",
    }
}

/// `GET /questions/{id}`.
pub async fn show(SignedIn(s, actor, viewer): SignedIn, PagePath(id): PagePath<QuestionId>, notice: Done<QuestionNotice>) -> PageResult {
    Ok(question_page(&s, &actor, &viewer, id, &FormState::shown(notice.message())).await?.into_response())
}

/// `POST /questions/{id}/answers`.
pub async fn answer(PagePath(id): PagePath<QuestionId>, CsrfForm(s, actor, viewer, form): CsrfForm<QuestionForm>) -> PageResult {
    match s.app.answer_question(&actor, id, PostInput { body: form.body.clone(), answer_id: None }).await {
        Ok(a) => Ok(done(&format!("/questions/{id}#answer-{}", a.id), QuestionNotice::Answered)),
        Err(e) => Ok(question_page(&s, &actor, &viewer, id, &FormState::refused(form, e)?).await?.into_response()),
    }
}

/// `POST /questions/{id}/comments`.
pub async fn comment(PagePath(id): PagePath<QuestionId>, CsrfForm(s, actor, viewer, form): CsrfForm<QuestionForm>) -> PageResult {
    let answer_id = form.answer_id.parse::<i64>().ok();
    let field = answer_id.map_or_else(|| "comment-q".to_string(), |a| format!("comment-{a}"));
    match s.app.comment(&actor, id, PostInput { body: form.comment.clone(), answer_id: answer_id.map(AnswerId) }).await {
        Ok(_) => Ok(done(&format!("/questions/{id}"), QuestionNotice::Commented)),
        Err(e) => {
            let errors = refused_as(e, |f| if f == "body" { field.clone() } else { f.to_string() })?;
            Ok(question_page(&s, &actor, &viewer, id, &FormState::with_errors(form, errors)).await?.into_response())
        }
    }
}

/// `POST /questions/{id}/vote`.
pub async fn vote(PagePath(id): PagePath<QuestionId>, CsrfForm(s, actor, _, form): CsrfForm<QuestionForm>) -> PageResult {
    let answer_id =
        form.answer_id.parse::<AnswerId>().map_err(|_| signpost_services::ServiceError::invalid("answer_id", "choose an answer"))?;
    let value = form.value.parse::<i64>().map_err(|_| signpost_services::ServiceError::invalid("value", "must be 1, -1 or 0"))?;
    s.app.vote_answer(&actor, id, answer_id, value).await?;
    Ok(see_other(&format!("/questions/{id}#answer-{answer_id}")))
}

/// `POST /questions/{id}/accept`.
pub async fn accept(PagePath(id): PagePath<QuestionId>, CsrfForm(s, actor, _, form): CsrfForm<QuestionForm>) -> PageResult {
    let answer_id =
        form.answer_id.parse::<AnswerId>().map_err(|_| signpost_services::ServiceError::invalid("answer_id", "choose an answer"))?;
    s.app.accept_answer(&actor, id, answer_id).await?;
    Ok(done(&format!("/questions/{id}"), QuestionNotice::Accepted))
}
