//! Mentoring: the reader's offers and requests, suggested partners with reasons,
//! and matches to propose, accept, decline or end.
use signpost_domain::mentoring::{ListingKind, MatchStatus};
use signpost_services::people::mentoring::ListingInput;
use signpost_services::validate::split_list;

use crate::pages::prelude::*;

/// This area's pages and forms.
pub fn routes() -> Pages {
    Pages::new()
        .page("/mentoring", board)
        .form_back("/mentoring/listings", "/mentoring", add_listing)
        .form_back("/mentoring/listings/{id}/close", "/mentoring", close_listing)
        .form_back("/mentoring/matches", "/mentoring", propose)
        .form_back("/mentoring/matches/{id}", "/mentoring", answer)
}

crate::page_form! {
    /// A new offer of or request for mentoring.
    pub struct ListingForm / ListingNames { kind: String, skills: String, note: String }
}

crate::page_form! {
    /// A match proposed between two listings.
    pub struct ProposeForm / ProposeNames { mine: String, theirs: String }
}

crate::page_form! {
    /// An answer to a proposed match, or its end.
    pub struct AnswerForm / AnswerNames { status: String }
}

async fn board_page(s: &AppState, actor: &Actor, viewer: &Viewer, sent: &FormState<ListingForm>) -> PageMarkup {
    let (form, errors, done) = (&sent.values, &sent.errors, sent.notice);
    let b = s.app.mentoring_board(actor).await?;
    let csrf = csrf_field(&viewer.csrf_token);
    let kinds = vec![("request".to_string(), "I would like a mentor".to_string()), ("offer".to_string(), "I can mentor".to_string())];
    let body = html! {
        (error_summary(errors))
        @if let Some(d) = done { (success_banner(d)) }
        h1 { "Mentoring" }
        p { "An experienced colleague helps someone develop by sharing advice, knowledge and experience, or by being shadowed. Offer to mentor or ask for a mentor by skill; Signpost suggests partners and says why." }
        h2 { "Your matches" }
        @if b.matches.is_empty() { p { "None yet." } }
        ul class="nhsuk-list nhsuk-list--border" id="matches" {
            @for m in &b.matches {
                li {
                    strong { (m.mentor) " mentoring " (m.mentee) } " in " (m.entry.skills.join(", ")) " "
                    strong class="nhsuk-tag" { (label(m.entry.status.as_str())) } br;
                    span class="nhsuk-body-s" { "Why: " (m.entry.reasons.join("; ")) }
                    div class="nhsuk-button-group" {
                        @if m.awaiting_me {
                            @for (status, text) in [("accepted", "Accept"), ("declined", "Decline")] {
                                form method="post" action={ "/mentoring/matches/" (m.entry.id) } novalidate {
                                    (csrf) input type="hidden" name=(AnswerForm::NAMES.status) value=(status);
                                    button class="nhsuk-button nhsuk-button--small" type="submit" { (text) span class="nhsuk-u-visually-hidden" { ": " (m.mentor) " and " (m.mentee) } }
                                }
                            }
                        }
                        @if m.entry.status == MatchStatus::Accepted {
                            form method="post" action={ "/mentoring/matches/" (m.entry.id) } novalidate {
                                (csrf) input type="hidden" name=(AnswerForm::NAMES.status) value="ended";
                                button class="nhsuk-button nhsuk-button--secondary nhsuk-button--small" type="submit" { "End mentoring" span class="nhsuk-u-visually-hidden" { ": " (m.mentor) " and " (m.mentee) } }
                            }
                        }
                    }
                }
            }
        }
        h2 { "Suggested for you" }
        @if b.suggestions.is_empty() { p { "No suggestions: add an offer or a request below, or widen its skills." } }
        ul class="nhsuk-list nhsuk-list--border" id="suggestions" {
            @for sug in &b.suggestions {
                li {
                    a href={ "/people/" (sug.person.id) } { strong { (sug.person.name) } } ", " (sug.person.job_title)
                    " " (if sug.theirs.kind == ListingKind::Offer { "offers mentoring" } else { "would like a mentor" }) br;
                    span class="nhsuk-body-s" { "Why: " (sug.reasons.join("; ")) }
                    form method="post" action="/mentoring/matches" novalidate {
                        (csrf) input type="hidden" name=(ProposeForm::NAMES.mine) value=(sug.mine.id); input type="hidden" name=(ProposeForm::NAMES.theirs) value=(sug.theirs.id);
                        button class="nhsuk-button nhsuk-button--secondary nhsuk-button--small" type="submit" { "Propose mentoring" span class="nhsuk-u-visually-hidden" { " with " (sug.person.name) } }
                    }
                }
            }
        }
        h2 { "Your offers and requests" }
        ul class="nhsuk-list nhsuk-list--border" {
            @for l in &b.mine {
                li {
                    (if l.kind == ListingKind::Offer { "Offer: " } else { "Request: " }) (l.skills.join(", "))
                    @if !l.open { " (closed)" }
                    @if l.open {
                        form method="post" action={ "/mentoring/listings/" (l.id) "/close" } novalidate {
                            (csrf) button class="nhsuk-button nhsuk-button--secondary nhsuk-button--small" type="submit" { "Close" span class="nhsuk-u-visually-hidden" { ": " (l.skills.join(", ")) } }
                        }
                    }
                }
            }
        }
        form method="post" action="/mentoring/listings" novalidate {
            (csrf)
            (Field::new(ListingForm::NAMES.kind, "What would you like to do?").errors(errors).select(&kinds, &form.kind))
            (Field::new(ListingForm::NAMES.skills, "Skills").hint("Separate with commas").errors(errors).input("text", &form.skills))
            (Field::new(ListingForm::NAMES.note, "Anything else").hint("Time you can give, what you hope for").errors(errors).textarea(2, &form.note))
            button class="nhsuk-button" type="submit" { "Add" }
        }
        p class="nhsuk-body-s" { (b.accepted_overall) " mentoring matches under way across the organisation." }
    };
    Ok(page("Mentoring", Some(viewer), "", body))
}

crate::notices! {
    /// What the mentoring board says after a change.
    pub enum MentoringNotice {
        Listed => "Added. Suggestions appear below when someone fits.",
        Proposed => "Proposed. They have been told.",
        Answered => "Done. They have been told.",
        Closed => "Closed.",
    }
}

/// `GET /mentoring`.
pub async fn board(SignedIn(s, actor, viewer): SignedIn, notice: Done<MentoringNotice>) -> PageResult {
    Ok(board_page(&s, &actor, &viewer, &FormState::shown(notice.message())).await?.into_response())
}

/// `POST /mentoring/listings`.
pub async fn add_listing(CsrfForm(s, actor, viewer, form): CsrfForm<ListingForm>) -> PageResult {
    let kind = if form.kind == "offer" { ListingKind::Offer } else { ListingKind::Request };
    match s.app.add_listing(&actor, ListingInput { kind, skills: split_list(&form.skills), note: form.note.clone() }).await {
        Ok(_) => Ok(done("/mentoring", MentoringNotice::Listed)),
        Err(e) => {
            let errors = refused_as(e, str::to_string)?;
            Ok(board_page(&s, &actor, &viewer, &FormState::with_errors(form, errors)).await?.into_response())
        }
    }
}

/// `POST /mentoring/listings/{id}/close`.
pub async fn close_listing(PagePath(id): PagePath<i64>, CsrfForm(s, actor, _, CsrfOnly {}): CsrfForm<CsrfOnly>) -> PageResult {
    s.app.close_listing(&actor, id).await?;
    Ok(done("/mentoring", MentoringNotice::Closed))
}

/// `POST /mentoring/matches`.
pub async fn propose(CsrfForm(s, actor, _, form): CsrfForm<ProposeForm>) -> PageResult {
    let (Ok(mine), Ok(theirs)) = (form.mine.parse::<i64>(), form.theirs.parse::<i64>()) else {
        return Err(ServiceError::invalid("theirs", "choose a suggestion").into());
    };
    s.app.propose_match(&actor, mine, theirs).await?;
    Ok(done("/mentoring", MentoringNotice::Proposed))
}

/// `POST /mentoring/matches/{id}`.
pub async fn answer(PagePath(id): PagePath<i64>, CsrfForm(s, actor, _, form): CsrfForm<AnswerForm>) -> PageResult {
    let status = match form.status.as_str() {
        "accepted" => MatchStatus::Accepted,
        "declined" => MatchStatus::Declined,
        "ended" => MatchStatus::Ended,
        _ => return Err(ServiceError::invalid("status", "must be accepted, declined or ended").into()),
    };
    s.app.answer_match(&actor, id, status).await?;
    Ok(done("/mentoring", MentoringNotice::Answered))
}
