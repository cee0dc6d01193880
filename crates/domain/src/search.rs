//! What a search asks for and what it answers.
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::assets::Status;
use crate::fields::AssetKind;
use crate::review::ReviewState;
use crate::{AssetId, TeamId, UserId};

/// How results are ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SortOrder {
    /// Best match first.
    #[default]
    Relevance,
    /// Most recently updated first.
    Recency,
}

/// A search over the assets the asker may see.
#[derive(Debug, Clone, Default)]
pub struct SearchRequest {
    /// What the person typed: words, "quoted phrases", acronyms.
    pub query: String,
    /// Only these kinds (any of them), if not empty.
    pub kinds: Vec<AssetKind>,
    /// Only these topics (any of them), if not empty.
    pub topics: Vec<String>,
    /// Only these teams (any of them), if not empty.
    pub teams: Vec<TeamId>,
    /// Only these statuses, if not empty.
    pub statuses: Vec<Status>,
    /// Only these review states, if not empty.
    pub review_states: Vec<ReviewState>,
    /// Order.
    pub sort: SortOrder,
    /// Results to skip.
    pub offset: usize,
    /// Results to return.
    pub limit: usize,
    /// Whether to compute highlighted snippets.
    pub snippets: bool,
    /// Whether to count facets.
    pub facets: bool,
    /// The query's embedding: when present, results are ranked by words and meaning
    /// together, and assets close in meaning match even without the words.
    pub vector: Option<Vec<f32>>,
    /// Each topic filter takes in its narrower terms in the thesaurus too.
    pub narrower_topics: bool,
}

/// One result.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SearchHit {
    /// Asset.
    pub id: AssetId,
    /// Kind.
    pub kind: AssetKind,
    /// Title.
    pub title: String,
    /// Summary.
    pub summary: String,
    /// A passage of the text around the matched words, HTML-escaped, with matches in `<mark>`.
    pub snippet: String,
    /// Status.
    pub status: Status,
    /// Team.
    pub team_id: TeamId,
    /// Owner.
    pub owner_id: UserId,
    /// Last change.
    pub updated_at: DateTime<Utc>,
    /// Next review date.
    pub next_review_at: DateTime<Utc>,
    /// Review state now.
    pub review_state: ReviewState,
    /// Past its review date.
    pub stale: bool,
    /// Relevance score (higher is better).
    pub score: f32,
}

/// A facet value and how many visible matching assets have it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct FacetCount {
    /// The value.
    pub value: String,
    /// How many.
    pub count: u64,
}

/// Most values a many-valued facet (topic, team) lists: enough to choose from at a
/// glance, as search engines' facets default to (Elasticsearch 10, Meilisearch 100).
pub const FACET_VALUES: usize = 20;

/// Counts of matching assets by facet, among those the asker may see.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct Facets {
    /// By kind.
    pub kind: Vec<FacetCount>,
    /// By topic: the 20 most common (`FACET_VALUES`), and any the search filters by.
    pub topic: Vec<FacetCount>,
    /// How many different topics the matches have, listed or not.
    pub topic_values: usize,
    /// By team (the value is the team id): the 20 most common (`FACET_VALUES`), and
    /// any the search filters by.
    pub team: Vec<FacetCount>,
    /// How many different teams the matches are in, listed or not.
    pub team_values: usize,
    /// By status.
    pub status: Vec<FacetCount>,
    /// By review state.
    pub review_state: Vec<FacetCount>,
}

/// The answer to a search.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SearchResults {
    /// How many visible assets match in all.
    pub total: usize,
    /// This page of results.
    pub hits: Vec<SearchHit>,
    /// Facet counts over all matches, when asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub facets: Option<Facets>,
}

/// A type-ahead suggestion: an asset title matching what has been typed.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Suggestion {
    /// Asset.
    pub id: AssetId,
    /// Its title.
    pub title: String,
    /// Its kind.
    pub kind: AssetKind,
}

/// How well one short text matches the whole of a query (see `SearchIndex::match_texts`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, ToSchema)]
pub struct TextMatch {
    /// From 0 (no word in common) to 1 (every word, as a phrase when there are several).
    pub score: f32,
    /// Whether the query's words appear together, in order.
    pub phrase: bool,
    /// The query's words the text contains, as they were typed.
    pub words: Vec<String>,
}

/// Terms that mean the same, e.g. `AAR`, `after action review`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SynonymGroup {
    /// The equivalent terms; each may be several words.
    pub terms: Vec<String>,
}

/// A page of a list that can grow.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Page<T> {
    /// The items on this page.
    pub items: Vec<T>,
    /// How many there are in all.
    pub total: i64,
    /// Items skipped.
    pub offset: i64,
    /// Page size.
    pub limit: i64,
}

/// Words that carry how a person asks, not what about ("how do we", "our own"): left
/// out when a text is matched against another, beside the index's stop words.
pub const FUNCTION_WORDS: [&str; 33] = [
    "how", "what", "when", "where", "who", "whom", "why", "which", "do", "does", "did", "we", "our", "us", "you", "your", "i", "my", "me",
    "can", "could", "should", "would", "has", "have", "had", "anyone", "anybody", "someone", "other", "others", "any", "own",
];
