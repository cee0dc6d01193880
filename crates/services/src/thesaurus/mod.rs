//! The subject vocabulary as a thesaurus, kept by knowledge specialists: terms added,
//! changed (a renamed term stays the broader term of its narrower ones) and removed one
//! at a time, or replaced whole from CSV or SKOS (Turtle), and written out as both.
//! Every change names the version it was made from, so two specialists at once cannot
//! lose each other's work; an import is checked whole and lands whole or not at all.
mod skos;
mod table;

use signpost_domain::FieldError;
use signpost_domain::audit::AuditRecord;
use signpost_domain::people::Actor;
use signpost_domain::thesaurus::{Term, Thesaurus, key};

use crate::{ServiceError, Signpost, policy};

/// The formats a thesaurus goes out and comes in as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThesaurusFormat {
    /// `term,broader,non_preferred,scope_note`, lists split by `|`.
    Csv,
    /// SKOS concepts in Turtle.
    Skos,
}

/// The largest thesaurus file read.
pub const MAX_FILE_BYTES: usize = 2 * 1024 * 1024;

/// A list typed as "a, b; c" or kept as "a|b": trimmed, empty ones dropped, each once.
pub fn split_list(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for part in text.split([',', ';', '|', '\n']) {
        let part = part.split_whitespace().collect::<Vec<_>>().join(" ");
        if !part.is_empty() && !out.iter().any(|o| key(o) == key(&part)) {
            out.push(part);
        }
    }
    out
}

/// The problems with `terms`, each on the field a one-term form has (`label`,
/// `broader`, `non_preferred`), for the term at `index`; others keep their place.
fn as_form_errors(errors: Vec<FieldError>, index: usize) -> Vec<FieldError> {
    let own = format!("terms[{index}].");
    errors
        .into_iter()
        .map(|e| match e.field.strip_prefix(&own) {
            Some(field) => FieldError::new(field, e.message),
            None => FieldError::new("label", e.message),
        })
        .collect()
}

impl Signpost {
    /// The thesaurus (anyone signed in may read it).
    pub async fn thesaurus(&self, _actor: &Actor) -> Result<Thesaurus, ServiceError> {
        Ok(self.store.thesaurus().await?)
    }

    /// The terms as they are, if still at `expected`: a change made from an older
    /// version is refused before anything else is said about it.
    async fn terms_at(&self, expected: i64) -> Result<Vec<Term>, ServiceError> {
        let current = self.store.thesaurus().await?;
        if current.version != expected {
            return Err(ServiceError::Conflict("the thesaurus changed since you opened it; open it again to see the change".into()));
        }
        Ok(current.terms)
    }

    async fn write_thesaurus(&self, actor: &Actor, terms: &[Term], expected: i64, summary: String) -> Result<Thesaurus, ServiceError> {
        // The console operator (the demo loader, say) is no account to name.
        let by = (actor.user_id.0 != 0).then_some(actor.user_id);
        let audit = AuditRecord::new(by, "thesaurus.change", summary);
        self.store.replace_thesaurus(terms, expected, audit).await?;
        Ok(self.store.thesaurus().await?)
    }

    /// Adds a term, or changes the one called `was`, from the thesaurus at `expected`.
    pub async fn save_term(&self, actor: &Actor, was: Option<&str>, term: Term, expected: i64) -> Result<Thesaurus, ServiceError> {
        policy::ensure_specialist(actor)?;
        let mut terms = self.terms_at(expected).await?;
        let term = Term {
            label: term.label.split_whitespace().collect::<Vec<_>>().join(" "),
            broader: split_list(&term.broader.join("|")),
            non_preferred: split_list(&term.non_preferred.join("|")),
            scope_note: term.scope_note.trim().to_string(),
        };
        let index = match was {
            Some(old) => {
                let i =
                    terms.iter().position(|t| key(&t.label) == key(old)).ok_or_else(|| ServiceError::NotFound(format!("term {old:?}")))?;
                for t in terms.iter_mut() {
                    for b in t.broader.iter_mut().filter(|b| key(b) == key(old)) {
                        *b = term.label.clone();
                    }
                }
                terms[i] = term.clone();
                i
            }
            None => {
                terms.push(term.clone());
                terms.len() - 1
            }
        };
        let errors = Thesaurus::check(&terms);
        if !errors.is_empty() {
            return Err(ServiceError::Invalid(as_form_errors(errors, index)));
        }
        let what = match was {
            Some(old) if key(old) != key(&term.label) => format!("renamed the term {old:?} to {:?}", term.label),
            Some(_) => format!("changed the term {:?}", term.label),
            None => format!("added the term {:?}", term.label),
        };
        self.write_thesaurus(actor, &terms, expected, what).await
    }

    /// Removes a term: its narrower terms keep their other broader terms, or become
    /// top terms; its non-preferred terms go with it.
    pub async fn remove_term(&self, actor: &Actor, label: &str, expected: i64) -> Result<Thesaurus, ServiceError> {
        policy::ensure_specialist(actor)?;
        let mut terms = self.terms_at(expected).await?;
        let before = terms.len();
        terms.retain(|t| key(&t.label) != key(label));
        if terms.len() == before {
            return Err(ServiceError::NotFound(format!("term {label:?}")));
        }
        for t in terms.iter_mut() {
            t.broader.retain(|b| key(b) != key(label));
        }
        self.write_thesaurus(actor, &terms, expected, format!("removed the term {label:?}")).await
    }

    /// Replaces the whole thesaurus with a CSV or SKOS (Turtle) file, if every term in
    /// it is sound; otherwise nothing changes and each problem is named by its line
    /// (CSV) or concept (SKOS).
    pub async fn import_thesaurus(&self, actor: &Actor, file: Vec<u8>, expected: i64) -> Result<Thesaurus, ServiceError> {
        policy::ensure_specialist(actor)?;
        if file.len() > MAX_FILE_BYTES {
            return Err(ServiceError::TooLarge(format!(
                "the file is larger than the {} MiB Signpost reads for a thesaurus",
                MAX_FILE_BYTES / (1024 * 1024)
            )));
        }
        let (terms, format) = crate::upload::off_the_workers(move || {
            let text = String::from_utf8(file).map_err(|_| ServiceError::invalid("file", "the file is not UTF-8 text"))?;
            let text = text.trim_start_matches('\u{feff}');
            if skos::looks_like_turtle(text) {
                Ok((skos::read(text)?, ThesaurusFormat::Skos))
            } else {
                Ok((table::read(text)?, ThesaurusFormat::Csv))
            }
        })
        .await?;
        let summary =
            format!("replaced the thesaurus from {} ({} terms)", if format == ThesaurusFormat::Csv { "CSV" } else { "SKOS" }, terms.len());
        self.write_thesaurus(actor, &terms, expected, summary).await
    }

    /// The thesaurus as a file: its name, media type and text.
    pub async fn export_thesaurus(&self, actor: &Actor, format: ThesaurusFormat) -> Result<(String, &'static str, String), ServiceError> {
        let thesaurus = self.thesaurus(actor).await?;
        Ok(match format {
            ThesaurusFormat::Csv => ("thesaurus.csv".into(), "text/csv; charset=utf-8", table::write(&thesaurus.terms)?),
            ThesaurusFormat::Skos => ("thesaurus.ttl".into(), "text/turtle; charset=utf-8", skos::write(&thesaurus.terms)),
        })
    }
}
