//! Turns what a person typed into a Tantivy query: words across weighted fields,
//! "quoted phrases", synonym and acronym expansion, and typo tolerance for words
//! the index has never seen.
use std::collections::HashMap;

use tantivy::query::{BooleanQuery, BoostQuery, FuzzyTermQuery, Occur, PhraseQuery, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::tokenizer::TokenizerManager;
use tantivy::{Searcher, Term};

use crate::fields::Fields;
use crate::tuning::{ANALYSER, FieldWeights};

/// Most words per query that get typo tolerance.
const MAX_FUZZY_WORDS: usize = 5;

/// Most spellings one mistyped word stands for, the most common first (as
/// Elasticsearch's fuzzy query's `max_expansions`).
const MAX_SPELLINGS: usize = 50;

/// Analysed terms with their positions relative to the first, so a phrase still
/// matches where stop words were dropped ("duty of candour" is duty, +2 candour).
pub(crate) type Terms = Vec<(usize, String)>;

/// One part of a query: a single word or a quoted phrase, as analysed terms.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Part {
    Word(String),
    Phrase(Terms),
}

/// The fields a query searches, with their weights.
pub(crate) fn weighted_fields(f: &Fields, w: &FieldWeights) -> Vec<(Field, f32)> {
    [(f.all, w.all), (f.title, w.title), (f.tags, w.tags), (f.summary, w.summary), (f.details, w.details), (f.body, w.body)]
        .into_iter()
        .filter(|(_, weight)| *weight > 0.0)
        .collect()
}

/// Analyses text the way the indexed fields were analysed.
pub(crate) fn analyse(tokenizers: &TokenizerManager, text: &str) -> Terms {
    let mut analyser = tokenizers.get(ANALYSER).expect("the index registers its analyser when it opens");
    let mut stream = analyser.token_stream(text);
    let mut out: Terms = Vec::new();
    while stream.advance() {
        let t = stream.token();
        out.push((t.position, t.text.clone()));
    }
    if let Some(first) = out.first().map(|(p, _)| *p) {
        for (p, _) in &mut out {
            *p -= first;
        }
    }
    out
}

fn words_of(terms: &Terms) -> Vec<String> {
    terms.iter().map(|(_, t)| t.clone()).collect()
}

/// Splits a query into words and quoted phrases. An unclosed quote runs to the end.
pub(crate) fn parse(tokenizers: &TokenizerManager, input: &str) -> (Vec<Part>, Vec<String>) {
    let mut parts = Vec::new();
    let mut words_in_order = Vec::new();
    for (i, chunk) in input.split('"').enumerate() {
        let terms = analyse(tokenizers, chunk);
        words_in_order.extend(words_of(&terms));
        if i % 2 == 1 && terms.len() > 1 {
            parts.push(Part::Phrase(terms));
        } else {
            parts.extend(terms.into_iter().map(|(_, t)| Part::Word(t)));
        }
    }
    (parts, words_in_order)
}

/// Groups of equivalent terms, analysed, used to expand queries.
#[derive(Debug, Default, Clone)]
pub(crate) struct Synonyms {
    groups: Vec<Vec<Terms>>,
}

impl Synonyms {
    pub(crate) fn new(tokenizers: &TokenizerManager, groups: &[signpost_domain::search::SynonymGroup]) -> Self {
        let groups = groups
            .iter()
            .map(|g| g.terms.iter().map(|t| analyse(tokenizers, t)).filter(|t| !t.is_empty()).collect::<Vec<_>>())
            .filter(|g: &Vec<Terms>| g.len() > 1)
            .collect();
        Synonyms { groups }
    }

    /// For every group member found as a run of the query's words, the other members.
    pub(crate) fn expansions(&self, words: &[String]) -> Vec<Terms> {
        let mut out: Vec<Terms> = Vec::new();
        let present = |member: &Terms| {
            let member = words_of(member);
            words.windows(member.len()).any(|w| w == member.as_slice())
        };
        for group in &self.groups {
            if group.iter().any(present) {
                for member in group {
                    let present = present(member);
                    if !present && !out.contains(member) {
                        out.push(member.clone());
                    }
                }
            }
        }
        out
    }
}

/// The words of `field` within `distance` edits of `word`, the most common first.
/// A mistyped word becomes plain term clauses, which keeps the whole query prunable
/// (a fuzzy clause would make Tantivy score every match) and scores each spelling
/// by how telling it is.
fn spellings_near(searcher: &Searcher, field: Field, word: &str, distance: u8) -> Vec<String> {
    let Ok(automaton) = FuzzyTermQuery::new(Term::from_field_text(field, word), distance, true).automaton() else { return Vec::new() };
    let mut found: HashMap<String, u64> = HashMap::new();
    for segment in searcher.segment_readers() {
        let Ok(inverted) = segment.inverted_index(field) else { continue };
        let Ok(mut terms) = inverted.terms().search(&automaton).into_stream() else { continue };
        while terms.advance() {
            if let Ok(text) = std::str::from_utf8(terms.key()) {
                *found.entry(text.to_string()).or_default() += u64::from(terms.value().doc_freq);
            }
        }
    }
    let mut found: Vec<(String, u64)> = found.into_iter().collect();
    found.sort_unstable_by(|(a, m), (b, n)| n.cmp(m).then_with(|| a.cmp(b)));
    found.into_iter().take(MAX_SPELLINGS).map(|(text, _)| text).collect()
}

fn boosted(q: Box<dyn Query>, boost: f32) -> Box<dyn Query> {
    if (boost - 1.0).abs() < f32::EPSILON { q } else { Box::new(BoostQuery::new(q, boost)) }
}

fn phrase_or_term(field: Field, terms: &Terms) -> Box<dyn Query> {
    if terms.len() == 1 {
        Box::new(TermQuery::new(Term::from_field_text(field, &terms[0].1), IndexRecordOption::WithFreqs))
    } else {
        Box::new(PhraseQuery::new_with_offset(terms.iter().map(|(p, t)| (*p, Term::from_field_text(field, t))).collect()))
    }
}

/// A search's words as queries: one flat list of (word × field) clauses to score by,
/// which Tantivy can prune with block-max WAND when every clause is a plain term, and
/// the clauses that decide what matches at all, run on their own without scoring.
pub(crate) struct TextQuery {
    pub scoring: Box<dyn Query>,
    /// The clauses `scoring` adds up, in order (see `collect::Scoring`).
    pub clauses: Vec<Box<dyn Query>>,
    pub matching: Vec<Box<dyn Query>>,
    /// Every clause is a plain term, so Tantivy can prune; a phrase makes it score
    /// every match, and then one pass both ranks and collects the matches.
    pub prunable: bool,
}

/// The words of a search as queries: `None` when nothing searchable was typed.
pub(crate) fn text_query(f: &Fields, weights: &FieldWeights, searcher: &Searcher, synonyms: &Synonyms, input: &str) -> Option<TextQuery> {
    let tokenizers = searcher.index().tokenizers();
    let (parts, words) = parse(tokenizers, input);
    if parts.is_empty() {
        return None;
    }
    let fields = weighted_fields(f, weights);
    // The combined field holds every other, so whatever matches anywhere matches there.
    let matched_in: Vec<Field> = if weights.all > 0.0 { vec![f.all] } else { fields.iter().map(|(field, _)| *field).collect() };
    let mut scoring: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    let mut matching: Vec<Box<dyn Query>> = Vec::new();
    let mut add = |field: Field, q: Box<dyn Query>, weight: f32| {
        if matched_in.contains(&field) {
            matching.push(q.box_clone());
        }
        scoring.push((Occur::Should, boosted(q, weight)));
    };
    // Each fuzzy word builds an automaton per field; a long query of unknown words must stay cheap.
    let mut fuzzy_budget = MAX_FUZZY_WORDS;
    for part in &parts {
        let terms = match part {
            Part::Word(w) => vec![(0, w.clone())],
            Part::Phrase(p) => p.clone(),
        };
        for (field, w) in &fields {
            add(*field, phrase_or_term(*field, &terms), *w);
        }
        // Typo tolerance: a word no document contains is matched within an edit or two.
        if let Part::Word(w) = part {
            let unseen = fields.iter().all(|(field, _)| searcher.doc_freq(&Term::from_field_text(*field, w)).unwrap_or(0) == 0);
            let len = w.chars().count();
            if unseen && len >= 4 && fuzzy_budget > 0 {
                fuzzy_budget -= 1;
                let distance = if len >= 8 { 2 } else { 1 };
                for spelling in spellings_near(searcher, f.all, w, distance) {
                    for (field, weight) in fields.iter().filter(|(field, _)| [f.all, f.title, f.body, f.summary].contains(field)) {
                        add(*field, phrase_or_term(*field, &vec![(0, spelling.clone())]), weight * 0.5);
                    }
                }
            }
        }
    }
    for alternative in synonyms.expansions(&words) {
        for (field, w) in &fields {
            add(*field, phrase_or_term(*field, &alternative), w * 0.8);
        }
    }
    let clauses = scoring.iter().map(|(_, q)| q.box_clone()).collect();
    let prunable = parts.iter().all(|p| matches!(p, Part::Word(_))) && synonyms.expansions(&words).iter().all(|t| t.len() == 1);
    Some(TextQuery { scoring: Box::new(BooleanQuery::new(scoring)), clauses, matching, prunable })
}
