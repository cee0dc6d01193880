//! Connecting people to people: profiles, the expertise finder, communities of
//! practice with their questions and answers, knowledge advocates, mentoring,
//! randomised coffee trials and the notifications they send.
pub mod advocates;
pub mod coffee;
pub mod coffee_pairs;
pub mod coffee_rounds;
pub mod communities;
pub mod expertise;
pub mod invitation;
pub mod mentoring;
pub mod notifications;
pub mod posts;
pub mod profiles;
pub mod questions;

use std::collections::HashMap;

use signpost_domain::UserId;
use signpost_domain::people::User;

use crate::{ServiceError, Signpost};

/// Words too common to say anything about a subject.
const STOP_WORDS: [&str; 40] = [
    "a", "about", "an", "and", "are", "as", "at", "be", "by", "can", "do", "does", "for", "from", "has", "have", "how", "i", "in", "is",
    "it", "me", "my", "of", "on", "or", "our", "should", "the", "this", "to", "we", "what", "when", "where", "which", "who", "why", "with",
    "you",
];

/// The words of a query or a text that carry meaning, lower case.
pub(crate) fn terms(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for word in text.split(|c: char| !c.is_alphanumeric()).filter(|w| w.chars().count() >= 2) {
        let word = word.to_lowercase();
        if !STOP_WORDS.contains(&word.as_str()) && seen.insert(word.clone()) {
            out.push(word);
        }
    }
    out
}

/// Whether two words are the same word, allowing for endings ("screen", "screening").
fn same_word(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    short.len() >= 4 && long.starts_with(short) && long.len() - short.len() <= 4
}

/// The share (0 to 1) of `query` terms that occur in `text`'s terms.
pub(crate) fn coverage(query: &[String], text: &[String]) -> f64 {
    if query.is_empty() {
        return 0.0;
    }
    let found = query.iter().filter(|q| text.iter().any(|t| same_word(q, t))).count();
    found as f64 / query.len() as f64
}

pub use crate::validate::split_list;

impl Signpost {
    /// Everyone with an account, by id (for names on pages built from several records).
    pub(crate) async fn people_by_id(&self) -> Result<HashMap<UserId, User>, ServiceError> {
        let mut out = HashMap::new();
        let mut offset = 0;
        loop {
            let page = self.store.users(offset, 500).await?;
            let n = page.items.len() as i64;
            out.extend(page.items.into_iter().map(|u| (u.id, u)));
            offset += n;
            if n < 500 {
                break;
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::clean_skills;

    #[test]
    fn terms_drop_common_words_and_match_word_endings() {
        let q = terms("How do we screen for Sepsis in the ED?");
        assert_eq!(q, vec!["screen", "sepsis", "ed"]);
        let text = terms("Sepsis screening tool: lessons from the emergency department");
        assert!((coverage(&q, &text) - 2.0 / 3.0).abs() < 1e-9, "screen~screening and sepsis match, ed does not");
        assert_eq!(coverage(&terms("falls"), &terms("Falls prevention")), 1.0);
        assert_eq!(coverage(&terms("fall"), &terms("fallopian")), 0.0, "short stems need an exact match");
    }

    #[test]
    fn skills_are_tidied_and_limited() {
        let mut errors = Vec::new();
        let skills = clean_skills("skills", &["  Sepsis   Screening ".into(), "sepsis screening".into(), "".into()], &mut errors);
        assert_eq!(skills, vec!["sepsis screening"]);
        assert!(errors.is_empty());
        clean_skills("skills", &["x".repeat(61)], &mut errors);
        assert_eq!(errors[0].field, "skills[0]");
        assert_eq!(split_list("a, b\nc;; d"), vec!["a", "b", "c", "d"]);
    }
}
