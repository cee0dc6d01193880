//! Randomised coffee trials: programmes, the one-minute opt-in, the reader's match
//! with feedback, and for organisers running a round and the programme report.
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use signpost_domain::coffee::ProgrammeScope;
use signpost_domain::pairing::Preference;
use signpost_domain::people::Actor;
use signpost_services::ServiceError;
use signpost_services::people::coffee::{JoinInput, ProgrammeInput, ProgrammeView};
use signpost_services::people::coffee_rounds::FeedbackInput;

use super::form::{checkboxes, yes_no};
use super::prelude::*;

/// This area's pages and forms.
pub fn routes() -> Pages {
    Pages::new()
        .page("/coffee", list)
        .form("/coffee", create)
        .page("/coffee/{id}", show)
        .form_back("/coffee/{id}/join", "/coffee/{id}", join)
        .form_back("/coffee/{id}/leave", "/coffee/{id}", leave)
        .form_back("/coffee/{id}/rounds", "/coffee/{id}", run_round)
        .form_back("/coffee/{id}/rounds/{round}/feedback", "/coffee/{id}", feedback)
        .page("/coffee/{id}/rounds/{round}/check", check)
}

/// A scope as a form value: `organisation`, `across_organisations` or `community-ID`.
fn scope_value(scope: ProgrammeScope) -> String {
    match scope {
        ProgrammeScope::Organisation => "organisation".into(),
        ProgrammeScope::AcrossOrganisations => "across_organisations".into(),
        ProgrammeScope::Community { community_id } => format!("community-{community_id}"),
    }
}

fn parse_scope(value: &str) -> Option<ProgrammeScope> {
    match value {
        "organisation" => Some(ProgrammeScope::Organisation),
        "across_organisations" => Some(ProgrammeScope::AcrossOrganisations),
        other => other.strip_prefix("community-")?.parse().ok().map(|community_id| ProgrammeScope::Community { community_id }),
    }
}

fn percent(share: f64) -> String {
    format!("{:.0}%", share * 100.0)
}

async fn list_page(s: &AppState, actor: &Actor, viewer: &Viewer, form: &Submitted, errors: &Errors) -> Result<Markup, PageError> {
    let programmes = s.app.programmes(actor).await?;
    let scopes: Vec<(String, String)> =
        s.app.programme_scopes(actor).await?.into_iter().map(|(scope, text)| (scope_value(scope), text)).collect();
    let may_start = !scopes.is_empty();
    let ticked = |name: &str| form.get(name) == "yes";
    let body = html! {
        (error_summary(errors))
        h1 { "Randomised coffee trials" }
        p { "Opt in, and each round you are paired at random with a colleague you have not met recently, for a 15 to 30 minute conversation. You get an introduction with their details and a calendar invitation to arrange." }
        @if programmes.is_empty() { p { "No programmes yet." } }
        ul class="nhsuk-list nhsuk-list--border" id="programmes" {
            @for p in &programmes {
                li { a href={ "/coffee/" (p.id) } { (p.name) } br; span class="nhsuk-body-s" { (p.description) " Every " (p.cadence_weeks) " weeks." } }
            }
        }
        @if may_start {
            h2 { "Start a programme" }
            form method="post" action="/coffee" novalidate {
                (csrf_field(&viewer.csrf_token))
                (Field::new("name", "Name").errors(errors).input("text", form.get("name")))
                (Field::new("description", "What it is for").errors(errors).textarea(2, form.get("description")))
                (Field::new("scope", "Who it is for").errors(errors).select(&scopes, form.get("scope")))
                (Field::new("cadence_weeks", "Weeks between rounds").errors(errors).input("text", if form.0.is_empty() { "4" } else { form.get("cadence_weeks") }))
                (Field::new("avoid_repeat_rounds", "Never pair people who met within this many rounds").errors(errors).input("text", if form.0.is_empty() { "6" } else { form.get("avoid_repeat_rounds") }))
                (checkboxes("Prefer partners who", "Preferences are followed where the people taking part allow it.", &[
                    ("different_department", "yes", "are in another directorate (another organisation, across organisations)".to_string(), form.0.is_empty() || ticked("different_department")),
                    ("different_team", "yes", "are in another team".to_string(), ticked("different_team")),
                    ("different_profession", "yes", "have another profession".to_string(), ticked("different_profession")),
                    ("different_band", "yes", "are in another seniority band".to_string(), ticked("different_band")),
                    ("same_site", "yes", "work on the same site, to meet in person".to_string(), ticked("same_site")),
                ]))
                button class="nhsuk-button" type="submit" { "Start programme" }
            }
        }
    };
    Ok(page("Coffee trials", Some(viewer), "", body))
}

/// `GET /coffee`.
pub async fn list(State(s): State<AppState>, SignedIn(actor, viewer): SignedIn) -> Result<Response, PageError> {
    Ok(list_page(&s, &actor, &viewer, &Submitted(Vec::new()), &Vec::new()).await?.into_response())
}

/// `POST /coffee`.
pub async fn create(State(s): State<AppState>, CsrfForm(actor, viewer, form): CsrfForm<Submitted>) -> Result<Response, PageError> {
    let mut errors: Errors = Vec::new();
    let mut number = |name: &str| {
        form.get(name).trim().parse::<u32>().unwrap_or_else(|_| {
            errors.push((name.to_string(), "Enter a whole number".to_string()));
            0
        })
    };
    let (cadence_weeks, avoid_repeat_rounds) = (number("cadence_weeks"), number("avoid_repeat_rounds"));
    let scope = parse_scope(form.get("scope"));
    if scope.is_none() {
        errors.push(("scope".to_string(), "Choose who the programme is for".to_string()));
    }
    let scope = scope.unwrap_or(ProgrammeScope::Organisation);
    let yes = |name: &str| form.get(name) == "yes";
    let input = ProgrammeInput {
        name: form.get("name").into(),
        description: form.get("description").into(),
        scope,
        cadence_weeks,
        avoid_repeat_rounds,
        preference: Preference {
            different_department: yes("different_department"),
            different_team: yes("different_team"),
            different_profession: yes("different_profession"),
            different_band: yes("different_band"),
            same_site: yes("same_site"),
        },
    };
    if !errors.is_empty() {
        return Ok(list_page(&s, &actor, &viewer, &form, &errors).await?.into_response());
    }
    match s.app.create_programme(&actor, input).await {
        Ok(p) => Ok(done(&format!("/coffee/{}", p.id), ProgrammeNotice::Created)),
        Err(e) => Ok(list_page(&s, &actor, &viewer, &form, &refused(e)?).await?.into_response()),
    }
}

fn report(v: &ProgrammeView, viewer: &Viewer) -> Markup {
    let Some(r) = &v.report else { return html! {} };
    let id = v.programme.id;
    html! {
        h2 { "Running the programme" }
        p { @if let Some(due) = v.next_round_due { "The next round is due on " (due.format("%-d %B %Y")) "." } @else { "No rounds yet." } }
        form method="post" action={ "/coffee/" (id) "/rounds" } novalidate {
            (csrf_field(&viewer.csrf_token))
            button class="nhsuk-button" id="round" type="submit" { "Pair the next round" }
        }
        h3 { "Report" }
        dl class="nhsuk-summary-list" id="report" {
            @for (k, val) in [
                ("Taking part now", r.participants.to_string()),
                ("Paired at least once", r.ever_paired.to_string()),
                ("Rounds", r.rounds.len().to_string()),
                ("Feedback forms returned", r.responses.to_string()),
                ("Met their partner", percent(r.met_share)),
                ("Meetings that were new connections", percent(r.new_connection_share)),
                ("Would do it again", percent(r.repeat_share)),
                ("Pairs across teams", percent(r.cross_team_share)),
                ("Teams reached", r.teams_reached.to_string()),
            ] {
                div class="nhsuk-summary-list__row" { dt class="nhsuk-summary-list__key" { (k) } dd class="nhsuk-summary-list__value" { (val) } }
            }
        }
        @if !r.rounds.is_empty() {
            table class="nhsuk-table" {
                caption class="nhsuk-table__caption" { "Rounds" }
                thead class="nhsuk-table__head" { tr { th scope="col" { "Round" } th scope="col" { "Paired on" } th scope="col" { "Groups" } th scope="col" { "Sat out" } th scope="col" { "Feedback (met)" } th scope="col" { "Seed" } } }
                tbody class="nhsuk-table__body" {
                    @for rs in r.rounds.iter().rev() {
                        tr class="nhsuk-table__row" {
                            td class="nhsuk-table__cell" { (rs.round.number) }
                            td class="nhsuk-table__cell" { (rs.round.held_on) }
                            td class="nhsuk-table__cell" { (rs.round.groups.len()) @if !rs.round.unmatched.is_empty() { " (" (rs.round.unmatched.len()) " unmatched)" } }
                            td class="nhsuk-table__cell" { (rs.round.skipped.len()) }
                            td class="nhsuk-table__cell" { (rs.responses) " (" (rs.met) ")" }
                            td class="nhsuk-table__cell" { a href={ "/coffee/" (id) "/rounds/" (rs.round.id) "/check" } { (rs.round.seed) span class="nhsuk-u-visually-hidden" { ": check round " (rs.round.number) } } }
                        }
                    }
                }
            }
        }
    }
}

async fn programme_page(
    s: &AppState,
    actor: &Actor,
    viewer: &Viewer,
    id: i64,
    form: &Submitted,
    errors: &Errors,
    done: Option<&str>,
) -> Result<Markup, PageError> {
    let v = s.app.programme_view(actor, id).await?;
    let p = &v.programme;
    let csrf = csrf_field(&viewer.csrf_token);
    let across = p.scope == ProgrammeScope::AcrossOrganisations;
    let others: Vec<_> = v.members.iter().filter(|u| u.id != actor.user_id).collect();
    let body = html! {
        (error_summary(errors))
        @if let Some(d) = done { (success_banner(d)) }
        span class="nhsuk-caption-l" { "Randomised coffee trial" @if let Some(c) = &v.community { ", " (c) } }
        h1 { (p.name) }
        p { (p.description) }
        p class="nhsuk-body-s" { "Run by " (v.organiser) ". A round every " (p.cadence_weeks) " weeks; nobody meets someone they met in the last " (p.avoid_repeat_rounds) " rounds. " (v.members.len()) " taking part." }
        @if let Some(m) = &v.my_match {
            h2 { "Your match in round " (m.number) }
            ul class="nhsuk-list" id="my-match" {
                @for partner in &m.partners {
                    li {
                        strong { (partner.user.name) } ", " (partner.user.job_title) ", " (partner.team) @if !partner.user.site.is_empty() { " (" (partner.user.site) ")" } br;
                        a href={ "mailto:" (partner.user.email) } { (partner.user.email) }
                        @if !partner.about.is_empty() { br; "In their words: " (partner.about) }
                    }
                }
            }
            h3 { "Conversation starters" }
            ul class="nhsuk-list nhsuk-list--bullet" { @for st in &m.starters { li { (st) } } }
            h3 { "How did it go?" }
            @if let Some(f) = &m.feedback { p id="feedback-given" { "Thank you: you told us you " (if f.met { "met" } else { "did not meet" }) ". You can change your answers." } }
            form method="post" action={ "/coffee/" (id) "/rounds/" (m.round_id) "/feedback" } novalidate {
                (csrf)
                (yes_no("met", "Did you meet?", form.get("met"), errors))
                (yes_no("met_before", "Had you met before this round?", form.get("met_before"), errors))
                (yes_no("again", "Would you do it again?", form.get("again"), errors))
                (Field::new("comment", "Anything else?").errors(errors).textarea(2, form.get("comment")))
                button class="nhsuk-button" type="submit" { "Send feedback" }
            }
        }
        @if v.may_join {
            h2 { "Join" }
            p { "It takes a minute: your name, job title, team and email come from your account." }
            form method="post" action={ "/coffee/" (id) "/join" } novalidate {
                (csrf)
                @if across { (Field::new("organisation", "Your organisation").errors(errors).input("text", form.get("organisation"))) }
                (Field::new("about", "A line about you for your partner (optional)").errors(errors).input("text", form.get("about")))
                button class="nhsuk-button" type="submit" { "Join programme" }
            }
        }
        @if let Some(me) = &v.me {
            h2 { "Your place" }
            form method="post" action={ "/coffee/" (id) "/join" } novalidate {
                (csrf)
                @if across { (Field::new("organisation", "Your organisation").errors(errors).input("text", &me.organisation)) }
                (Field::new("about", "A line about you for your partner").errors(errors).input("text", &me.about))
                (checkboxes("Next round", "", &[("skip_next", "yes", "Skip the next round".to_string(), me.skip_next)]))
                @if !others.is_empty() {
                    @let ids: Vec<String> = others.iter().map(|u| u.id.to_string()).collect();
                    (checkboxes("Do not pair me with", "Nobody is told.",
                        &others.iter().zip(&ids).map(|(u, uid)| ("do_not_pair", uid.as_str(), u.name.clone(), me.do_not_pair.contains(&u.id))).collect::<Vec<_>>()))
                }
                button class="nhsuk-button nhsuk-button--secondary" type="submit" { "Save" }
            }
            form method="post" action={ "/coffee/" (id) "/leave" } novalidate {
                (csrf) button class="nhsuk-button nhsuk-button--secondary" type="submit" { "Leave programme" }
            }
        }
        (report(&v, viewer))
    };
    Ok(page(&p.name, Some(viewer), "", body))
}

crate::notices! {
    /// What a coffee programme's page says after a change.
    pub enum ProgrammeNotice {
        Created => "The programme has started. Invite people to join.",
        Joined => "You are in. You will hear of your match when the next round is paired.",
        Saved => "Your place is saved.",
        Left => "You have left the programme.",
        Paired => "The round is paired and everyone has been introduced.",
        Feedback => "Thank you for your feedback.",
    }
}

/// `GET /coffee/{id}`.
pub async fn show(
    State(s): State<AppState>,
    SignedIn(actor, viewer): SignedIn,
    PagePath(id): PagePath<i64>,
    notice: Done<ProgrammeNotice>,
) -> Result<Response, PageError> {
    Ok(programme_page(&s, &actor, &viewer, id, &Submitted(Vec::new()), &Vec::new(), notice.message()).await?.into_response())
}

/// `POST /coffee/{id}/join`: joining, or saving one's place.
pub async fn join(
    State(s): State<AppState>,
    PagePath(id): PagePath<i64>,
    CsrfForm(actor, viewer, form): CsrfForm<Submitted>,
) -> Result<Response, PageError> {
    let was_in = s.app.programme_view(&actor, id).await?.me.is_some();
    let input = JoinInput {
        about: form.get("about").into(),
        organisation: form.get("organisation").into(),
        skip_next: form.get("skip_next") == "yes",
        do_not_pair: form.all("do_not_pair").iter().filter_map(|v| v.parse().ok()).collect(),
    };
    match s.app.join_programme(&actor, id, input).await {
        Ok(_) => Ok(done(&format!("/coffee/{id}"), if was_in { ProgrammeNotice::Saved } else { ProgrammeNotice::Joined })),
        Err(e) => Ok(programme_page(&s, &actor, &viewer, id, &form, &refused(e)?, None).await?.into_response()),
    }
}

/// `POST /coffee/{id}/leave`.
pub async fn leave(
    State(s): State<AppState>,
    PagePath(id): PagePath<i64>,
    CsrfForm(actor, _, CsrfOnly {}): CsrfForm<CsrfOnly>,
) -> Result<Response, PageError> {
    s.app.leave_programme(&actor, id).await?;
    Ok(done(&format!("/coffee/{id}"), ProgrammeNotice::Left))
}

/// `POST /coffee/{id}/rounds`.
pub async fn run_round(
    State(s): State<AppState>,
    PagePath(id): PagePath<i64>,
    CsrfForm(actor, viewer, form): CsrfForm<Submitted>,
) -> Result<Response, PageError> {
    match s.app.run_round(&actor, id).await {
        Ok(_) => Ok(done(&format!("/coffee/{id}"), ProgrammeNotice::Paired)),
        Err(ServiceError::Conflict(m)) => {
            Ok(programme_page(&s, &actor, &viewer, id, &form, &vec![("round".into(), super::capitalised(&m))], None).await?.into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /coffee/{id}/rounds/{round}/feedback`.
pub async fn feedback(
    State(s): State<AppState>,
    PagePath((id, round_id)): PagePath<(i64, i64)>,
    CsrfForm(actor, viewer, form): CsrfForm<Submitted>,
) -> Result<Response, PageError> {
    let mut errors: Errors = Vec::new();
    let mut answer = |name: &str, question: &str| match form.get(name) {
        "yes" => true,
        "no" => false,
        _ => {
            errors.push((name.to_string(), format!("Answer \u{201c}{question}\u{201d}")));
            false
        }
    };
    let input = FeedbackInput {
        met: answer("met", "Did you meet?"),
        met_before: answer("met_before", "Had you met before this round?"),
        again: answer("again", "Would you do it again?"),
        comment: form.get("comment").into(),
    };
    if !errors.is_empty() {
        return Ok(programme_page(&s, &actor, &viewer, id, &form, &errors, None).await?.into_response());
    }
    match s.app.give_feedback(&actor, id, round_id, input).await {
        Ok(_) => Ok(done(&format!("/coffee/{id}"), ProgrammeNotice::Feedback)),
        Err(e) => Ok(programme_page(&s, &actor, &viewer, id, &form, &refused(e)?, None).await?.into_response()),
    }
}

/// `GET /coffee/{id}/rounds/{round}/check`: re-runs the round from its seed.
pub async fn check(
    State(s): State<AppState>,
    SignedIn(actor, viewer): SignedIn,
    PagePath((id, round_id)): PagePath<(i64, i64)>,
) -> Result<Response, PageError> {
    let c = s.app.check_round(&actor, id, round_id).await?;
    let body = html! {
        h1 { "Checking a round" }
        p { "The round was paired again from its recorded seed (" (c.seed) "), the people who were in it and the earlier rounds." }
        @if c.reproduced { p class="nhsuk-body-l" id="check-result" { "It came out the same: the pairing is as recorded." } }
        @else { p class="nhsuk-body-l" id="check-result" { strong { "It did not come out the same." } " Tell the programme's organiser and a knowledge specialist." } }
        p { a href={ "/coffee/" (id) } { "Back to the programme" } }
    };
    Ok(page("Checking a round", Some(&viewer), "", body).into_response())
}
