//! How well a short text (a question, a session's title, a skill) matches the whole
//! of a query, judged the way the index judges assets: the same analysis (accents
//! folded, word endings, stop words dropped) and each word weighed by how rare it
//! is among the indexed assets, so sharing a common word such as "knowledge" counts
//! for little and sharing the rare one for much.
use std::collections::HashSet;

use signpost_domain::search::TextMatch;
use tantivy::{Searcher, Term};

use crate::fields::Fields;
use crate::query::analyse;

/// A multi-word query found only as scattered words counts this much of its share.
const SCATTERED: f32 = 0.8;

/// One analysed query word: its term, the word as typed, and its weight.
struct Word {
    term: String,
    typed: String,
    weight: f32,
}

/// BM25's inverse document frequency, as Tantivy computes it.
fn idf(docs: u64, with_term: u64) -> f32 {
    let (n, df) = (docs as f32, with_term as f32);
    (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
}

fn query_words(searcher: &Searcher, fields: &Fields, query: &str) -> Vec<Word> {
    let tokenizers = searcher.index().tokenizers();
    let docs = searcher.num_docs();
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for typed in query.split_whitespace() {
        let bare = typed.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase();
        if signpost_domain::search::FUNCTION_WORDS.contains(&bare.as_str()) {
            continue;
        }
        for (_, term) in analyse(tokenizers, typed) {
            if seen.insert(term.clone()) {
                let with_term = searcher.doc_freq(&Term::from_field_text(fields.all, &term)).unwrap_or(0);
                // With nothing indexed, every word weighs the same.
                let weight = if docs == 0 { 1.0 } else { idf(docs, with_term).max(0.05) };
                let typed = typed.trim_matches(|c: char| !c.is_alphanumeric()).to_string();
                out.push(Word { term, typed, weight });
            }
        }
    }
    out
}

/// Whether `terms` holds `wanted` as a run, in order.
fn has_run(terms: &[String], wanted: &[&str]) -> bool {
    !wanted.is_empty() && terms.windows(wanted.len()).any(|w| w.iter().zip(wanted).all(|(a, b)| a == b))
}

/// Each text's match against `query`.
pub(crate) fn match_texts(searcher: &Searcher, fields: &Fields, query: &str, texts: &[&str]) -> Vec<TextMatch> {
    let words = query_words(searcher, fields, query);
    let total: f32 = words.iter().map(|w| w.weight).sum();
    let tokenizers = searcher.index().tokenizers();
    let run: Vec<&str> = words.iter().map(|w| w.term.as_str()).collect();
    texts
        .iter()
        .map(|text| {
            if words.is_empty() {
                return TextMatch::default();
            }
            let terms: Vec<String> = analyse(tokenizers, text).into_iter().map(|(_, t)| t).collect();
            let present: HashSet<&str> = terms.iter().map(String::as_str).collect();
            let found: Vec<&Word> = words.iter().filter(|w| present.contains(w.term.as_str())).collect();
            let share = found.iter().map(|w| w.weight).sum::<f32>() / total;
            let phrase = words.len() > 1 && has_run(&terms, &run);
            let score = if words.len() == 1 || phrase { share } else { share * SCATTERED };
            TextMatch { score, phrase, words: found.iter().map(|w| w.typed.clone()).collect() }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use signpost_domain::ports::SearchIndex;

    use crate::TantivyIndex;

    fn scores(index: &TantivyIndex, query: &str, texts: &[&str]) -> Vec<f32> {
        index.match_texts(query, texts).into_iter().map(|m| m.score).collect()
    }

    #[test]
    fn a_phrase_outranks_scattered_words_and_accents_do_not_matter() {
        let index = TantivyIndex::in_memory().unwrap();
        let m = index.match_texts("knowledge cafe", &["How we ran a knowledge café", "Knowledge shared over coffee at the café"]);
        assert!(m[0].phrase && (m[0].score - 1.0).abs() < 1e-6, "{m:?}");
        assert!(!m[1].phrase && m[1].score < m[0].score, "{m:?}");
        assert_eq!(m[0].words, ["knowledge", "cafe"]);
        assert_eq!(scores(&index, "screening", &["Sepsis screen", "Nothing here"]), [1.0, 0.0], "word endings match");
        assert_eq!(scores(&index, "", &["anything"]), [0.0]);
    }
}
