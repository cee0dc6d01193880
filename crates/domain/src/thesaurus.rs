//! The subject vocabulary as a thesaurus: preferred terms with broader terms (more
//! than one allowed) and non-preferred terms that lead to them, as in ISO 25964 and
//! SKOS. Topics on assets are its terms; a search can take a term to include its
//! narrower ones ("Hospital settings" finds "Intensive care").
use std::collections::{HashMap, HashSet};

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::audit::AuditRecord;
use crate::{FieldError, StoreError};

/// The most terms a thesaurus may hold.
pub const MAX_TERMS: usize = 5000;
/// The longest label.
pub const MAX_LABEL: usize = 100;

/// One preferred term.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema, Default)]
pub struct Term {
    /// The preferred label.
    pub label: String,
    /// Its broader terms' labels.
    #[serde(default)]
    pub broader: Vec<String>,
    /// Non-preferred terms (synonyms, abbreviations) that lead to it.
    #[serde(default)]
    pub non_preferred: Vec<String>,
    /// What the term covers, for indexers.
    #[serde(default)]
    pub scope_note: String,
}

/// The whole thesaurus, with the version a change must name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema, Default)]
pub struct Thesaurus {
    /// Terms, in the order they were added.
    pub terms: Vec<Term>,
    /// Changes so far; a change made from an older version is refused.
    pub version: i64,
}

/// A label as it is compared: lower case, single spaces.
pub fn key(label: &str) -> String {
    label.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

impl Thesaurus {
    /// Everything wrong with a set of terms, each naming the term (`terms[3].broader`).
    pub fn check(terms: &[Term]) -> Vec<FieldError> {
        let mut errors = Vec::new();
        if terms.len() > MAX_TERMS {
            errors.push(FieldError::new("terms", format!("a thesaurus holds at most {MAX_TERMS} terms")));
            return errors;
        }
        let mut preferred: HashMap<String, usize> = HashMap::new();
        for (i, t) in terms.iter().enumerate() {
            let k = key(&t.label);
            if k.is_empty() || t.label.chars().count() > MAX_LABEL {
                errors.push(FieldError::new(format!("terms[{i}].label"), format!("a term needs a label of 1 to {MAX_LABEL} characters")));
            } else if let Some(first) = preferred.insert(k, i) {
                errors.push(FieldError::new(format!("terms[{i}].label"), format!("\"{}\" is already term {}", t.label, first + 1)));
            }
        }
        let mut leads: HashMap<String, &str> = HashMap::new();
        for (i, t) in terms.iter().enumerate() {
            for b in &t.broader {
                if !preferred.contains_key(&key(b)) {
                    errors.push(FieldError::new(format!("terms[{i}].broader"), format!("\"{b}\" is not a term of the thesaurus")));
                } else if key(b) == key(&t.label) {
                    errors.push(FieldError::new(format!("terms[{i}].broader"), format!("\"{}\" cannot be broader than itself", t.label)));
                }
            }
            for np in &t.non_preferred {
                let k = key(np);
                if k.is_empty() || np.chars().count() > MAX_LABEL {
                    errors.push(FieldError::new(
                        format!("terms[{i}].non_preferred"),
                        format!("non-preferred terms are 1 to {MAX_LABEL} characters"),
                    ));
                } else if preferred.contains_key(&k) {
                    errors.push(FieldError::new(format!("terms[{i}].non_preferred"), format!("\"{np}\" is a preferred term itself")));
                } else if let Some(other) = leads.insert(k, &t.label) {
                    errors.push(FieldError::new(format!("terms[{i}].non_preferred"), format!("\"{np}\" already leads to \"{other}\"")));
                }
            }
        }
        if errors.is_empty()
            && let Some(i) = Self::cycle(terms)
        {
            errors.push(FieldError::new(format!("terms[{i}].broader"), format!("\"{}\" would end up broader than itself", terms[i].label)));
        }
        errors
    }

    /// A term that is its own ancestor, if any (by depth-first search over broader links).
    fn cycle(terms: &[Term]) -> Option<usize> {
        let index: HashMap<String, usize> = terms.iter().enumerate().map(|(i, t)| (key(&t.label), i)).collect();
        // 0 unvisited, 1 on the path, 2 done.
        let mut state = vec![0u8; terms.len()];
        for start in 0..terms.len() {
            let mut stack = vec![(start, 0usize)];
            while let Some((node, next)) = stack.pop() {
                if next == 0 {
                    if state[node] == 2 {
                        continue;
                    }
                    state[node] = 1;
                }
                match terms[node].broader.get(next).and_then(|b| index.get(&key(b))) {
                    Some(&parent) => {
                        stack.push((node, next + 1));
                        match state[parent] {
                            1 => return Some(parent),
                            0 => stack.push((parent, 0)),
                            _ => {}
                        }
                    }
                    None if next < terms[node].broader.len() => stack.push((node, next + 1)),
                    None => state[node] = 2,
                }
            }
        }
        None
    }

    /// The preferred label a label (preferred or not) stands for.
    pub fn preferred(&self, label: &str) -> Option<&str> {
        let k = key(label);
        self.terms.iter().find(|t| key(&t.label) == k || t.non_preferred.iter().any(|np| key(np) == k)).map(|t| t.label.as_str())
    }

    /// The term a label (preferred or not) stands for.
    fn term_for(&self, label: &str) -> Option<&Term> {
        let k = key(label);
        self.terms.iter().find(|t| key(&t.label) == k || t.non_preferred.iter().any(|np| key(np) == k))
    }

    /// The term's narrower terms, at every depth.
    pub fn narrower(&self, label: &str) -> Vec<&Term> {
        let mut found: Vec<&Term> = Vec::new();
        let mut seen: HashSet<String> = HashSet::from([key(label)]);
        let mut frontier = vec![key(label)];
        while let Some(k) = frontier.pop() {
            for t in &self.terms {
                if t.broader.iter().any(|b| key(b) == k) && seen.insert(key(&t.label)) {
                    found.push(t);
                    frontier.push(key(&t.label));
                }
            }
        }
        found
    }

    /// A search's topics as the thesaurus reads them: each topic with its preferred
    /// term and that term's non-preferred terms (knowledge may be filed under any of
    /// them), and with `with_narrower` the same for every term beneath; lower case, as
    /// topics are indexed. A topic the thesaurus does not know stays as it is.
    pub fn expand(&self, topics: &[String], with_narrower: bool) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for topic in topics {
            out.push(key(topic));
            let Some(term) = self.term_for(topic) else { continue };
            let mut terms = vec![term];
            if with_narrower {
                terms.extend(self.narrower(&term.label));
            }
            for t in terms {
                out.push(key(&t.label));
                out.extend(t.non_preferred.iter().map(|np| key(np)));
            }
        }
        out.sort();
        out.dedup();
        out
    }
}

/// Where the thesaurus is kept.
#[async_trait]
pub trait ThesaurusStore: Send + Sync + 'static {
    /// The thesaurus.
    async fn thesaurus(&self) -> Result<Thesaurus, StoreError>;
    /// Replaces every term in one transaction, only if the thesaurus is still at
    /// `expected_version` ([`StoreError::Conflict`] if not); returns the new version.
    async fn replace_thesaurus(&self, terms: &[Term], expected_version: i64, audit: AuditRecord) -> Result<i64, StoreError>;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn term(label: &str, broader: &[&str], np: &[&str]) -> Term {
        Term {
            label: label.into(),
            broader: broader.iter().map(|s| s.to_string()).collect(),
            non_preferred: np.iter().map(|s| s.to_string()).collect(),
            scope_note: String::new(),
        }
    }

    #[test]
    fn a_term_expands_to_its_narrower_terms_and_synonyms_lead_to_their_term() {
        let t = Thesaurus {
            terms: vec![
                term("Hospital settings", &[], &[]),
                term("Intensive care", &["Hospital settings"], &["ICU", "Critical care unit"]),
                term("Paediatric intensive care", &["Intensive care"], &["PICU"]),
                term("Emergency department", &["Hospital settings"], &["A&E"]),
            ],
            version: 1,
        };
        assert_eq!(
            t.expand(&["hospital settings".into()], true),
            [
                "a&e",
                "critical care unit",
                "emergency department",
                "hospital settings",
                "icu",
                "intensive care",
                "paediatric intensive care",
                "picu"
            ],
            "knowledge filed under a synonym of a narrower term is found too"
        );
        assert_eq!(t.expand(&["ICU".into()], false), ["critical care unit", "icu", "intensive care"]);
        assert_eq!(t.expand(&["ICU".into()], true), ["critical care unit", "icu", "intensive care", "paediatric intensive care", "picu"]);
        assert_eq!(t.expand(&["Wound care".into()], true), ["wound care"], "unknown topics stay");
    }

    #[test]
    fn unknown_broader_terms_clashing_labels_and_cycles_are_refused() {
        let problems =
            |terms: Vec<Term>| Thesaurus::check(&terms).into_iter().map(|e| format!("{}: {}", e.field, e.message)).collect::<Vec<_>>();
        assert_eq!(problems(vec![term("A", &["Missing"], &[])]), ["terms[0].broader: \"Missing\" is not a term of the thesaurus"]);
        assert_eq!(problems(vec![term("A", &[], &[]), term("a", &[], &[])]), ["terms[1].label: \"a\" is already term 1"]);
        assert_eq!(
            problems(vec![term("A", &[], &["B"]), term("B", &[], &[])]),
            ["terms[0].non_preferred: \"B\" is a preferred term itself"]
        );
        assert_eq!(
            problems(vec![term("A", &["C"], &[]), term("B", &["A"], &[]), term("C", &["B"], &[])]),
            ["terms[0].broader: \"A\" would end up broader than itself"]
        );
        assert!(
            problems(vec![term("A", &[], &[]), term("B", &["A"], &[]), term("C", &["A", "B"], &[])]).is_empty(),
            "poly-hierarchy is fine"
        );
    }
}
