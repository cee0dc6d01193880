//! A coffee round's pairs for its organisers: the preview before anyone is told, and
//! the round once sent, with the check that it re-runs from its seed.
use signpost_services::people::coffee_pairs::{RoundPairs, RoundPerson};

use super::coffee::ProgrammeNotice;
use crate::pages::prelude::*;
use signpost_domain::ids::ProgrammeId;

fn person(p: &RoundPerson) -> Markup {
    html! {
        strong { (p.name) }
        @let about: Vec<&str> = [p.job_title.as_str(), p.team.as_str()].into_iter().filter(|s| !s.is_empty()).collect();
        @if !about.is_empty() { ", " (about.join(", ")) }
    }
}

fn pairs_table(r: &RoundPairs) -> Markup {
    html! {
        table class="nhsuk-table" id="pairs" {
            caption class="nhsuk-table__caption" { (counted(r.groups.len(), "group", "groups")) }
            (table_head(&["Group", "Who meets"]))
            tbody class="nhsuk-table__body" {
                @for (i, g) in r.groups.iter().enumerate() {
                    tr class="nhsuk-table__row" {
                        td class="nhsuk-table__cell" { (i + 1) }
                        td class="nhsuk-table__cell" {
                            ul class="nhsuk-list nhsuk-u-margin-bottom-0" { @for p in g { li { (person(p)) } } }
                        }
                    }
                }
            }
        }
        @if !r.unmatched.is_empty() {
            div class="nhsuk-warning-callout" id="unmatched" {
                h2 class="nhsuk-warning-callout__label" { span role="text" { span class="nhsuk-u-visually-hidden" { "Important: " } "Nobody to meet" } }
                p { "No partner could be found for "
                    @for (i, p) in r.unmatched.iter().enumerate() { @if i > 0 { ", " } strong { (p.name) } }
                    " without a pair the programme's rules forbid. They are told, and come first next time." }
            }
        }
        @if !r.skipped.is_empty() {
            p id="skipped" { "Sitting this round out: " (r.skipped.iter().map(|p| p.name.as_str()).collect::<Vec<_>>().join(", ")) "." }
        }
    }
}

/// The preview page, or the reason there is nothing to preview.
pub async fn preview_page(s: &AppState, actor: &Actor, viewer: &Viewer, id: ProgrammeId, errors: &Errors) -> PageResult {
    let back = html! { p { a href={ "/coffee/" (id) } { "Back to the programme" } } };
    let r = match s.app.preview_round(actor, id).await {
        Ok(r) => r,
        Err(ServiceError::Conflict(m)) => {
            let body = html! { h1 { "Pair the next round" } p id="no-round" { (capitalised(&m)) "." } (back) };
            return Ok(page("Pair the next round", Some(viewer), "", body).into_response());
        }
        Err(e) => return Err(e.into()),
    };
    let people = r.groups.iter().map(Vec::len).sum::<usize>();
    let body = html! {
        (error_summary(errors))
        span class="nhsuk-caption-l" { (r.programme) }
        h1 { "Round " (r.number) ": check the pairs" }
        p { "Nobody has been told yet. Sending stores the round and introduces each group: a message in Signpost and, where mail is set up, an email with a calendar invitation." }
        (pairs_table(&r))
        form method="post" action={ "/coffee/" (id) "/rounds" } novalidate {
            (csrf_field(&viewer.csrf_token))
            input type="hidden" name="seed" value=(r.seed);
            input type="hidden" name="fingerprint" value=(r.fingerprint);
            div class="nhsuk-button-group" {
                button class="nhsuk-button" id="round" type="submit" { "Send introductions to " (counted(people, "person", "people")) }
                a class="nhsuk-button nhsuk-button--secondary" id="shuffle" href={ "/coffee/" (id) "/rounds/new" } { "Pair again" }
            }
        }
        p class="nhsuk-body-s" { "Pairing again draws new pairs under the same rules. If anyone joins, leaves or sits out before you send, you are shown the new pairs first." }
        (back)
    };
    Ok(page(&format!("Round {}: check the pairs", r.number), Some(viewer), "", body).into_response())
}

/// `GET /coffee/{id}/rounds/new`: the next round's pairs, not yet sent.
pub async fn preview(SignedIn(s, actor, viewer): SignedIn, PagePath(id): PagePath<ProgrammeId>) -> PageResult {
    preview_page(&s, &actor, &viewer, id, &Vec::new()).await
}

/// `GET /coffee/{id}/rounds/{round}`: a sent round's pairs, re-run from its seed.
pub async fn round_page(
    SignedIn(s, actor, viewer): SignedIn,
    PagePath((id, round_id)): PagePath<(ProgrammeId, i64)>,
    notice: Done<ProgrammeNotice>,
) -> PageResult {
    let r = s.app.round_pairs(&actor, id, round_id).await?;
    let body = html! {
        @if let Some(d) = notice.message() { (success_banner(d)) }
        span class="nhsuk-caption-l" { (r.programme) }
        h1 { "Round " (r.number) }
        @if let Some(on) = r.held_on { p { "Paired on " (long_date(on)) " from the seed " (r.seed) "." } }
        (pairs_table(&r))
        h2 { "Checking the round" }
        p { "The round was paired again from its seed, the people who were in it and the earlier rounds." }
        @if r.reproduced == Some(true) { p id="check-result" { "It came out the same: the pairing is as recorded." } }
        @else { p id="check-result" { strong { "It did not come out the same." } " Tell a knowledge specialist." } }
        p { a href={ "/coffee/" (id) } { "Back to the programme" } }
    };
    Ok(page(&format!("Round {}", r.number), Some(&viewer), "", body).into_response())
}
