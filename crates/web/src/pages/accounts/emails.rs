//! What Signpost emails you, and how often: a choice per category.
use axum::http::StatusCode;
use signpost_domain::notifications::{Category, Frequency};

use crate::pages::prelude::*;

/// This area's pages and forms.
pub fn routes() -> Pages {
    Pages::new().page("/account/notifications", show).form("/account/notifications", save)
}

crate::notices! {
    /// What the page says after a change.
    pub enum EmailsNotice {
        Saved => "Your choices are saved.",
    }
}

fn emails_page(viewer: &Viewer, choices: &[(Category, Frequency)], mails: bool, errors: &Errors, notice: Option<&str>) -> Markup {
    page(
        if errors.is_empty() { "Emails" } else { "Error: Emails" },
        Some(viewer),
        "",
        html! {
            @if let Some(n) = notice { (success_banner(n)) }
            (error_summary(errors))
            a class="nhsuk-back-link" href="/account" { "Back to your account" }
            h1 { "What Signpost emails you" }
            @if !mails { div class="nhsuk-inset-text" { p { "This Signpost cannot send email yet, so these choices take effect once an administrator sets it up." } } }
            p { "Everything also appears under Notifications in Signpost. An email about something you have already read there is not sent. Digests list what is still unread: daily each morning, weekly on Monday mornings, and only when there is something." }
            form method="post" action="/account/notifications" novalidate {
                (csrf_field(&viewer.csrf_token))
                @for (category, chosen) in choices {
                    @let name = category.as_str();
                    div class="nhsuk-form-group" {
                        fieldset class="nhsuk-fieldset" {
                            legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s" { (category.describe()) }
                            div class="nhsuk-radios nhsuk-radios--inline" data-module="nhsuk-radios" {
                                @for frequency in Frequency::ALL {
                                    @let id = format!("{name}-{}", frequency.as_str());
                                    div class="nhsuk-radios__item" {
                                        input class="nhsuk-radios__input" id=(id) name=(name) type="radio" value=(frequency.as_str()) checked[*chosen == frequency];
                                        label class="nhsuk-label nhsuk-radios__label" for=(id) { (frequency.describe()) }
                                    }
                                }
                            }
                        }
                    }
                }
                button class="nhsuk-button" data-module="nhsuk-button" type="submit" { "Save choices" }
            }
        },
    )
}

fn listed(prefs: &signpost_domain::notifications::EmailPreferences) -> Vec<(Category, Frequency)> {
    Category::EMAILED.iter().map(|c| (*c, prefs.frequency(*c))).collect()
}

/// `GET /account/notifications`.
pub async fn show(SignedIn(s, actor, viewer): SignedIn, notice: Done<EmailsNotice>) -> PageResult {
    let prefs = s.app.email_preferences(&actor).await?;
    Ok(emails_page(&viewer, &listed(&prefs), s.app.mails(), &vec![], notice.message()).into_response())
}

/// `POST /account/notifications`: one radio group per category, named after it.
pub async fn save(CsrfForm(s, actor, viewer, form): CsrfForm<Vec<(String, String)>>) -> PageResult {
    let mut choices = Vec::new();
    let mut errors = Vec::new();
    for (name, value) in form.iter().filter(|(k, _)| k != crate::pages::extract::CSRF_FIELD).take(Category::EMAILED.len() * 2) {
        match (Category::parse(name).filter(|c| *c != Category::General), Frequency::parse(value)) {
            (Some(c), Some(f)) if !choices.iter().any(|(x, _)| *x == c) => choices.push((c, f)),
            // The error links to the group's first radio, and names it as the page does.
            (Some(c), _) => errors.push((format!("{name}-immediately"), format!("Choose one of the options for \"{}\"", c.describe()))),
            (None, _) => errors.push((String::new(), "Choose only from the kinds of email listed".to_string())),
        }
    }
    if !errors.is_empty() {
        let prefs = s.app.email_preferences(&actor).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, emails_page(&viewer, &listed(&prefs), s.app.mails(), &errors, None)).into_response());
    }
    s.app.set_email_preferences(&actor, &choices).await?;
    Ok(done("/account/notifications", EmailsNotice::Saved))
}
