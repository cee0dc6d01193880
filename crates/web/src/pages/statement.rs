//! The accessibility statement, as UK public sector bodies must publish one.

use super::prelude::*;

/// This area's pages and forms.
pub fn routes() -> Pages {
    Pages::new().page("/accessibility", show)
}

/// `GET /accessibility`.
pub async fn show(MaybeSignedIn(who): MaybeSignedIn) -> maud::Markup {
    page(
        "Accessibility statement",
        who.as_ref().map(|(_, v)| v),
        "",
        html! {
            h1 { "Accessibility statement for Signpost" }
            p { "Signpost is run by your organisation's knowledge and library service. We want as many people as possible to be able to use it. You should be able to:" }
            ul {
                li { "change colours, contrast levels and fonts using your browser or device settings" }
                li { "zoom in up to 400% without the text spilling off the screen" }
                li { "navigate the whole service using just a keyboard" }
                li { "use every page and form with JavaScript turned off" }
                li { "listen to the service using a screen reader" }
            }
            h2 { "How accessible this service is" }
            p { "Signpost is built on the NHS.UK design system and aims to meet the Web Content Accessibility Guidelines (WCAG) version 2.2 at level AA. Its pages are checked automatically with axe-core in a real browser, with JavaScript on and off." }
            p { "Automated checks find only some problems. If you find something that is hard to use, tell us so we can fix it." }
            h2 { "Reporting problems and asking for another format" }
            p { "Contact your knowledge and library service. Say which page you were on and what went wrong." }
            h2 { "Enforcement procedure" }
            p { "The Equality and Human Rights Commission (EHRC) is responsible for enforcing the Public Sector Bodies (Websites and Mobile Applications) (No. 2) Accessibility Regulations 2018. If you are not happy with how we respond to your complaint, contact the Equality Advisory and Support Service (EASS)." }
        },
    )
}
