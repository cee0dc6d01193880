//! Randomised coffee trials: programmes, the one-minute opt-in, the reader's match
//! with feedback, and for organisers running a round and the programme report.
use signpost_domain::coffee::ProgrammeScope;
use signpost_domain::pairing::Preference;
use signpost_services::people::coffee::{JoinInput, ProgrammeInput, ProgrammeView};
use signpost_services::people::coffee_rounds::FeedbackInput;

use crate::pages::form::{checkboxes, yes_no};
use crate::pages::prelude::*;
use signpost_domain::ids::ProgrammeId;

crate::page_form! {
    /// The fields of this page's forms.
    pub struct CoffeeForm / CoffeeNames { name: String, description: String, scope: String, cadence_weeks: String, avoid_repeat_rounds: String, different_department: String, different_team: String, different_profession: String, different_band: String, same_site: String, met: String, met_before: String, again: String, comment: String, organisation: String, about: String, skip_next: String, do_not_pair: Vec<String>, seed: String, fingerprint: String }
}

/// This area's pages and forms.
pub fn routes() -> Pages {
    Pages::new()
        .page("/coffee", list)
        .form("/coffee", create)
        .page("/coffee/{id}", show)
        .form_back("/coffee/{id}/join", "/coffee/{id}", join)
        .form_back("/coffee/{id}/leave", "/coffee/{id}", leave)
        .page("/coffee/{id}/rounds/new", preview)
        .form_back("/coffee/{id}/rounds", "/coffee/{id}/rounds/new", send_round)
        .page("/coffee/{id}/rounds/{round}", round_page)
        .form_back("/coffee/{id}/rounds/{round}/feedback", "/coffee/{id}", feedback)
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

async fn list_page(s: &AppState, actor: &Actor, viewer: &Viewer, form: &CoffeeForm, errors: &Errors) -> PageMarkup {
    let programmes = s.app.programmes(actor).await?;
    let scopes: Vec<(String, String)> =
        s.app.programme_scopes(actor).await?.into_iter().map(|(scope, text)| (scope_value(scope), text)).collect();
    let may_start = !scopes.is_empty();
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
                (Field::new(CoffeeForm::NAMES.name, "Name").errors(errors).input("text", form.name.as_str()))
                (Field::new(CoffeeForm::NAMES.description, "What it is for").errors(errors).textarea(2, form.description.as_str()))
                (Field::new(CoffeeForm::NAMES.scope, "Who it is for").errors(errors).select(&scopes, form.scope.as_str()))
                (Field::new(CoffeeForm::NAMES.cadence_weeks, "Weeks between rounds").errors(errors).input("text", &form.cadence_weeks))
                (Field::new(CoffeeForm::NAMES.avoid_repeat_rounds, "Never pair people who met within this many rounds").errors(errors).input("text", &form.avoid_repeat_rounds))
                (checkboxes("Prefer partners who", "Preferences are followed where the people taking part allow it.", &[
                    (CoffeeForm::NAMES.different_department, "yes", "are in another directorate (another organisation, across organisations)".to_string(), form.different_department == "yes"),
                    (CoffeeForm::NAMES.different_team, "yes", "are in another team".to_string(), form.different_team == "yes"),
                    (CoffeeForm::NAMES.different_profession, "yes", "have another profession".to_string(), form.different_profession == "yes"),
                    (CoffeeForm::NAMES.different_band, "yes", "are in another seniority band".to_string(), form.different_band == "yes"),
                    (CoffeeForm::NAMES.same_site, "yes", "work on the same site, to meet in person".to_string(), form.same_site == "yes"),
                ]))
                button class="nhsuk-button" type="submit" { "Start programme" }
            }
        }
    };
    Ok(page("Coffee trials", Some(viewer), "", body))
}

/// `GET /coffee`.
pub async fn list(SignedIn(s, actor, viewer): SignedIn) -> PageResult {
    let blank = CoffeeForm {
        cadence_weeks: "4".into(),
        avoid_repeat_rounds: "6".into(),
        different_department: "yes".into(),
        ..CoffeeForm::default()
    };
    Ok(list_page(&s, &actor, &viewer, &blank, &Vec::new()).await?.into_response())
}

/// `POST /coffee`.
pub async fn create(CsrfForm(s, actor, viewer, form): CsrfForm<CoffeeForm>) -> PageResult {
    let mut errors: Errors = Vec::new();
    let mut number = |name: &str, value: &str| {
        value.trim().parse::<u32>().unwrap_or_else(|_| {
            errors.push((name.to_string(), "Enter a whole number".to_string()));
            0
        })
    };
    let n = CoffeeForm::NAMES;
    let (cadence_weeks, avoid_repeat_rounds) =
        (number(n.cadence_weeks, &form.cadence_weeks), number(n.avoid_repeat_rounds, &form.avoid_repeat_rounds));
    let scope = parse_scope(form.scope.as_str());
    if scope.is_none() {
        errors.push((CoffeeForm::NAMES.scope.to_string(), "Choose who the programme is for".to_string()));
    }
    let scope = scope.unwrap_or(ProgrammeScope::Organisation);
    let input = ProgrammeInput {
        name: form.name.clone(),
        description: form.description.clone(),
        scope,
        cadence_weeks,
        avoid_repeat_rounds,
        preference: Preference {
            different_department: form.different_department == "yes",
            different_team: form.different_team == "yes",
            different_profession: form.different_profession == "yes",
            different_band: form.different_band == "yes",
            same_site: form.same_site == "yes",
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

fn report(v: &ProgrammeView) -> Markup {
    let Some(r) = &v.report else { return html! {} };
    let id = v.programme.id;
    html! {
        h2 { "Running the programme" }
        p { @if let Some(due) = v.next_round_due { "The next round is due on " (due.format("%-d %B %Y")) "." } @else { "No rounds yet." } }
        a class="nhsuk-button" id="round" href={ "/coffee/" (id) "/rounds/new" } { "Pair the next round" }
        p class="nhsuk-body-s" { "You see the pairs before anyone is told." }
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
                (table_head(&["Round", "Paired on", "Groups", "Sat out", "Feedback (met)", "Seed"]))
                tbody class="nhsuk-table__body" {
                    @for rs in r.rounds.iter().rev() {
                        tr class="nhsuk-table__row" {
                            td class="nhsuk-table__cell" { a href={ "/coffee/" (id) "/rounds/" (rs.round.id) } { "Round " (rs.round.number) } }
                            td class="nhsuk-table__cell" { (long_date(rs.round.held_on)) }
                            td class="nhsuk-table__cell" { (rs.round.groups.len()) @if !rs.round.unmatched.is_empty() { " (" (rs.round.unmatched.len()) " unmatched)" } }
                            td class="nhsuk-table__cell" { (rs.round.skipped.len()) }
                            td class="nhsuk-table__cell" { (rs.responses) " (" (rs.met) ")" }
                            td class="nhsuk-table__cell" { (rs.round.seed) }
                        }
                    }
                }
            }
        }
    }
}

async fn programme_page(s: &AppState, actor: &Actor, viewer: &Viewer, id: ProgrammeId, sent: &FormState<CoffeeForm>) -> PageMarkup {
    let (errors, done) = (&sent.errors, sent.notice);
    let v = s.app.programme_view(actor, id).await?;
    let form = &with_answers_given(&sent.values, &v);
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
            h3 id="feedback" { "How did it go?" }
            @if let Some(f) = &m.feedback { p id="feedback-given" { "Thank you: you told us you " (if f.met { "met" } else { "did not meet" }) ". You can change your answers below." } }
            form method="post" action={ "/coffee/" (id) "/rounds/" (m.round_id) "/feedback" } novalidate {
                (csrf)
                (yes_no(CoffeeForm::NAMES.met, "Did you meet?", form.met.as_str(), errors))
                (yes_no(CoffeeForm::NAMES.met_before, "Had you met before this round?", form.met_before.as_str(), errors))
                (yes_no(CoffeeForm::NAMES.again, "Would you do it again?", form.again.as_str(), errors))
                (Field::new(CoffeeForm::NAMES.comment, "Anything else?").errors(errors).textarea(2, form.comment.as_str()))
                button class="nhsuk-button" type="submit" { "Send feedback" }
            }
        }
        @if v.may_join {
            h2 { "Join" }
            p { "It takes a minute: your name, job title, team and email come from your account." }
            form method="post" action={ "/coffee/" (id) "/join" } novalidate {
                (csrf)
                @if across { (Field::new(CoffeeForm::NAMES.organisation, "Your organisation").errors(errors).input("text", form.organisation.as_str())) }
                (Field::new(CoffeeForm::NAMES.about, "A line about you for your partner (optional)").errors(errors).input("text", form.about.as_str()))
                button class="nhsuk-button" type="submit" { "Join programme" }
            }
        }
        @if let Some(me) = &v.me {
            h2 { "Your place" }
            form method="post" action={ "/coffee/" (id) "/join" } novalidate {
                (csrf)
                @if across { (Field::new(CoffeeForm::NAMES.organisation, "Your organisation").errors(errors).input("text", &me.organisation)) }
                (Field::new(CoffeeForm::NAMES.about, "A line about you for your partner").errors(errors).input("text", &me.about))
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
        (report(&v))
    };
    Ok(page(&p.name, Some(viewer), "", body))
}

/// The feedback form shows what the reader already sent, unless they are correcting a refused form.
fn with_answers_given(sent: &CoffeeForm, v: &ProgrammeView) -> CoffeeForm {
    let given = v.my_match.as_ref().and_then(|m| m.feedback.as_ref());
    match given {
        Some(f) if sent.met.is_empty() && sent.met_before.is_empty() && sent.again.is_empty() => {
            let yes = |b: bool| if b { "yes" } else { "no" }.to_string();
            CoffeeForm { met: yes(f.met), met_before: yes(f.met_before), again: yes(f.again), comment: f.comment.clone(), ..sent.clone() }
        }
        _ => sent.clone(),
    }
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
pub async fn show(SignedIn(s, actor, viewer): SignedIn, PagePath(id): PagePath<ProgrammeId>, notice: Done<ProgrammeNotice>) -> PageResult {
    Ok(programme_page(&s, &actor, &viewer, id, &FormState::shown(notice.message())).await?.into_response())
}

/// `POST /coffee/{id}/join`: joining, or saving one's place.
pub async fn join(PagePath(id): PagePath<ProgrammeId>, CsrfForm(s, actor, viewer, form): CsrfForm<CoffeeForm>) -> PageResult {
    let was_in = s.app.programme_view(&actor, id).await?.me.is_some();
    let input = JoinInput {
        about: form.about.clone(),
        organisation: form.organisation.clone(),
        skip_next: form.skip_next.as_str() == "yes",
        do_not_pair: form.do_not_pair.iter().filter_map(|v| v.parse().ok()).collect(),
    };
    match s.app.join_programme(&actor, id, input).await {
        Ok(_) => Ok(done(&format!("/coffee/{id}"), if was_in { ProgrammeNotice::Saved } else { ProgrammeNotice::Joined })),
        Err(e) => Ok(programme_page(&s, &actor, &viewer, id, &FormState::refused(form, e)?).await?.into_response()),
    }
}

/// `POST /coffee/{id}/leave`.
pub async fn leave(PagePath(id): PagePath<ProgrammeId>, CsrfForm(s, actor, _, CsrfOnly {}): CsrfForm<CsrfOnly>) -> PageResult {
    s.app.leave_programme(&actor, id).await?;
    Ok(done(&format!("/coffee/{id}"), ProgrammeNotice::Left))
}

/// `POST /coffee/{id}/rounds`: sends the round the organiser previewed, if it is still what they saw.
pub async fn send_round(PagePath(id): PagePath<ProgrammeId>, CsrfForm(s, actor, viewer, form): CsrfForm<CoffeeForm>) -> PageResult {
    let Ok(seed) = form.seed.trim().parse::<u64>() else {
        let errors = vec![("round".to_string(), "Look at the pairs before sending them: this form came without its preview".to_string())];
        return preview_page(&s, &actor, &viewer, id, &errors).await;
    };
    match s.app.send_previewed_round(&actor, id, seed, form.fingerprint.trim()).await {
        Ok(outcome) => Ok(done(&format!("/coffee/{id}/rounds/{}", outcome.round.id), ProgrammeNotice::Paired)),
        Err(ServiceError::Conflict(m)) => {
            preview_page(&s, &actor, &viewer, id, &vec![("round".into(), crate::pages::capitalised(&m))]).await
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /coffee/{id}/rounds/{round}/feedback`.
pub async fn feedback(
    PagePath((id, round_id)): PagePath<(ProgrammeId, i64)>,
    CsrfForm(s, actor, viewer, form): CsrfForm<CoffeeForm>,
) -> PageResult {
    let mut errors: Errors = Vec::new();
    let mut answer = |name: &str, value: &str, question: &str| match value {
        "yes" => true,
        "no" => false,
        _ => {
            errors.push((name.to_string(), format!("Answer \u{201c}{question}\u{201d}")));
            false
        }
    };
    let n = CoffeeForm::NAMES;
    let input = FeedbackInput {
        met: answer(n.met, &form.met, "Did you meet?"),
        met_before: answer(n.met_before, &form.met_before, "Had you met before this round?"),
        again: answer(n.again, &form.again, "Would you do it again?"),
        comment: form.comment.clone(),
    };
    if !errors.is_empty() {
        return Ok(programme_page(&s, &actor, &viewer, id, &FormState::with_errors(form, errors)).await?.into_response());
    }
    match s.app.give_feedback(&actor, id, round_id, input).await {
        Ok(_) => Ok(done(&format!("/coffee/{id}"), ProgrammeNotice::Feedback)),
        Err(e) => Ok(programme_page(&s, &actor, &viewer, id, &FormState::refused(form, e)?).await?.into_response()),
    }
}

pub use super::coffee_round::{preview, preview_page, round_page};
