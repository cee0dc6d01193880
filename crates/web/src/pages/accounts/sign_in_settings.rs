//! How people sign in (administrators): the identity providers configured on the
//! server, and whether Signpost passwords still work beside them.
use axum::http::StatusCode;
use signpost_domain::sign_on::SignInSettings;

use crate::pages::form::yes_no;
use crate::pages::layout::two_thirds;
use crate::pages::prelude::*;

crate::page_form! {
    /// Whether passwords work: `yes` or `no`.
    pub struct SignInSettingsForm / SignInSettingsNames { local_passwords: String }
}

/// This area's pages and forms.
pub fn routes() -> Pages {
    Pages::new().page("/admin/sign-in", show).form("/admin/sign-in", save)
}

crate::notices! {
    /// What the page says after a change.
    pub enum SignInNotice {
        Saved => "How people sign in has been changed.",
    }
}

fn settings_page(s: &AppState, viewer: &Viewer, settings: SignInSettings, errors: &Errors, done: Option<&str>) -> Markup {
    let providers = s.app.sign_on_providers();
    page(
        if errors.is_empty() { "How people sign in" } else { "Error: How people sign in" },
        Some(viewer),
        "",
        two_thirds(html! {
            @if let Some(d) = done { (success_banner(d)) }
            (error_summary(errors))
            h1 { "How people sign in" }
            h2 class="nhsuk-heading-m" { "Single sign-on" }
            @if providers.is_empty() {
                p { "No identity provider is set up, so people sign in with a Signpost password. The server's operator adds providers, such as Microsoft Entra ID or NHS CIS2, in its configuration file." }
            } @else {
                p { "People can sign in with:" }
                ul class="nhsuk-list nhsuk-list--bullet" {
                    @for p in &providers { li { (p.label) } }
                }
            }
            h2 class="nhsuk-heading-m" { "Passwords" }
            form method="post" action="/admin/sign-in" novalidate {
                (csrf_field(&viewer.csrf_token))
                (yes_no(SignInSettingsForm::NAMES.local_passwords, "Can people also sign in with a Signpost password?",
                    if settings.local_passwords { "yes" } else { "no" }, errors))
                p class="nhsuk-body-s" { "With passwords off, nobody can sign in, reset or set a password: only single sign-on works. The operator can turn them back on with " code { "signpost passwords on" } "." }
                button class="nhsuk-button" data-module="nhsuk-button" type="submit" { "Save" }
            }
        }),
    )
}

/// `GET /admin/sign-in`.
pub async fn show(SignedIn(s, actor, viewer): SignedIn, notice: Done<SignInNotice>) -> PageResult {
    let settings = s.app.sign_in_settings_for(&actor).await?;
    Ok(settings_page(&s, &viewer, settings, &vec![], notice.message()).into_response())
}

/// `POST /admin/sign-in`.
pub async fn save(CsrfForm(s, actor, viewer, form): CsrfForm<SignInSettingsForm>) -> PageResult {
    let field = SignInSettingsForm::NAMES.local_passwords;
    let wanted = match form.local_passwords.as_str() {
        "yes" => true,
        "no" => false,
        _ => {
            let current = s.app.sign_in_settings_for(&actor).await?;
            let errors = vec![(field.to_string(), "Choose whether people can sign in with a password".to_string())];
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, settings_page(&s, &viewer, current, &errors, None)).into_response());
        }
    };
    match s.app.set_sign_in_settings(&actor, SignInSettings { local_passwords: wanted }).await {
        Ok(_) => Ok(done("/admin/sign-in", SignInNotice::Saved)),
        Err(e) => {
            let errors = refused_as(e, |_| field.to_string())?;
            let current = s.app.sign_in_settings().await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, settings_page(&s, &viewer, current, &errors, None)).into_response())
        }
    }
}
