//! The expert finder's labelled set: subjects a colleague might search for in the demo
//! trust, each with the people who should come first, named from who did the work
//! (who wrote the lessons and guidance, answered the question, led the project, says
//! it is their skill). Written before the ranking was tuned; the finder is measured
//! by the share of subjects with one of their people in its top three.
use signpost_services::{ServiceError, Signpost};

use super::learning::actor_named;

/// A subject as typed, and the people who should come first.
pub type Labelled = (&'static str, &'static [&'static str]);

/// How many places count as "first".
pub const TOP: usize = 3;

/// The labelled subjects.
pub const SUBJECTS: [Labelled; 34] = [
    ("knowledge café", &["Aisha Begum", "Amira Haddad"]),
    ("sepsis screening", &["James Okafor", "Rachel Dunn"]),
    ("norovirus outbreak", &["Helen Marsh", "Kwame Mensah"]),
    ("hand hygiene", &["Helen Marsh"]),
    ("preventing falls on wards", &["Sophie Clarke"]),
    ("human factors", &["Sophie Clarke"]),
    ("safety huddles", &["Daniel Byrne"]),
    ("handover between shifts", &["Sophie Clarke", "Daniel Byrne"]),
    ("maternity telephone triage", &["Fatima Rahman"]),
    ("birth reflections", &["Fatima Rahman"]),
    ("NEWS2 escalation", &["Nadia Kowalski"]),
    ("deteriorating patients", &["Nadia Kowalski", "Rachel Dunn"]),
    ("discharge planning", &["Michael Lewis"]),
    ("staff flu vaccination", &["Grace Adeyemi", "Ben Hughes"]),
    ("immunisation programmes", &["Grace Adeyemi"]),
    ("contact tracing", &["Zara Ali", "Peter Morgan"]),
    ("measles", &["Zara Ali", "Peter Morgan"]),
    ("pressure ulcer prevention", &["Eleanor Shaw"]),
    ("district nursing", &["Eleanor Shaw", "Samuel Reid"]),
    ("preceptorship for newly qualified nurses", &["Hannah Fox"]),
    ("practice development", &["Hannah Fox"]),
    ("electronic patient record go-live", &["Gareth Owen", "Mei Lin"]),
    ("clinical safety of digital systems", &["Mei Lin"]),
    ("literature searching", &["Priya Natarajan"]),
    ("evidence summaries", &["Priya Natarajan"]),
    ("emergency nursing", &["Rachel Dunn"]),
    ("patient flow", &["Rachel Dunn"]),
    ("emergency department surge plan", &["James Okafor", "Rachel Dunn"]),
    ("time-critical medicines", &["Amira Haddad"]),
    ("action learning sets for ward managers", &["Hannah Fox", "Aisha Begum"]),
    ("personal protective equipment", &["Helen Marsh", "Kwame Mensah"]),
    ("maternity safety champions", &["Fatima Rahman", "Laura Bennett"]),
    ("same-day emergency care", &["Michael Lewis", "Chloe Evans"]),
    ("infection prevention link nurse", &["Helen Marsh", "Kwame Mensah"]),
];

/// How the expert finder did on the labelled subjects.
#[derive(Debug, Clone)]
pub struct ExpertScore {
    /// Subjects searched.
    pub subjects: usize,
    /// Those with one of their people in the top three.
    pub hits: usize,
    /// The subjects missed, with who came first instead.
    pub misses: Vec<(String, Vec<String>)>,
}

impl ExpertScore {
    /// The share of subjects with a right person in the top three.
    pub fn share(&self) -> f64 {
        if self.subjects == 0 { 0.0 } else { self.hits as f64 / self.subjects as f64 }
    }
}

/// Searches every labelled subject as the chief nurse (who has no evidence of their
/// own) and counts those whose top three hold one of the people labelled for it.
/// Needs the demo loaded.
pub async fn measure_experts(app: &Signpost) -> Result<ExpertScore, ServiceError> {
    let searcher = actor_named(app, "Robert Hall").await?;
    let mut score = ExpertScore { subjects: 0, hits: 0, misses: Vec::new() };
    for (subject, people) in SUBJECTS {
        let found = app.find_experts(&searcher, subject).await?;
        let top: Vec<String> = found.iter().take(TOP).map(|e| e.user.name.clone()).collect();
        score.subjects += 1;
        if top.iter().any(|name| people.contains(&name.as_str())) {
            score.hits += 1;
        } else {
            score.misses.push((subject.to_string(), top));
        }
    }
    Ok(score)
}
