//! The choosing tool: a few questions about the situation, then the techniques
//! ranked with the reasons for and against each. A GET form, so results can be bookmarked.
use axum::http::StatusCode;
use serde::Deserialize;
use signpost_domain::techniques::{KnowledgeForm, Purpose, Stage};
use signpost_services::learning::chooser::ChooserAnswers;

use crate::pages::prelude::*;

/// This area's pages and forms.
pub fn routes() -> Pages {
    Pages::new().page("/techniques/choose", show)
}

/// The questions' answers as sent.
#[derive(Debug, Deserialize, Default)]
pub struct Asked {
    #[serde(default)]
    stage: String,
    #[serde(default)]
    purpose: String,
    #[serde(default)]
    people: String,
    #[serde(default)]
    minutes: String,
    #[serde(default)]
    knowledge: String,
    #[serde(default)]
    facilitator: String,
}

fn number(field: &str, text: &str, errors: &mut Errors) -> Option<u32> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    match text.parse::<u32>() {
        Ok(n) if n > 0 => Some(n),
        _ => {
            errors.push((field.to_string(), "Enter a whole number, such as 8".to_string()));
            None
        }
    }
}

fn options(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    std::iter::once((String::new(), "Not sure".to_string())).chain(pairs.iter().map(|(v, t)| (v.to_string(), t.to_string()))).collect()
}

/// `GET /techniques/choose`.
pub async fn show(SignedIn(s, actor, viewer): SignedIn, PageQuery(q): PageQuery<Asked>) -> PageResult {
    let mut errors: Errors = Vec::new();
    let answers = ChooserAnswers {
        stage: match q.stage.as_str() {
            "before" => Some(Stage::Before),
            "during" => Some(Stage::During),
            "after" => Some(Stage::After),
            _ => None,
        },
        purpose: Purpose::ALL.into_iter().find(|p| p.as_str() == q.purpose),
        people: number("people", &q.people, &mut errors),
        minutes: number("minutes", &q.minutes, &mut errors),
        knowledge: match q.knowledge.as_str() {
            "tacit" => Some(KnowledgeForm::Tacit),
            "explicit" => Some(KnowledgeForm::Explicit),
            _ => None,
        },
        facilitator: match q.facilitator.as_str() {
            "yes" => Some(true),
            "no" => Some(false),
            _ => None,
        },
    };
    let asked = answers.stage.is_some()
        || answers.purpose.is_some()
        || answers.people.is_some()
        || answers.minutes.is_some()
        || answers.knowledge.is_some()
        || answers.facilitator.is_some();
    let choices = if asked && errors.is_empty() { s.app.choose_techniques(&actor, &answers).await? } else { Vec::new() };
    let purposes: Vec<(&str, &str)> = Purpose::ALL.iter().map(|p| (p.as_str(), p.label())).collect();
    let body = html! {
        (error_summary(&errors))
        h1 { "Choose a technique" }
        p class="nhsuk-lede-text" { "Answer what you can; every question is optional." }
        form method="get" action="/techniques/choose" novalidate {
            (Field::new("stage", "When is this, in the work?").select(&options(&[("before", "Before it starts"), ("during", "While it is under way"), ("after", "After it has finished")]), &q.stage))
            (Field::new("purpose", "What do you want to do?").select(&options(&purposes), &q.purpose))
            (Field::new("people", "How many people will take part?").errors(&errors).input("text", &q.people))
            (Field::new("minutes", "How many minutes do you have?").errors(&errors).input("text", &q.minutes))
            (Field::new("knowledge", "Is the knowledge mostly in people's heads, or written down?").select(&options(&[("tacit", "In people's heads (tacit)"), ("explicit", "Written down (explicit)")]), &q.knowledge))
            (Field::new("facilitator", "Is a facilitator from outside the team available?").select(&options(&[("yes", "Yes"), ("no", "No")]), &q.facilitator))
            button class="nhsuk-button" type="submit" { "Show techniques" }
        }
        @if !choices.is_empty() {
            h2 { "Techniques for your situation" }
            ol class="nhsuk-list nhsuk-list--number" id="choices" {
                @for c in choices.iter().take(5) {
                    li {
                        a href={ "/techniques/" (c.technique.key) } { (c.technique.name) }
                        @if let Some((href, text)) = super::techniques::run_in_signpost(&c.technique.key) {
                            " — " a href=(href) { (text) }
                        }
                        @if !c.reasons.is_empty() { ul class="nhsuk-list nhsuk-list--tick" { @for r in &c.reasons { li { (r) } } } }
                        @if !c.cautions.is_empty() { ul class="nhsuk-list nhsuk-list--cross" { @for w in &c.cautions { li { (w) } } } }
                    }
                }
            }
        }
    };
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    Ok((status, page("Choose a technique", Some(&viewer), "", body)).into_response())
}
