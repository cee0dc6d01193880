//! The page shell every page shares, on the NHS.UK design system: skip link,
//! header with the service name, account links and search, main content, footer.
//! No inline script or style, so the Content-Security-Policy needs no 'unsafe-inline'.
use maud::{DOCTYPE, Markup, html};
use signpost_domain::people::User;

/// Who the page is for: the signed-in person and the CSRF token their forms carry.
pub struct Viewer {
    /// The person.
    pub user: User,
    /// Goes in a hidden field of every form.
    pub csrf_token: String,
}

/// A hidden field carrying the CSRF token.
pub fn csrf_field(token: &str) -> Markup {
    html! { input type="hidden" name="csrf_token" value=(token); }
}

/// A whole page. `title` goes first in the browser tab, then the service name.
pub fn page(title: &str, viewer: Option<&Viewer>, query: &str, content: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en-GB" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " – Signpost" }
                link rel="icon" href="/static/images/favicon.ico" sizes="48x48";
                link rel="icon" href="/static/images/favicon.svg" sizes="any" type="image/svg+xml";
                link rel="stylesheet" href="/static/nhsuk-frontend.min.css";
                link rel="stylesheet" href="/static/signpost.css";
                // htmx must not add its own style element or evaluate strings: the CSP forbids both.
                meta name="htmx-config" content=r#"{"includeIndicatorStyles":false,"allowEval":false,"allowScriptTags":false}"#;
                script src="/static/htmx.min.js" defer {}
                script type="module" src="/static/signpost.mjs" {}
            }
            body {
                a class="nhsuk-skip-link" data-module="nhsuk-skip-link" href="#maincontent" { "Skip to main content" }
                header class="nhsuk-header" role="banner" data-module="nhsuk-header" {
                    div class="nhsuk-header__container nhsuk-width-container" {
                        div class="nhsuk-header__service" {
                            a class="nhsuk-header__service-name" href="/" { "Signpost" }
                        }
                        @if viewer.is_some() {
                            search class="nhsuk-header__search" {
                                form class="nhsuk-header__search-form" id="search" action="/search" method="get" novalidate {
                                    div class="nhsuk-form-group" {
                                        label class="nhsuk-label nhsuk-u-visually-hidden" for="search-field" { "Search Signpost" }
                                        div class="nhsuk-input-wrapper" {
                                            input class="nhsuk-input" id="search-field" name="q" type="search" autocomplete="off" placeholder="Search" value=(query)
                                                hx-get="/search/suggest" hx-trigger="input changed delay:250ms, search" hx-target="#header-suggestions" hx-sync="this:replace";
                                            button class="nhsuk-button nhsuk-button--small" data-module="nhsuk-button" type="submit" aria-label="Search" {
                                                svg class="nhsuk-icon nhsuk-icon--search" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" width="16" height="16" focusable="false" aria-hidden="true" {
                                                    path d="m20.7 18.9-4.1-4.1a7 7 0 1 0-1.4 1.4l4 4.1a1 1 0 0 0 1.5 0c.4-.4.4-1 0-1.4ZM6 10.6a5 5 0 1 1 10 0 5 5 0 0 1-10 0Z" {}
                                                }
                                            }
                                        }
                                    }
                                    div class="signpost-suggestions" id="header-suggestions" aria-live="polite" {}
                                }
                            }
                        }
                        @if let Some(v) = viewer {
                            nav class="nhsuk-header__account" aria-label="Account" {
                                ul class="nhsuk-header__account-list" {
                                    li class="nhsuk-header__account-item" { a class="nhsuk-header__account-link" href={ "/people/" (v.user.id) } { (v.user.name) } }
                                    @if v.user.role != signpost_domain::people::Role::Guest {
                                        li class="nhsuk-header__account-item" { a class="nhsuk-header__account-link" href="/notifications" { "Notifications" } }
                                    }
                                    li class="nhsuk-header__account-item" { a class="nhsuk-header__account-link" href="/account" { "Account" } }
                                    li class="nhsuk-header__account-item" {
                                        form class="nhsuk-header__account-form" action="/sign-out" method="post" novalidate {
                                            (csrf_field(&v.csrf_token))
                                            button class="nhsuk-header__account-button" type="submit" { "Sign out" }
                                        }
                                    }
                                }
                            }
                        }
                    }
                    @if let Some(v) = viewer { (navigation(v)) }
                }
                div class="nhsuk-width-container" {
                    main class="nhsuk-main-wrapper" id="maincontent" {
                        (content)
                    }
                }
                footer role="contentinfo" {
                    div class="nhsuk-footer" {
                        div class="nhsuk-width-container" {
                            h2 class="nhsuk-u-visually-hidden" { "Support links" }
                            div class="nhsuk-footer__list" {
                                ul class="nhsuk-footer__list" {
                                    li class="nhsuk-footer__list-item" { a class="nhsuk-footer__list-item-link" href="/accessibility" { "Accessibility statement" } }
                                    li class="nhsuk-footer__list-item" { a class="nhsuk-footer__list-item-link" href="/api/openapi.json" { "API" } }
                                }
                            }
                            p class="nhsuk-body-s" { "Signpost: knowledge mobilisation for health organisations" }
                        }
                    }
                }
            }
        }
    }
}

/// The header's menu: where a signed-in person can go. The header script folds items
/// that do not fit into "More"; without JavaScript they wrap.
fn navigation(v: &Viewer) -> Markup {
    use signpost_domain::people::Role;
    let mut items = vec![("/", "Home")];
    if v.user.role != Role::Guest {
        items.extend([("/assets/new", "Share knowledge"), ("/projects", "Projects"), ("/actions", "Actions"), ("/reviews", "Reviews")]);
        items.extend([
            ("/communities", "Communities"),
            ("/experts", "Experts"),
            ("/evidence", "Evidence searches"),
            ("/coffee", "Coffee"),
            ("/mentoring", "Mentoring"),
            ("/leavers", "Leavers"),
            ("/risks", "At risk"),
            ("/maturity", "Maturity"),
        ]);
    }
    items.extend([("/techniques", "Techniques"), ("/people", "People"), ("/teams", "Teams"), ("/thesaurus", "Subjects")]);
    if matches!(v.user.role, Role::Admin | Role::KnowledgeSpecialist) {
        items.push(("/reports", "Reports"));
    }
    if v.user.role == Role::Admin {
        items.push(("/admin", "Admin"));
    }
    html! {
        nav class="nhsuk-header__navigation" aria-label="Menu" {
            div class="nhsuk-header__navigation-container nhsuk-width-container" {
                ul class="nhsuk-header__navigation-list" {
                    @for (href, text) in items {
                        li class="nhsuk-header__navigation-item" { a class="nhsuk-header__navigation-link" href=(href) { (text) } }
                    }
                    li class="nhsuk-header__menu" hidden {
                        button class="nhsuk-header__menu-toggle nhsuk-header__navigation-link" id="toggle-menu" type="button" aria-expanded="false" {
                            span class="nhsuk-u-visually-hidden" { "Browse " } "More"
                        }
                    }
                }
            }
        }
    }
}

/// An error summary at the top of a form, linking to each field in error.
pub fn error_summary(errors: &[(String, String)]) -> Markup {
    html! {
        @if !errors.is_empty() {
            div class="nhsuk-error-summary" data-module="nhsuk-error-summary" tabindex="-1" {
                h2 class="nhsuk-error-summary__title" { "There is a problem" }
                div class="nhsuk-error-summary__body" {
                    ul class="nhsuk-list nhsuk-error-summary__list" {
                        @for (field, message) in errors {
                            li { a href={ "#" (field) } { (message) } }
                        }
                    }
                }
            }
        }
    }
}

/// Previous and next links between pages of a list; nothing when it fits on one page.
pub fn pagination(page: i64, pages: i64, link: impl Fn(i64) -> String) -> Markup {
    html! {
        @if pages > 1 {
            nav class="nhsuk-pagination" role="navigation" aria-label="Pagination" {
                ul class="nhsuk-list nhsuk-pagination__list" {
                    @if page > 1 {
                        li class="nhsuk-pagination-item--previous" {
                            a class="nhsuk-pagination__link nhsuk-pagination__link--prev" href=(link(page - 1)) {
                                span class="nhsuk-pagination__title" { "Previous" }
                                span class="nhsuk-u-visually-hidden" { ":" }
                                span class="nhsuk-pagination__page" { "Page " (page - 1) " of " (pages) }
                            }
                        }
                    }
                    @if page < pages {
                        li class="nhsuk-pagination-item--next" {
                            a class="nhsuk-pagination__link nhsuk-pagination__link--next" href=(link(page + 1)) {
                                span class="nhsuk-pagination__title" { "Next" }
                                span class="nhsuk-u-visually-hidden" { ":" }
                                span class="nhsuk-pagination__page" { "Page " (page + 1) " of " (pages) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Content in the two-thirds column NHS pages use for a single form or message.
pub fn two_thirds(content: Markup) -> Markup {
    html! { div class="nhsuk-grid-row" { div class="nhsuk-grid-column-two-thirds" { (content) } } }
}

/// A success banner after an action.
pub fn success_banner(message: &str) -> Markup {
    success_banner_with(message, html! {})
}

/// A success banner with more below its heading.
pub fn success_banner_with(message: &str, more: Markup) -> Markup {
    html! {
        div class="nhsuk-notification-banner nhsuk-notification-banner--success" role="alert" aria-labelledby="done-title" data-module="nhsuk-notification-banner" {
            div class="nhsuk-notification-banner__header" { h2 class="nhsuk-notification-banner__title" id="done-title" { "Success" } }
            div class="nhsuk-notification-banner__content" { p class="nhsuk-notification-banner__heading" { (message) } (more) }
        }
    }
}

/// A date the one way every page shows it: "14 December 2026".
pub fn long_date(d: chrono::NaiveDate) -> String {
    d.format("%-d %B %Y").to_string()
}

/// A count with its noun: "1 person", "3 people", "0 questions".
pub fn counted<N: std::fmt::Display + PartialEq + From<u8>>(n: N, one: &str, many: &str) -> String {
    let noun = if n == N::from(1) { one } else { many };
    format!("{n} {noun}")
}

/// A stable name (`practice_example`, `due_soon`) as words for people ("Practice example").
pub fn label(name: &str) -> String {
    capitalised(&name.replace('_', " "))
}

/// A service's message as a sentence on a page: "enter a title" becomes "Enter a title".
pub fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str()).unwrap_or_default()
}

/// A table's head: one row of column headings.
pub fn table_head(columns: &[&str]) -> Markup {
    html! {
        thead class="nhsuk-table__head" {
            tr class="nhsuk-table__row" { @for c in columns { th class="nhsuk-table__header" scope="col" { (c) } } }
        }
    }
}
