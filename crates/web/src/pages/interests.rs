//! `/alerts/interests`: a person's interest profile (the thesaurus subjects and teams
//! they follow, how often they hear, the library's suggestions); and the library
//! service's suggestions to a member, made from what members follow.
use axum::http::StatusCode;
use signpost_domain::TeamId;
use signpost_domain::awareness::AlertFrequency;
use signpost_domain::ids::UserId;
use signpost_services::interests::{PROFILE_PAGE, ProfileView};

use super::alerts::frequency_options;
use crate::pages::form::checkbox_list;
use crate::pages::prelude::*;

/// This area's pages and forms.
pub fn routes() -> Pages {
    Pages::new()
        .page("/alerts/interests", show)
        .form("/alerts/interests", save)
        .form_back("/alerts/interests/suggestion", "/alerts/interests", answer)
        .form_back("/alerts/interests/suggest", "/alerts/everyone", suggest)
}

crate::notices! {
    /// What the page says after a change.
    pub enum InterestsNotice {
        Saved => "Interest profile saved. New knowledge on your subjects and from your teams will be emailed to you as you chose.",
        Declined => "Suggestion declined.",
    }
}

crate::page_form! {
    /// A suggestion answered.
    pub struct AnswerForm / AnswerNames { term: String, take: String }
}

crate::page_form! {
    /// A subject suggested to a member.
    pub struct SuggestForm / SuggestNames { user_id: String, term: String }
}

async fn profile_page(s: &AppState, actor: &Actor, viewer: &Viewer, notice: Option<&str>, errors: &Errors) -> PageMarkup {
    let view = s.app.interest_profile(actor).await?;
    let thesaurus = s.app.thesaurus(actor).await?;
    let teams = s.app.teams(actor).await?;
    let p = &view.profile;
    // A narrower subject says where it sits, so "Culture" reads as part of leadership.
    let text = |t: &signpost_domain::thesaurus::Term| match t.broader.first() {
        Some(b) => format!("{} (within {b})", t.label),
        None => t.label.clone(),
    };
    let terms: Vec<(String, String, bool)> =
        thesaurus.terms.iter().map(|t| (t.label.clone(), text(t), p.terms.contains(&t.label))).collect();
    let team_items: Vec<(String, String, bool)> =
        teams.iter().map(|t| (t.id.to_string(), t.name.clone(), p.teams.contains(&t.id))).collect();
    let body = html! {
        div class="nhsuk-grid-row" { div class="nhsuk-grid-column-two-thirds" {
            (error_summary(errors))
            @if let Some(n) = notice { (success_banner(n)) }
            a class="nhsuk-back-link" href="/alerts" { "Saved searches" }
            h1 { "Your interests" }
            p { "Choose the subjects and teams you want to hear about. Signpost emails you new and updated knowledge on them, only what you may see, as often as you choose. A subject takes in its narrower subjects: " em { "Hospital settings" } " includes " em { "Intensive care" } "." }
            @if !p.suggestions.is_empty() {
                h2 { "Suggested by the library service" }
                ul class="nhsuk-list nhsuk-list--border" {
                    @for sug in &p.suggestions {
                        li {
                            strong { (sug.term) }
                            div class="nhsuk-button-group nhsuk-u-margin-top-2 nhsuk-u-margin-bottom-0" {
                                @for (take, text) in [("yes", "Follow"), ("no", "No thanks")] {
                                    form method="post" action="/alerts/interests/suggestion" novalidate {
                                        (csrf_field(&viewer.csrf_token))
                                        input type="hidden" name=(AnswerForm::NAMES.term) value=(sug.term);
                                        input type="hidden" name=(AnswerForm::NAMES.take) value=(take);
                                        button class="nhsuk-button nhsuk-button--secondary nhsuk-button--small nhsuk-u-margin-bottom-0" data-module="nhsuk-button" type="submit" {
                                            (text) span class="nhsuk-u-visually-hidden" { " " (sug.term) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            form method="post" action="/alerts/interests" novalidate {
                (csrf_field(&viewer.csrf_token))
                input type="hidden" name="version" value=(p.version);
                @if terms.is_empty() {
                    h2 { "Subjects" }
                    p { "The library service has not set up the subject thesaurus yet." }
                } @else {
                    (checkbox_list("terms", "Subjects", "From the organisation's subject thesaurus.", &terms))
                }
                (checkbox_list("teams", "Teams", "New knowledge any of these teams publishes.", &team_items))
                (Field::new("frequency", "Email me what is new").errors(errors).select(&frequency_options(), p.frequency.as_str()))
                button class="nhsuk-button" data-module="nhsuk-button" type="submit" { "Save your interests" }
            }
            h2 { "Communities" }
            @if view.communities.is_empty() {
                p { "You follow a community's questions by joining it. " a href="/communities" { "Find a community" } "." }
            } @else {
                p { "You follow the questions of the communities you belong to: " (view.communities.join(", ")) ". " a href="/communities" { "Join or leave communities" } "." }
            }
        } }
    };
    Ok(page(if errors.is_empty() { "Your interests" } else { "Error: Your interests" }, Some(viewer), "", body))
}

/// `GET /alerts/interests`.
pub async fn show(SignedIn(s, actor, viewer): SignedIn, notice: Done<InterestsNotice>) -> PageResult {
    Ok(profile_page(&s, &actor, &viewer, notice.message(), &Vec::new()).await?.into_response())
}

/// `POST /alerts/interests`: the form's ticked subjects and teams, read in one pass.
pub async fn save(CsrfForm(s, actor, viewer, form): CsrfForm<Vec<(String, String)>>) -> PageResult {
    use signpost_services::interests::{MAX_TEAMS, MAX_TERMS};
    let mut terms = Vec::new();
    let mut teams = Vec::new();
    let (mut frequency, mut version) = (String::new(), String::new());
    // One past each limit is kept, so the service can say the limit was passed.
    for (k, v) in form {
        match k.as_str() {
            "terms" if terms.len() <= MAX_TERMS => terms.push(v),
            "teams" if teams.len() <= MAX_TEAMS => teams.push(v),
            "frequency" => frequency = v,
            "version" => version = v,
            _ => {}
        }
    }
    let parsed: Option<Vec<TeamId>> = teams.iter().map(|t| t.parse::<i64>().ok().map(TeamId)).collect();
    let outcome = match (AlertFrequency::parse(&frequency), parsed, version.parse::<i64>()) {
        (Ok(f), Some(teams), Ok(v)) => s.app.save_interest_profile(&actor, &terms, &teams, f, v).await.map(|_| ()),
        (Err(e), _, _) => Err(ServiceError::Invalid(vec![e])),
        _ => Err(ServiceError::invalid("teams", "the form was damaged; open the page again")),
    };
    match outcome {
        Ok(()) => Ok(done(PROFILE_PAGE, InterestsNotice::Saved)),
        Err(ServiceError::TooLarge(m)) => {
            let errors = vec![("terms".to_string(), capitalised(&m))];
            Ok((StatusCode::UNPROCESSABLE_ENTITY, profile_page(&s, &actor, &viewer, None, &errors).await?).into_response())
        }
        Err(e) => {
            let errors = refused_as(e, |f| if f == "name" { "terms".into() } else { f.to_string() })?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, profile_page(&s, &actor, &viewer, None, &errors).await?).into_response())
        }
    }
}

/// `POST /alerts/interests/suggestion`: follow or decline a suggested subject.
pub async fn answer(CsrfForm(s, actor, _, form): CsrfForm<AnswerForm>) -> PageResult {
    let take = form.take == "yes";
    s.app.answer_interest_suggestion(&actor, &form.term, take).await?;
    Ok(done(PROFILE_PAGE, if take { InterestsNotice::Saved } else { InterestsNotice::Declined }))
}

/// `POST /alerts/interests/suggest` (knowledge specialists): a subject for a member.
pub async fn suggest(CsrfForm(s, actor, _, form): CsrfForm<SuggestForm>) -> PageResult {
    let user = form.user_id.parse::<i64>().map_err(|_| ServiceError::invalid("user_id", "choose a member"))?;
    s.app.suggest_interest(&actor, UserId(user), &form.term).await?;
    Ok(done("/alerts/everyone", super::alerts::AlertsNotice::Suggested))
}

/// The library's view of every profile, with a suggestion form each (for `/alerts/everyone`).
pub fn profiles_section(viewer: &Viewer, profiles: &[ProfileView], terms: &[String]) -> Markup {
    let options: Vec<(String, String)> = terms.iter().map(|t| (t.clone(), t.clone())).collect();
    html! {
        h2 id="profiles" { "Interest profiles" }
        @if profiles.is_empty() {
            p { "No member has set up an interest profile yet." }
        } @else {
            table class="nhsuk-table" {
                caption class="nhsuk-table__caption" { (counted(profiles.len(), "profile", "profiles")) }
                (table_head(&["Member", "Subjects", "Teams and communities", "Suggest a subject"]))
                tbody class="nhsuk-table__body" {
                    @for v in profiles {
                        tr class="nhsuk-table__row" {
                            td class="nhsuk-table__cell" { a href={ "/people/" (v.profile.user_id) } { (v.name) } br; span class="nhsuk-body-s" { (v.profile.frequency.describe()) } }
                            td class="nhsuk-table__cell" {
                                (if v.profile.terms.is_empty() { "None".to_string() } else { v.profile.terms.join(", ") })
                                @if !v.profile.suggestions.is_empty() { br; span class="nhsuk-body-s" { "Suggested: " (v.profile.suggestions.iter().map(|s| s.term.as_str()).collect::<Vec<_>>().join(", ")) } }
                            }
                            td class="nhsuk-table__cell" { (v.team_names.iter().chain(&v.communities).cloned().collect::<Vec<_>>().join(", ")) }
                            td class="nhsuk-table__cell" {
                                @if !options.is_empty() {
                                    form method="post" action="/alerts/interests/suggest" novalidate {
                                        (csrf_field(&viewer.csrf_token))
                                        input type="hidden" name=(SuggestForm::NAMES.user_id) value=(v.profile.user_id);
                                        (Field::new(&format!("term-{}", v.profile.user_id), &format!("Subject for {}", v.name)).name(SuggestForm::NAMES.term).select(&options, ""))
                                        button class="nhsuk-button nhsuk-button--secondary nhsuk-button--small nhsuk-u-margin-bottom-0" data-module="nhsuk-button" type="submit" {
                                            "Suggest" span class="nhsuk-u-visually-hidden" { " to " (v.name) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
