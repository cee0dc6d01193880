//! The asset editor's form, both ways: what a browser sends becomes an
//! [`AssetInput`] for the services, and a stored asset becomes the values that
//! fill the form. Each kind's own fields are laid out here, one control each.
use signpost_domain::assets::{Asset, Status, Visibility};
use signpost_domain::fields::{AssetFields, AssetKind};
use signpost_domain::identifiers::IdentifierFinding;
use signpost_services::assets::AssetInput;

use crate::pages::form::Errors;

/// How a kind's field is entered.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Widget {
    /// One line of text.
    Line,
    /// Paragraphs of text.
    Area,
    /// A date, typed as 2026-03-31.
    Date,
    /// A list, one item per line.
    Lines,
    /// Sources, one per line: title | DOI, PMID or web address.
    Sources,
    /// Contacts, one per line: name | role | how to reach them.
    Contacts,
}

crate::page_form! {
    /// The editor's fields: the ones every kind has, then each kind's own (sent as
    /// `f-` and the name it has in the asset's `fields`).
    pub struct AssetForm / AssetNames {
        kind: String, action: String, expected_version: String, named_viewers: Vec<String>, links: Vec<String>,
        title: String, summary: String, body: String, tags: String, topics: String, team_id: String,
        visibility: String, review_interval_days: String, override_reason: String,
        context as "f-context": String, what_happened as "f-what_happened": String, recommendation as "f-recommendation": String,
        audience as "f-audience": String, source as "f-source": String, setting as "f-setting": String, outcome as "f-outcome": String,
        storyteller as "f-storyteller": String, impact as "f-impact": String, question as "f-question": String,
        date_searched as "f-date_searched": String, sources as "f-sources": String, appraisal as "f-appraisal": String,
        prerequisites as "f-prerequisites": String, steps as "f-steps": String, role as "f-role": String,
        successor as "f-successor": String, key_contacts as "f-key_contacts": String, purpose as "f-purpose": String,
    }
}

/// One of a kind's own fields.
pub struct KindField {
    /// Name in the asset's `fields`, and of the form's field that holds it.
    pub name: &'static str,
    /// Label on the form.
    pub label: &'static str,
    /// Hint under the label.
    pub hint: &'static str,
    /// Control.
    pub widget: Widget,
    /// Its text in the form.
    pub text: fn(&AssetForm) -> &String,
    /// Its text in the form, to fill.
    pub text_mut: fn(&mut AssetForm) -> &mut String,
}

/// A kind's field held in `AssetForm::$name`: the name, the accessors and the markup's
/// field name all come from the one identifier.
macro_rules! f {
    ($name:ident, $label:literal, $hint:literal, $widget:expr) => {
        KindField { name: stringify!($name), label: $label, hint: $hint, widget: $widget, text: |a| &a.$name, text_mut: |a| &mut a.$name }
    };
}

const LESSON: &[KindField] = &[
    f!(context, "Context", "The situation the lesson comes from.", Widget::Area),
    f!(what_happened, "What happened", "", Widget::Area),
    f!(recommendation, "Recommendation", "What others should do as a result.", Widget::Area),
];
const GUIDANCE: &[KindField] = &[
    f!(audience, "Who it is for", "", Widget::Line),
    f!(source, "Where it comes from", "For example, a policy, a NICE guideline or a local agreement.", Widget::Line),
];
const PRACTICE_EXAMPLE: &[KindField] = &[
    f!(setting, "Setting", "Where it was done and with whom.", Widget::Area),
    f!(outcome, "Outcome", "What changed as a result.", Widget::Area),
];
const STORY: &[KindField] =
    &[f!(storyteller, "Storyteller", "Who told it.", Widget::Line), f!(impact, "Impact", "What difference it made.", Widget::Area)];
const EVIDENCE_SUMMARY: &[KindField] = &[
    f!(question, "Question", "The question the summary answers.", Widget::Area),
    f!(date_searched, "Date searched", "For example, 31 3 2026.", Widget::Date),
    f!(sources, "Sources", "One per line: the citation, a vertical bar, then its DOI, PMID or web address.", Widget::Sources),
    f!(appraisal, "Appraisal", "How strong the evidence is, and why.", Widget::Area),
];
const HOW_TO: &[KindField] =
    &[f!(prerequisites, "Before you start", "", Widget::Area), f!(steps, "Steps", "One step per line, in order.", Widget::Lines)];
const HANDOVER_NOTE: &[KindField] = &[
    f!(role, "Role", "The role being handed over.", Widget::Line),
    f!(successor, "Successor", "Who takes it on, if known.", Widget::Line),
    f!(
        key_contacts,
        "Key contacts",
        "One per line: who | what they do | how to reach them. Commas work too, as in: Site manager on call, bleep 2222",
        Widget::Contacts
    ),
];

const READING_LIST: &[KindField] = &[
    f!(purpose, "Purpose", "Who the list is for and why, such as preceptorship for new nurses.", Widget::Area),
    f!(sources, "Sources", "One per line: the citation, a vertical bar, then its DOI, PMID or web address.", Widget::Sources),
];

/// The fields a kind carries besides the common ones, in form order.
pub fn kind_fields(kind: AssetKind) -> &'static [KindField] {
    match kind {
        AssetKind::Lesson => LESSON,
        AssetKind::Guidance => GUIDANCE,
        AssetKind::PracticeExample => PRACTICE_EXAMPLE,
        AssetKind::Story => STORY,
        AssetKind::EvidenceSummary => EVIDENCE_SUMMARY,
        AssetKind::HowTo => HOW_TO,
        AssetKind::HandoverNote => HANDOVER_NOTE,
        AssetKind::ReadingList => READING_LIST,
    }
}

/// The form control's id for a kind field (its name in the form too, see [`AssetForm`]).
pub fn field_id(name: &str) -> String {
    format!("f-{name}")
}

fn split_list(s: &str) -> Vec<String> {
    s.split(',').map(str::trim).filter(|t| !t.is_empty()).map(str::to_string).collect()
}

fn lines(s: &str) -> impl Iterator<Item = &str> {
    s.lines().map(str::trim).filter(|l| !l.is_empty())
}

fn source(line: &str) -> serde_json::Value {
    let (title, id) = line.split_once('|').map_or((line, ""), |(t, i)| (t.trim(), i.trim()));
    let mut o = serde_json::json!({ "title": title });
    if id.starts_with("10.") {
        o["doi"] = id.into();
    } else if !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()) {
        o["pmid"] = id.into();
    } else if !id.is_empty() {
        o["url"] = id.into();
    }
    o
}

/// A source as the form shows it: "title | DOI, PMID or web address".
fn source_line(s: &serde_json::Value) -> String {
    let id = ["doi", "pmid", "url"].iter().map(|k| text_of(s, k)).find(|x| !x.is_empty()).unwrap_or_default();
    format!("{} | {id}", text_of(s, "title"))
}

/// The form holds a source as one line, so a source whose line is unchanged keeps the
/// details it was imported with (authors, journal, abstract and the rest).
pub fn keep_source_details(fields: &mut serde_json::Value, current: &AssetFields) {
    let Some(sources) = current.sources() else { return };
    let Some(edited) = fields.get_mut("sources").and_then(|v| v.as_array_mut()) else { return };
    let known: Vec<(String, serde_json::Value)> = sources
        .iter()
        .map(|s| serde_json::to_value(s).unwrap_or_default())
        .map(|v| (source_line(&v).split_whitespace().collect::<Vec<_>>().join(" "), v))
        .collect();
    for item in edited.iter_mut() {
        let line = source_line(item).split_whitespace().collect::<Vec<_>>().join(" ");
        if let Some((_, full)) = known.iter().find(|(l, _)| *l == line) {
            *item = full.clone();
        }
    }
}

fn contact(line: &str) -> serde_json::Value {
    serde_json::to_value(signpost_domain::fields::KeyContact::from_line(line)).unwrap_or_default()
}

/// What the form says, as input for the services, with the problems only the form can see.
pub fn to_input(form: &AssetForm, kind: AssetKind) -> (AssetInput, Errors) {
    let mut errors = Errors::new();
    let mut fields = serde_json::Map::new();
    for kf in kind_fields(kind) {
        let raw = (kf.text)(form).as_str();
        let value = match kf.widget {
            Widget::Line | Widget::Area => raw.trim().into(),
            // A date a person typed (31/3/2026) is stored the one way; anything else goes on to be refused.
            Widget::Date => signpost_services::validate::read_date(raw).map_or_else(|| raw.trim().to_string(), |d| d.to_string()).into(),
            Widget::Lines => lines(raw).map(serde_json::Value::from).collect(),
            Widget::Sources => lines(raw).map(source).collect(),
            Widget::Contacts => lines(raw).map(contact).collect(),
        };
        fields.insert(kf.name.to_string(), value);
    }
    let review = form.review_interval_days.trim();
    let review_interval_days = if review.is_empty() {
        None
    } else if let Ok(days) = review.parse::<i32>() {
        Some(days)
    } else {
        errors.push((AssetForm::NAMES.review_interval_days.into(), "Enter the number of days between reviews, like 365".into()));
        None
    };
    let status = match form.action.as_str() {
        "publish" => Some(Status::Published),
        "draft" => Some(Status::Draft),
        _ => None,
    };
    let input = AssetInput {
        summary: form.summary.clone(),
        body: form.body.clone(),
        fields: serde_json::Value::Object(fields),
        tags: split_list(&form.tags),
        topics: split_list(&form.topics),
        team_id: form.team_id.parse().ok(),
        visibility: Visibility::parse(&form.visibility).ok(),
        named_viewers: form.named_viewers.iter().filter_map(|v| v.parse().ok()).collect(),
        review_interval_days,
        links: form.links.iter().filter_map(|v| v.parse().ok()).collect(),
        status,
        override_reason: Some(form.override_reason.clone()).filter(|r| !r.trim().is_empty()),
        expected_version: form.expected_version.parse().ok(),
        ..AssetInput::new(kind, form.title.clone())
    };
    (input, errors)
}

fn text_of(v: &serde_json::Value, key: &str) -> String {
    v.get(key).and_then(serde_json::Value::as_str).unwrap_or_default().to_string()
}

/// A stored asset as the values that fill the editor.
pub fn values_of(asset: &Asset) -> AssetForm {
    let fields = serde_json::to_value(&asset.fields).unwrap_or_default();
    let mut v = AssetForm {
        kind: asset.kind.as_str().into(),
        title: asset.title.clone(),
        summary: asset.summary.clone(),
        body: asset.body.clone(),
        tags: asset.tags.join(", "),
        topics: asset.topics.join(", "),
        team_id: asset.team_id.to_string(),
        visibility: asset.visibility.as_str().into(),
        review_interval_days: asset.review_interval_days.to_string(),
        expected_version: asset.version.to_string(),
        named_viewers: asset.named_viewers.iter().map(|u| u.to_string()).collect(),
        links: asset.links.iter().map(|l| l.to_string()).collect(),
        ..AssetForm::default()
    };
    for kf in kind_fields(asset.kind) {
        let value = &fields[kf.name];
        let items = value.as_array().cloned().unwrap_or_default();
        let text = match kf.widget {
            Widget::Line | Widget::Area => text_of(&fields, kf.name),
            Widget::Date => value.as_str().filter(|d| *d != "1970-01-01").unwrap_or_default().to_string(),
            Widget::Lines => items.iter().filter_map(|i| i.as_str()).collect::<Vec<_>>().join("\n"),
            Widget::Sources => items.iter().map(source_line).collect::<Vec<_>>().join("\n"),
            Widget::Contacts => items
                .iter()
                .map(|c| format!("{} | {} | {}", text_of(c, "name"), text_of(c, "role"), text_of(c, "contact")))
                .collect::<Vec<_>>()
                .join("\n"),
        };
        *(kf.text_mut)(&mut v) = text;
    }
    v
}

/// The form control a service error's field path belongs to: `fields.sources[0].doi`
/// is the sources box, `tags[2]` the tags box. Paths with no control go to the form itself.
pub fn control_for(path: &str) -> String {
    let (base, rest) = match path.strip_prefix("fields.") {
        Some(rest) => ("f-", rest),
        None => ("", path),
    };
    let name = rest.split(['[', '.']).next().unwrap_or(rest);
    const COMMON: [&str; 8] = ["title", "summary", "body", "tags", "topics", "team_id", "visibility", "review_interval_days"];
    if base.is_empty() && !COMMON.contains(&name) { "asset-form".to_string() } else { format!("{base}{name}") }
}

/// A probable NHS number as a message shown next to the text that holds it.
pub fn finding_message(f: &IdentifierFinding) -> String {
    format!("Line {}, character {}: {} looks like an NHS number ({}). Remove it before publishing", f.line, f.column, f.masked, f.reason)
}

#[cfg(test)]
mod tests {
    use super::*;
    use signpost_domain::fields::Source;

    #[test]
    fn an_unchanged_source_line_keeps_its_imported_details_and_a_changed_one_does_not() {
        let imported = Source {
            title: "Falls after discharge".into(),
            authors: vec!["Smith, Jane".into()],
            doi: Some("10.5555/a".into()),
            abstract_text: Some("Background.".into()),
            ..Source::default()
        };
        let current = AssetFields::parse(
            AssetKind::EvidenceSummary,
            &serde_json::json!({"question": "q", "sources": [imported.clone()], "appraisal": "a"}),
        )
        .0;
        let mut fields = serde_json::json!({"sources": [source("Falls after discharge | 10.5555/a"), source("Falls after discharge, revised | 10.5555/a")]});
        keep_source_details(&mut fields, &current);
        assert_eq!(fields["sources"][0], serde_json::to_value(&imported).unwrap());
        assert_eq!(fields["sources"][1], serde_json::json!({"title": "Falls after discharge, revised", "doi": "10.5555/a"}));
    }
}
