//! Running searches and suggestions: filter, score, count facets, cut snippets.
use std::ops::Bound;

use signpost_domain::assets::Status;
use signpost_domain::fields::AssetKind;
use signpost_domain::ports::SearchError;
use signpost_domain::review::ReviewState;
use signpost_domain::search::{FacetCount, Facets, SearchHit, SearchRequest, SearchResults, SortOrder, Suggestion};
use signpost_domain::visibility::Condition;
use signpost_domain::{AssetId, TeamId, Timestamp, UserId};
use tantivy::collector::sort_key::{SortBySimilarityScore, SortByStaticFastValue};
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{AllQuery, BooleanQuery, ConstScoreQuery, FuzzyTermQuery, Occur, PhrasePrefixQuery, Query, RangeQuery, TermQuery};
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::snippet::SnippetGenerator;
use tantivy::{DocAddress, Order, Searcher, TantivyDocument, Term};

use crate::facet_counts::FacetCounts;
use crate::fields::{Fields, PLAIN};
use crate::hybrid::{self, HybridQuery};
use crate::index::TantivyIndex;
use crate::{query, visibility};

/// Most results one page may ask for.
pub const MAX_PAGE: usize = 100;

fn err(e: impl std::fmt::Display) -> SearchError {
    SearchError::Index(e.to_string())
}

fn any_of(qs: Vec<Box<dyn Query>>) -> Box<dyn Query> {
    Box::new(BooleanQuery::new(qs.into_iter().map(|q| (Occur::Should, q)).collect()))
}

fn term(t: Term) -> Box<dyn Query> {
    Box::new(TermQuery::new(t, IndexRecordOption::Basic))
}

fn review_range(f: &Fields, state: ReviewState, now: Timestamp) -> Box<dyn Query> {
    let (from, to) = state.window(now);
    let lower = from.map_or(Bound::Unbounded, |t| Bound::Included(Term::from_field_i64(f.next_review_at, t.timestamp_millis())));
    let upper = to.map_or(Bound::Unbounded, |t| Bound::Excluded(Term::from_field_i64(f.next_review_at, t.timestamp_millis())));
    Box::new(RangeQuery::new(lower, upper))
}

/// The filters of a request (visibility first), as required, non-scoring clauses.
fn filters(f: &Fields, r: &SearchRequest, visible: &Condition, now: Timestamp) -> Vec<Box<dyn Query>> {
    let mut out = vec![visibility::filter(f, visible)];
    if !r.kinds.is_empty() {
        out.push(any_of(r.kinds.iter().map(|k| term(Term::from_field_text(f.kind, k.as_str()))).collect()));
    }
    if !r.topics.is_empty() {
        out.push(any_of(r.topics.iter().map(|t| term(Term::from_field_text(f.topic, &t.to_lowercase()))).collect()));
    }
    if !r.teams.is_empty() {
        out.push(any_of(r.teams.iter().map(|t| term(Term::from_field_u64(f.team, t.0 as u64))).collect()));
    }
    if !r.statuses.is_empty() {
        out.push(any_of(r.statuses.iter().map(|s| term(Term::from_field_text(f.status, s.as_str()))).collect()));
    }
    if !r.review_states.is_empty() {
        out.push(any_of(r.review_states.iter().map(|s| review_range(f, *s, now)).collect()));
    }
    out
}

fn combine(scoring: Option<Box<dyn Query>>, filters: Vec<Box<dyn Query>>) -> Box<dyn Query> {
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, scoring.unwrap_or_else(|| Box::new(AllQuery)))];
    clauses.extend(filters.into_iter().map(|q| (Occur::Must, Box::new(ConstScoreQuery::new(q, 0.0)) as Box<dyn Query>)));
    Box::new(BooleanQuery::new(clauses))
}

/// Counts, most first, then by value.
fn sorted(counts: std::collections::HashMap<String, u64>) -> Vec<FacetCount> {
    let mut v: Vec<FacetCount> = counts.into_iter().map(|(value, count)| FacetCount { value, count }).collect();
    v.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
    v
}

pub(crate) fn search(ix: &TantivyIndex, r: &SearchRequest, visible: &Condition, now: Timestamp) -> Result<SearchResults, SearchError> {
    let f = &ix.fields;
    let searcher = ix.reader.searcher();
    let synonyms = ix.synonyms.read().map_err(err)?.clone();
    let scoring = query::text_query(f, &ix.tuning.weights, &searcher, &synonyms, &r.query);
    let has_text = scoring.is_some();
    let limit = r.limit.clamp(1, MAX_PAGE);
    let top = TopDocs::with_limit(limit).and_offset(r.offset);
    let q = combine(scoring.as_ref().map(|s| s.box_clone()), filters(f, r, visible, now));

    let facets_wanted = r.facets.then(|| FacetCounts::at(now));
    let vectors = ix.vectors.read().map_err(err)?;
    let hybrid = r.sort == SortOrder::Relevance && ix.tuning.fusion.semantic > 0.0 && vectors.len() > 0;
    let (addresses, total, counted): (Vec<(f32, DocAddress)>, usize, _) =
        if let (true, Some(text), Some(vector)) = (hybrid, scoring.as_ref(), r.vector.as_deref()) {
            let ranked = hybrid::rank(
                f,
                &searcher,
                &vectors,
                HybridQuery {
                    text: text.box_clone(),
                    filters: filters(f, r, visible, now),
                    vector,
                    fusion: ix.tuning.fusion,
                    offset: r.offset,
                    limit,
                    facets: facets_wanted,
                },
            )?;
            (ranked.page, ranked.total, ranked.facets)
        } else if r.sort == SortOrder::Relevance && has_text {
            // Equal scores in asset order, so every node (and every rebuild, whichever
            // segment a document landed in) lists the same results the same way.
            let by_score = top.order_by((SortBySimilarityScore, (SortByStaticFastValue::<u64>::for_field("id"), Order::Asc)));
            let (docs, total, fc) = searcher.search(&*q, &(by_score, Count, facets_wanted)).map_err(err)?;
            (docs.into_iter().map(|((score, _), a)| (score, a)).collect(), total, fc)
        } else {
            let by_date = top.order_by_fast_field::<i64>("updated_at", Order::Desc);
            let (docs, total, fc) = searcher.search(&*q, &(by_date, Count, facets_wanted)).map_err(err)?;
            (docs.into_iter().map(|(_, a)| (0.0, a)).collect(), total, fc)
        };

    let mut facets = Facets::default();
    if let Some(c) = counted {
        facets.kind = sorted(c.kind);
        facets.topic = sorted(c.topic);
        facets.status = sorted(c.status);
        facets.team = sorted(c.team.into_iter().map(|(t, n)| (t.to_string(), n)).collect());
        let [current, due_soon, overdue] = c.review;
        facets.review_state = [(ReviewState::Current, current), (ReviewState::DueSoon, due_soon), (ReviewState::Overdue, overdue)]
            .into_iter()
            .map(|(s, count)| FacetCount { value: s.as_str().to_string(), count })
            .collect();
    }

    let snippets = if r.snippets && has_text {
        // Scoring may read only the combined field; highlighting needs the words as they sit in the body and summary.
        let shown = crate::tuning::FieldWeights { title: 0.0, tags: 0.0, summary: 1.0, details: 0.0, body: 1.0, all: 0.0 };
        let highlight = query::text_query(f, &shown, &searcher, &synonyms, &r.query).unwrap_or_else(|| Box::new(AllQuery));
        let mut body = SnippetGenerator::create(&searcher, &*highlight, f.body).map_err(err)?;
        body.set_max_num_chars(220);
        let mut summary = SnippetGenerator::create(&searcher, &*highlight, f.summary).map_err(err)?;
        summary.set_max_num_chars(220);
        Some((body, summary))
    } else {
        None
    };
    let mut hits = Vec::with_capacity(addresses.len());
    for (score, addr) in addresses {
        let doc: TantivyDocument = searcher.doc(addr).map_err(err)?;
        let snippet = match &snippets {
            Some((body, summary)) => {
                let mut s = body.snippet_from_doc(&doc);
                if s.is_empty() {
                    s = summary.snippet_from_doc(&doc);
                }
                s.set_snippet_prefix_postfix("<mark>", "</mark>");
                s.to_html()
            }
            None => String::new(),
        };
        hits.push(hit(f, &doc, snippet, score, now)?);
    }
    Ok(SearchResults { total, hits, facets })
}

fn hit(f: &Fields, doc: &TantivyDocument, snippet: String, score: f32, now: Timestamp) -> Result<SearchHit, SearchError> {
    let text = |field| doc.get_first(field).and_then(|v| v.as_str()).unwrap_or_default().to_string();
    let u64_of = |field| doc.get_first(field).and_then(|v| v.as_u64()).unwrap_or_default();
    let i64_of = |field| doc.get_first(field).and_then(|v| v.as_i64()).unwrap_or_default();
    let corrupt = |what: &str| SearchError::Index(format!("indexed document has a bad {what}"));
    let next_review_at = chrono::DateTime::from_timestamp_millis(i64_of(f.next_review_at)).unwrap_or_default();
    let review_state = ReviewState::at(next_review_at, now);
    Ok(SearchHit {
        id: AssetId(u64_of(f.id) as i64),
        kind: AssetKind::parse(&text(f.kind)).map_err(|_| corrupt("kind"))?,
        title: text(f.title),
        summary: text(f.summary),
        snippet,
        status: Status::parse(&text(f.status)).map_err(|_| corrupt("status"))?,
        team_id: TeamId(u64_of(f.team) as i64),
        owner_id: UserId(u64_of(f.owner) as i64),
        updated_at: chrono::DateTime::from_timestamp_millis(i64_of(f.updated_at)).unwrap_or_default(),
        next_review_at,
        review_state,
        stale: review_state == ReviewState::Overdue,
        score,
    })
}

pub(crate) fn suggest(ix: &TantivyIndex, prefix: &str, visible: &Condition, limit: usize) -> Result<Vec<Suggestion>, SearchError> {
    let f = &ix.fields;
    let searcher: Searcher = ix.reader.searcher();
    let mut analyser = searcher.index().tokenizers().get(PLAIN).ok_or_else(|| err("missing tokenizer"))?;
    let mut stream = analyser.token_stream(prefix);
    let mut words = Vec::new();
    while stream.advance() {
        words.push(stream.token().text.clone());
    }
    let Some(last) = words.last() else { return Ok(Vec::new()) };
    let typed: Box<dyn Query> = if words.len() == 1 {
        Box::new(FuzzyTermQuery::new_prefix(Term::from_field_text(f.title_plain, last), 0, true))
    } else {
        Box::new(PhrasePrefixQuery::new(words.iter().map(|w| Term::from_field_text(f.title_plain, w)).collect()))
    };
    let q = combine(Some(typed), vec![visibility::filter(f, visible)]);
    let docs = searcher.search(&*q, &TopDocs::with_limit(limit.clamp(1, 20)).order_by_score()).map_err(err)?;
    docs.into_iter()
        .map(|(_, addr)| {
            let doc: TantivyDocument = searcher.doc(addr).map_err(err)?;
            let kind = doc.get_first(f.kind).and_then(|v| v.as_str()).unwrap_or_default();
            Ok(Suggestion {
                id: AssetId(doc.get_first(f.id).and_then(|v| v.as_u64()).unwrap_or_default() as i64),
                title: doc.get_first(f.title).and_then(|v| v.as_str()).unwrap_or_default().to_string(),
                kind: AssetKind::parse(kind).map_err(|_| err("indexed document has a bad kind"))?,
            })
        })
        .collect()
}
