//! The fields each kind of knowledge asset carries besides the common ones.
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::FieldError;

/// The kinds of knowledge asset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AssetKind {
    /// A lesson learned: context, what happened, recommendation.
    Lesson,
    /// Guidance: how things should be done.
    Guidance,
    /// A practice example: something done well elsewhere.
    PracticeExample,
    /// A story: experience told for others to learn from.
    Story,
    /// An evidence summary: a question answered from searched sources.
    EvidenceSummary,
    /// A how-to: steps to get something done.
    HowTo,
    /// A handover note: what a successor needs to know about a role.
    HandoverNote,
    /// A reading list: sources gathered for a purpose, such as a course or new starters.
    ReadingList,
}

impl AssetKind {
    /// Every kind, in display order.
    pub const ALL: [AssetKind; 8] = [
        AssetKind::Lesson,
        AssetKind::Guidance,
        AssetKind::PracticeExample,
        AssetKind::Story,
        AssetKind::EvidenceSummary,
        AssetKind::HowTo,
        AssetKind::HandoverNote,
        AssetKind::ReadingList,
    ];

    /// The stable name.
    pub fn as_str(self) -> &'static str {
        match self {
            AssetKind::Lesson => "lesson",
            AssetKind::Guidance => "guidance",
            AssetKind::PracticeExample => "practice_example",
            AssetKind::Story => "story",
            AssetKind::EvidenceSummary => "evidence_summary",
            AssetKind::HowTo => "how_to",
            AssetKind::HandoverNote => "handover_note",
            AssetKind::ReadingList => "reading_list",
        }
    }

    /// Parses a stable name.
    pub fn parse(s: &str) -> Result<Self, FieldError> {
        AssetKind::ALL.into_iter().find(|k| k.as_str() == s).ok_or_else(|| {
            FieldError::new(
                "kind",
                format!(
                    "unknown asset kind {s:?}: use lesson, guidance, practice_example, story, evidence_summary, how_to, handover_note or reading_list"
                ),
            )
        })
    }
}

/// A source cited by an evidence summary or imported from a reference manager: at
/// least one of DOI, PMID or URL, or else a journal and year to find it by.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// Citation or title.
    pub title: String,
    /// Authors as "Family, Given", in the order the work lists them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub authors: Vec<String>,
    /// The journal (or book, or site) it appeared in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub journal: Option<String>,
    /// Year of publication.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year: Option<i32>,
    /// Volume.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub volume: Option<String>,
    /// Issue.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issue: Option<String>,
    /// Pages, such as `812-819`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pages: Option<String>,
    /// Digital object identifier, e.g. `10.1136/bmj.n71`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doi: Option<String>,
    /// PubMed identifier (digits).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pmid: Option<String>,
    /// Web address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The abstract, as the database gave it.
    #[serde(default, rename = "abstract", skip_serializing_if = "Option::is_none")]
    pub abstract_text: Option<String>,
    /// What the knowledge specialist made of it when selecting it for the summary.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub appraisal: Option<String>,
}

impl Source {
    /// The citation in the Vancouver style NHS libraries use: "Smith J, Okafor C. Title.
    /// Journal. 2021;50(3):812-819."
    pub fn citation(&self) -> String {
        let mut out = String::new();
        if !self.authors.is_empty() {
            let names: Vec<String> = self.authors.iter().take(6).map(|a| vancouver_name(a)).collect();
            out.push_str(&names.join(", "));
            if self.authors.len() > 6 {
                out.push_str(", et al");
            }
            out.push_str(". ");
        }
        out.push_str(self.title.trim_end_matches('.'));
        out.push('.');
        if let Some(journal) = &self.journal {
            out.push_str(&format!(" {}.", journal.trim_end_matches('.')));
        }
        if let Some(year) = self.year {
            out.push_str(&format!(" {year}"));
            if let Some(volume) = &self.volume {
                out.push_str(&format!(";{volume}"));
            }
            if let Some(issue) = &self.issue {
                out.push_str(&format!("({issue})"));
            }
            if let Some(pages) = &self.pages {
                out.push_str(&format!(":{pages}"));
            }
            out.push('.');
        }
        out
    }
}

/// "Smith, Jane A." as Vancouver writes it: "Smith JA".
fn vancouver_name(author: &str) -> String {
    match author.split_once(',') {
        Some((family, given)) => {
            let initials: String =
                given.split([' ', '-', '.']).filter_map(|part| part.chars().next()).filter(|c| c.is_alphabetic()).collect();
            if initials.is_empty() { family.trim().to_string() } else { format!("{} {initials}", family.trim()) }
        }
        None => author.trim().to_string(),
    }
}

/// The most sources one evidence summary may cite.
pub const MAX_SOURCES: usize = 5000;

/// Someone a successor should know.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct KeyContact {
    /// Name.
    pub name: String,
    /// What they do and why they matter.
    #[serde(default)]
    pub role: String,
    /// How to reach them.
    #[serde(default)]
    pub contact: String,
}

/// Words that start a way of reaching someone ("bleep 2222", "ext 4455").
const REACH_WORDS: [&str; 12] = ["bleep", "ext", "ext.", "extension", "tel", "tel.", "phone", "mobile", "pager", "email", "teams", "via"];

/// Whether a piece of a contact line says how to reach someone rather than who they are:
/// an email address, a number of four or more digits, or a leading word such as "bleep".
fn is_reach(part: &str) -> bool {
    let longest_digits =
        part.split(|c: char| !c.is_ascii_digit() && c != ' ').map(|run| run.chars().filter(char::is_ascii_digit).count()).max();
    let first = part.split_whitespace().next().unwrap_or("").to_lowercase();
    part.contains('@') || longest_digits.unwrap_or(0) >= 4 || REACH_WORDS.contains(&first.as_str())
}

impl KeyContact {
    /// Reads one line a person typed about a contact. With bars it is positional,
    /// "name | what they do | how to reach them"; otherwise the parts between commas or
    /// semicolons are read by what they look like, so "Site manager on call, bleep 2222"
    /// is a name and how to reach them, with no role.
    pub fn from_line(line: &str) -> KeyContact {
        if line.contains('|') {
            let mut parts = line.splitn(3, '|').map(|p| p.trim().to_string());
            return KeyContact {
                name: parts.next().unwrap_or_default(),
                role: parts.next().unwrap_or_default(),
                contact: parts.next().unwrap_or_default(),
            };
        }
        let parts: Vec<&str> = line.split([',', ';']).map(str::trim).filter(|p| !p.is_empty()).collect();
        // The first part always names someone, even a number-like name such as "Ward 5".
        let (mut about, mut reach) = (Vec::new(), Vec::new());
        for (i, part) in parts.into_iter().enumerate() {
            if i > 0 && is_reach(part) { reach.push(part) } else { about.push(part) }
        }
        KeyContact {
            name: about.first().map(|s| s.to_string()).unwrap_or_default(),
            role: about.get(1..).map(|rest| rest.join(", ")).unwrap_or_default(),
            contact: reach.join(", "),
        }
    }
}

/// The kind-specific part of an asset. Serialised without a tag: the asset's
/// `kind` says which variant it is, and [`AssetFields::parse`] reads it that way.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[serde(untagged)]
pub enum AssetFields {
    /// Fields of a lesson.
    Lesson {
        /// The situation the lesson comes from.
        context: String,
        /// What happened.
        what_happened: String,
        /// What others should do as a result.
        recommendation: String,
    },
    /// Fields of guidance.
    Guidance {
        /// Who the guidance is for.
        audience: String,
        /// Where it comes from (policy, NICE guideline, local agreement).
        source: String,
    },
    /// Fields of a practice example.
    PracticeExample {
        /// Where and with whom it was done.
        setting: String,
        /// What changed as a result.
        outcome: String,
    },
    /// Fields of a story.
    Story {
        /// Who told it.
        storyteller: String,
        /// What difference it made.
        impact: String,
    },
    /// Fields of an evidence summary.
    EvidenceSummary {
        /// The question the summary answers.
        question: String,
        /// The date the literature was searched.
        date_searched: NaiveDate,
        /// The sources found.
        sources: Vec<Source>,
        /// How strong and applicable the evidence is.
        appraisal: String,
    },
    /// Fields of a how-to.
    HowTo {
        /// What is needed before starting.
        prerequisites: String,
        /// The steps, in order.
        steps: Vec<String>,
    },
    /// Fields of a handover note.
    HandoverNote {
        /// The role being handed over.
        role: String,
        /// Who takes over.
        successor: String,
        /// People the successor should know.
        key_contacts: Vec<KeyContact>,
    },
    /// Fields of a reading list.
    ReadingList {
        /// Who it is for and why.
        purpose: String,
        /// What to read, in order.
        sources: Vec<Source>,
    },
}

/// Checks each source has something to find it by, and that its identifiers are well formed.
fn check_sources(sources: &[Source], errors: &mut Vec<FieldError>) {
    if sources.len() > MAX_SOURCES {
        errors.push(FieldError::new("fields.sources", format!("must hold {MAX_SOURCES} sources or fewer")));
    }
    for (i, s) in sources.iter().enumerate() {
        if s.doi.is_none() && s.pmid.is_none() && s.url.is_none() && (s.journal.is_none() || s.year.is_none()) {
            errors.push(FieldError::new(format!("fields.sources[{i}]"), "needs a DOI, a PMID, a URL, or a journal and year"));
        }
        if let Some(year) = s.year
            && !(1000..=9999).contains(&year)
        {
            errors.push(FieldError::new(format!("fields.sources[{i}].year"), "must be a year such as 2021"));
        }
        if let Some(doi) = &s.doi
            && !(doi.starts_with("10.") && doi.contains('/'))
        {
            errors.push(FieldError::new(format!("fields.sources[{i}].doi"), "must look like 10.1234/abc"));
        }
        if let Some(pmid) = &s.pmid
            && (pmid.is_empty() || pmid.len() > 9 || !pmid.bytes().all(|b| b.is_ascii_digit()))
        {
            errors.push(FieldError::new(format!("fields.sources[{i}].pmid"), "must be 1 to 9 digits"));
        }
        if let Some(url) = &s.url
            && !(url.starts_with("https://") || url.starts_with("http://"))
        {
            errors.push(FieldError::new(format!("fields.sources[{i}].url"), "must start with https:// or http://"));
        }
    }
}

const MAX_FIELD: usize = 20_000;

fn text(obj: &serde_json::Map<String, serde_json::Value>, name: &str, required: bool, errors: &mut Vec<FieldError>) -> String {
    match obj.get(name) {
        None | Some(serde_json::Value::Null) => {
            if required {
                errors.push(FieldError::new(format!("fields.{name}"), "is required"));
            }
            String::new()
        }
        Some(serde_json::Value::String(s)) => {
            if required && s.trim().is_empty() {
                errors.push(FieldError::new(format!("fields.{name}"), "must not be empty"));
            }
            if s.len() > MAX_FIELD {
                errors.push(FieldError::new(format!("fields.{name}"), format!("must be {MAX_FIELD} characters or fewer")));
            }
            s.clone()
        }
        Some(_) => {
            errors.push(FieldError::new(format!("fields.{name}"), "must be text"));
            String::new()
        }
    }
}

fn list<T: serde::de::DeserializeOwned>(
    obj: &serde_json::Map<String, serde_json::Value>,
    name: &str,
    errors: &mut Vec<FieldError>,
) -> Vec<T> {
    match obj.get(name) {
        None | Some(serde_json::Value::Null) => Vec::new(),
        Some(v) => serde_json::from_value(v.clone()).unwrap_or_else(|e| {
            errors.push(FieldError::new(format!("fields.{name}"), format!("is not valid: {e}")));
            Vec::new()
        }),
    }
}

impl AssetFields {
    /// The empty fields of a kind, for a new asset with nothing filled in yet.
    pub fn empty(kind: AssetKind) -> Self {
        Self::parse(kind, &serde_json::json!({})).0
    }

    /// Reads the fields of `kind` from JSON, reporting every missing or malformed field.
    /// Returns the best-effort value alongside the errors so a form can be redisplayed.
    pub fn parse(kind: AssetKind, value: &serde_json::Value) -> (Self, Vec<FieldError>) {
        let mut errors = Vec::new();
        let empty = serde_json::Map::new();
        let obj = match value {
            serde_json::Value::Object(o) => o,
            serde_json::Value::Null => &empty,
            _ => {
                errors.push(FieldError::new("fields", "must be an object"));
                &empty
            }
        };
        let known: &[&str] = match kind {
            AssetKind::Lesson => &["context", "what_happened", "recommendation"],
            AssetKind::Guidance => &["audience", "source"],
            AssetKind::PracticeExample => &["setting", "outcome"],
            AssetKind::Story => &["storyteller", "impact"],
            AssetKind::EvidenceSummary => &["question", "date_searched", "sources", "appraisal"],
            AssetKind::HowTo => &["prerequisites", "steps"],
            AssetKind::HandoverNote => &["role", "successor", "key_contacts"],
            AssetKind::ReadingList => &["purpose", "sources"],
        };
        for key in obj.keys() {
            if !known.contains(&key.as_str()) {
                errors.push(FieldError::new(
                    format!("fields.{key}"),
                    format!("is not a field of a {}: expected {}", kind.as_str(), known.join(", ")),
                ));
            }
        }
        let fields = match kind {
            AssetKind::Lesson => AssetFields::Lesson {
                context: text(obj, "context", false, &mut errors),
                what_happened: text(obj, "what_happened", false, &mut errors),
                recommendation: text(obj, "recommendation", false, &mut errors),
            },
            AssetKind::Guidance => AssetFields::Guidance {
                audience: text(obj, "audience", false, &mut errors),
                source: text(obj, "source", false, &mut errors),
            },
            AssetKind::PracticeExample => AssetFields::PracticeExample {
                setting: text(obj, "setting", false, &mut errors),
                outcome: text(obj, "outcome", false, &mut errors),
            },
            AssetKind::Story => AssetFields::Story {
                storyteller: text(obj, "storyteller", false, &mut errors),
                impact: text(obj, "impact", false, &mut errors),
            },
            AssetKind::EvidenceSummary => {
                let date_text = text(obj, "date_searched", false, &mut errors);
                let date_searched = if date_text.is_empty() {
                    NaiveDate::default()
                } else {
                    NaiveDate::parse_from_str(&date_text, "%Y-%m-%d").unwrap_or_else(|_| {
                        errors.push(FieldError::new("fields.date_searched", "must be a date like 2026-03-31"));
                        NaiveDate::default()
                    })
                };
                let sources: Vec<Source> = list(obj, "sources", &mut errors);
                check_sources(&sources, &mut errors);
                AssetFields::EvidenceSummary {
                    question: text(obj, "question", false, &mut errors),
                    date_searched,
                    sources,
                    appraisal: text(obj, "appraisal", false, &mut errors),
                }
            }
            AssetKind::HowTo => {
                AssetFields::HowTo { prerequisites: text(obj, "prerequisites", false, &mut errors), steps: list(obj, "steps", &mut errors) }
            }
            AssetKind::HandoverNote => AssetFields::HandoverNote {
                role: text(obj, "role", false, &mut errors),
                successor: text(obj, "successor", false, &mut errors),
                key_contacts: list(obj, "key_contacts", &mut errors),
            },
            AssetKind::ReadingList => {
                let sources: Vec<Source> = list(obj, "sources", &mut errors);
                check_sources(&sources, &mut errors);
                AssetFields::ReadingList { purpose: text(obj, "purpose", false, &mut errors), sources }
            }
        };
        (fields, errors)
    }

    /// The sources cited, for the kinds that cite them (evidence summaries and reading lists).
    pub fn sources(&self) -> Option<&[Source]> {
        match self {
            AssetFields::EvidenceSummary { sources, .. } | AssetFields::ReadingList { sources, .. } => Some(sources),
            _ => None,
        }
    }

    /// The fields a published asset of this kind cannot do without.
    pub fn missing_for_publication(&self) -> Vec<FieldError> {
        let required: Vec<(&str, bool)> = match self {
            AssetFields::Lesson { context, what_happened, recommendation } => {
                vec![
                    ("context", context.trim().is_empty()),
                    ("what_happened", what_happened.trim().is_empty()),
                    ("recommendation", recommendation.trim().is_empty()),
                ]
            }
            AssetFields::EvidenceSummary { question, sources, appraisal, .. } => {
                vec![("question", question.trim().is_empty()), ("sources", sources.is_empty()), ("appraisal", appraisal.trim().is_empty())]
            }
            AssetFields::HowTo { steps, .. } => vec![("steps", steps.is_empty())],
            AssetFields::HandoverNote { role, .. } => vec![("role", role.trim().is_empty())],
            AssetFields::ReadingList { sources, .. } => vec![("sources", sources.is_empty())],
            _ => vec![],
        };
        required
            .into_iter()
            .filter(|(_, missing)| *missing)
            .map(|(f, _)| FieldError::new(format!("fields.{f}"), "is required before publishing"))
            .collect()
    }

    /// Every piece of text in the fields, labelled with its path, for search and the identifier guard.
    pub fn texts(&self) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = Vec::new();
        let mut push = |k: &str, v: &str| out.push((format!("fields.{k}"), v.to_string()));
        match self {
            AssetFields::Lesson { context, what_happened, recommendation } => {
                push("context", context);
                push("what_happened", what_happened);
                push("recommendation", recommendation);
            }
            AssetFields::Guidance { audience, source } => {
                push("audience", audience);
                push("source", source);
            }
            AssetFields::PracticeExample { setting, outcome } => {
                push("setting", setting);
                push("outcome", outcome);
            }
            AssetFields::Story { storyteller, impact } => {
                push("storyteller", storyteller);
                push("impact", impact);
            }
            AssetFields::EvidenceSummary { question, sources, appraisal, .. } => {
                push("question", question);
                for (i, s) in sources.iter().enumerate() {
                    push(&format!("sources[{i}].title"), &s.title);
                }
                push("appraisal", appraisal);
            }
            AssetFields::HowTo { prerequisites, steps } => {
                push("prerequisites", prerequisites);
                for (i, s) in steps.iter().enumerate() {
                    push(&format!("steps[{i}]"), s);
                }
            }
            AssetFields::HandoverNote { role, successor, key_contacts } => {
                push("role", role);
                push("successor", successor);
                for (i, c) in key_contacts.iter().enumerate() {
                    push(&format!("key_contacts[{i}]"), &format!("{} {} {}", c.name, c.role, c.contact));
                }
            }
            AssetFields::ReadingList { purpose, sources } => {
                push("purpose", purpose);
                for (i, s) in sources.iter().enumerate() {
                    push(&format!("sources[{i}].title"), &s.title);
                }
            }
        }
        out.retain(|(_, v)| !v.is_empty());
        out
    }
}

#[cfg(test)]
mod tests {
    use super::KeyContact;

    fn read(line: &str) -> (String, String, String) {
        let c = KeyContact::from_line(line);
        (c.name, c.role, c.contact)
    }

    #[test]
    fn a_contact_line_is_read_by_what_its_parts_look_like() {
        let t = |a: &str, b: &str, c: &str| (a.to_string(), b.to_string(), c.to_string());
        assert_eq!(read("Site manager on call, bleep 2222"), t("Site manager on call", "", "bleep 2222"));
        assert_eq!(read("Dr Ann Lee, consultant microbiologist, ext 4455"), t("Dr Ann Lee", "consultant microbiologist", "ext 4455"));
        assert_eq!(read("Ann Lee; ann.lee@nhs.net"), t("Ann Lee", "", "ann.lee@nhs.net"));
        assert_eq!(read("Ann Lee, Matron, Ward 5"), t("Ann Lee", "Matron, Ward 5", ""));
        assert_eq!(read("Switchboard, 0300 123 4567"), t("Switchboard", "", "0300 123 4567"));
        assert_eq!(
            read("Helen Marsh | Lead Nurse, Infection Prevention | extension 4455"),
            t("Helen Marsh", "Lead Nurse, Infection Prevention", "extension 4455")
        );
        assert_eq!(read("Estates helpdesk"), t("Estates helpdesk", "", ""));
    }
}
