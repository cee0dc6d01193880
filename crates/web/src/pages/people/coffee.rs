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
    pub struct CoffeeForm / CoffeeNames { name: String, description: String, scope: String, cadence_weeks: String, avoid_repeat_rounds: String, different_department: String, different_team: String, different_profession: String, different_band: String, same_site: String, met: String, met_before: String, again: String, comment: String, organisation: String, about: String, skip_next: String, do_not_pair: Vec<String> }
}

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
                (table_head(&["Round", "Paired on", "Groups", "Sat out", "Feedback (met)", "Seed"]))
                tbody class="nhsuk-table__body" {
                    @for rs in r.rounds.iter().rev() {
                        tr class="nhsuk-table__row" {
                            td class="nhsuk-table__cell" { (rs.round.number) }
                            td class="nhsuk-table__cell" { (long_date(rs.round.held_on)) }
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

async fn programme_page(s: &AppState, actor: &Actor, viewer: &Viewer, id: ProgrammeId, sent: &FormState<CoffeeForm>) -> PageMarkup {
    let (form, errors, done) = (&sent.values, &sent.errors, sent.notice);
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

/// `POST /coffee/{id}/rounds`.
pub async fn run_round(PagePath(id): PagePath<ProgrammeId>, CsrfForm(s, actor, viewer, form): CsrfForm<CoffeeForm>) -> PageResult {
    match s.app.run_round(&actor, id).await {
        Ok(_) => Ok(done(&format!("/coffee/{id}"), ProgrammeNotice::Paired)),
        Err(ServiceError::Conflict(m)) => Ok(programme_page(
            &s,
            &actor,
            &viewer,
            id,
            &FormState::with_errors(form, vec![("round".into(), crate::pages::capitalised(&m))]),
        )
        .await?
        .into_response()),
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

/// `GET /coffee/{id}/rounds/{round}/check`: re-runs the round from its seed.
pub async fn check(SignedIn(s, actor, viewer): SignedIn, PagePath((id, round_id)): PagePath<(i64, i64)>) -> PageResult {
    let c = s.app.check_round(&actor, ProgrammeId(id), round_id).await?;
    let body = html! {
        h1 { "Checking a round" }
        p { "The round was paired again from its recorded seed (" (c.seed) "), the people who were in it and the earlier rounds." }
        @if c.reproduced { p class="nhsuk-body-l" id="check-result" { "It came out the same: the pairing is as recorded." } }
        @else { p class="nhsuk-body-l" id="check-result" { strong { "It did not come out the same." } " Tell the programme's organiser and a knowledge specialist." } }
        p { a href={ "/coffee/" (id) } { "Back to the programme" } }
    };
    Ok(page("Checking a round", Some(&viewer), "", body).into_response())
}
