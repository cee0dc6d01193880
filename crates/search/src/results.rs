//! Running searches and suggestions: filter, score, count facets, cut snippets.
use fixedbitset::FixedBitSet;
use signpost_domain::assets::Status;
use signpost_domain::fields::AssetKind;
use signpost_domain::ports::SearchError;
use signpost_domain::review::ReviewState;
use signpost_domain::search::{FacetCount, Facets, SearchHit, SearchRequest, SearchResults, SortOrder, Suggestion};
use signpost_domain::visibility::Condition;
use signpost_domain::{AssetId, TeamId, Timestamp, UserId};
use tantivy::query::{AllQuery, FuzzyTermQuery, PhrasePrefixQuery, Query};
use tantivy::schema::Value;
use tantivy::snippet::SnippetGenerator;
use tantivy::{DocAddress, Searcher, TantivyDocument, Term};

use crate::collect::{self, View};
use crate::facet_counts::{self, Counted, Filters, ReviewClock};
use crate::fields::{Fields, PLAIN};
use crate::hybrid::{self, HybridQuery};
use crate::index::TantivyIndex;
use crate::query;

/// Most results one page may ask for.
pub const MAX_PAGE: usize = 100;

fn err(e: impl std::fmt::Display) -> SearchError {
    SearchError::Index(e.to_string())
}

fn facets_of(c: Counted) -> Facets {
    let [current, due_soon, overdue] = c.review;
    Facets {
        kind: c.kind,
        topic: c.topic,
        topic_values: c.topic_values,
        status: c.status,
        team: c.team,
        team_values: c.team_values,
        review_state: [(ReviewState::Current, current), (ReviewState::DueSoon, due_soon), (ReviewState::Overdue, overdue)]
            .into_iter()
            .map(|(s, count)| FacetCount { value: s.as_str().to_string(), count })
            .collect(),
    }
}

pub(crate) fn search(ix: &TantivyIndex, r: &SearchRequest, visible: &Condition, now: Timestamp) -> Result<SearchResults, SearchError> {
    let f = &ix.fields;
    let searcher = ix.reader.searcher();
    let synonyms = ix.synonyms.read().map_err(err)?.clone();
    let text = query::text_query(f, &ix.tuning.weights, &searcher, &synonyms, &r.query);
    let limit = r.limit.clamp(1, MAX_PAGE);
    let clock = ReviewClock::at(now);
    let filters = Filters::of(r, clock);
    let view = View::new(ix, &searcher, visible, Some(&filters)).map_err(err)?;
    let facets_wanted = r.facets.then_some(&filters);
    let vectors = ix.vectors.read().map_err(err)?;
    let hybrid = r.sort == SortOrder::Relevance && ix.tuning.fusion.semantic > 0.0 && vectors.len() > 0;

    let (addresses, total, counted): (Vec<(f32, DocAddress)>, usize, _) = match (&text, r.vector.as_deref()) {
        (Some(text), Some(vector)) if hybrid => {
            let ranked = hybrid::rank(
                f,
                &searcher,
                &vectors,
                &view,
                HybridQuery { text, vector, fusion: ix.tuning.fusion, offset: r.offset, limit, facets: facets_wanted },
            )?;
            (ranked.page, ranked.total, ranked.facets)
        }
        (Some(text), _) if r.sort == SortOrder::Relevance && !text.prunable => {
            // A phrase is scored at every match: rank and collect in that one pass
            // rather than reading every candidate's positions twice.
            let scoring = collect::Scoring::new(&searcher, &*text.scoring, &text.clauses).map_err(err)?;
            let (page, sets) = collect::best_and_matched(&searcher, &scoring, &view, r.offset + limit).map_err(err)?;
            let (total, counted) = facet_counts::tally(&sets, &view.columns, facets_wanted);
            (page.into_iter().skip(r.offset).collect(), total, counted)
        }
        (Some(text), _) => {
            let matching =
                text.matching.iter().map(|q| collect::weight(&searcher, &**q, false)).collect::<Result<Vec<_>, _>>().map_err(err)?;
            let sets = collect::matched(&searcher, &matching, &view).map_err(err)?;
            let (total, counted) = facet_counts::tally(&sets, &view.columns, facets_wanted);
            let page = if r.sort == SortOrder::Relevance {
                let scoring = collect::Scoring::new(&searcher, &*text.scoring, &text.clauses).map_err(err)?;
                collect::best_by_score(&searcher, &scoring, &view, r.offset + limit).map_err(err)?
            } else {
                collect::most_recent(&sets, &view, r.offset + limit).into_iter().map(|a| (0.0, a)).collect()
            };
            (page.into_iter().skip(r.offset).collect(), total, counted)
        }
        (None, _) => {
            let sets: Vec<FixedBitSet> = view.allowed.iter().map(|s| (**s).clone()).collect();
            let (total, counted) = facet_counts::tally(&sets, &view.columns, facets_wanted);
            let page = collect::most_recent(&sets, &view, r.offset + limit);
            (page.into_iter().skip(r.offset).map(|a| (0.0, a)).collect(), total, counted)
        }
    };
    let facets = counted.map(facets_of);

    let snippets = if r.snippets && text.is_some() {
        // Scoring may read only the combined field; highlighting needs the words as they sit in the body and summary.
        let shown = crate::tuning::FieldWeights { title: 0.0, tags: 0.0, summary: 1.0, details: 0.0, body: 1.0, all: 0.0 };
        let highlight = query::text_query(f, &shown, &searcher, &synonyms, &r.query)
            .map_or_else(|| Box::new(AllQuery) as Box<dyn Query>, |t| t.scoring);
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
    let view = View::new(ix, &searcher, visible, None).map_err(err)?;
    let scoring = collect::Scoring::new(&searcher, &*typed, std::slice::from_ref(&typed)).map_err(err)?;
    let docs = collect::best_by_score(&searcher, &scoring, &view, limit.clamp(1, 20)).map_err(err)?;
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
