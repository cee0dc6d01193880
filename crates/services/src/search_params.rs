//! The parameters of a search, shared by `/api/v1/search`, the search page, feeds and
//! saved searches: one definition of the filters and how each bad value is reported.
use crate::ServiceError;
use serde::Deserialize;
use signpost_domain::FieldError;
use signpost_domain::assets::Status;
use signpost_domain::fields::AssetKind;
use signpost_domain::review::ReviewState;
use signpost_domain::search::{SearchRequest, SortOrder};
use utoipa::IntoParams;

/// A search. List filters take comma-separated values, any of which may match.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// Words, "quoted phrases", acronyms.
    #[serde(default)]
    pub q: String,
    /// Kinds, e.g. `lesson,guidance`.
    kind: Option<String>,
    /// Topics.
    topic: Option<String>,
    /// Team ids.
    team: Option<String>,
    /// Statuses.
    status: Option<String>,
    /// Review states: `current`, `due_soon`, `overdue`.
    review: Option<String>,
    /// Topics take in their narrower terms in the thesaurus (`true`).
    #[serde(default)]
    narrower: bool,
    /// `relevance` (default) or `recency`.
    #[serde(default)]
    sort: SortOrder,
    /// Results to skip.
    #[serde(default)]
    pub offset: usize,
    /// Page size, 1 to 100.
    #[serde(default = "default_page")]
    limit: usize,
    /// Count the matches by kind, topic, team, status and review state (`true`).
    #[serde(default)]
    facets: bool,
}

/// Ten results a page unless asked otherwise.
pub fn default_page() -> usize {
    10
}

impl SearchParams {
    /// Parses the filters; every bad value is reported with its parameter.
    pub fn into_request(self) -> Result<SearchRequest, ServiceError> {
        let p = self;
        let mut errors = Vec::new();
        let request = SearchRequest {
            kinds: split("kind", &p.kind, |v| AssetKind::parse(v).ok(), &mut errors),
            topics: split("topic", &p.topic, |v| Some(v.to_lowercase()), &mut errors),
            teams: split("team", &p.team, |v| v.parse().ok(), &mut errors),
            statuses: split("status", &p.status, |v| Status::parse(v).ok(), &mut errors),
            review_states: split("review", &p.review, ReviewState::parse, &mut errors),
            query: p.q,
            sort: p.sort,
            offset: p.offset,
            limit: p.limit,
            snippets: true,
            facets: p.facets,
            vector: None,
            narrower_topics: p.narrower,
        };
        if errors.is_empty() { Ok(request) } else { Err(ServiceError::Invalid(errors)) }
    }

    /// Builds the parameters from a query string in which a filter may repeat
    /// (`kind=lesson&kind=guidance`, as checkboxes send them).
    pub fn from_pairs(pairs: &[(String, String)], limit: usize) -> Result<Self, ServiceError> {
        let joined = |key: &str| {
            let values: Vec<&str> = pairs.iter().filter(|(k, v)| k == key && !v.is_empty()).map(|(_, v)| v.as_str()).collect();
            (!values.is_empty()).then(|| values.join(","))
        };
        let one = |key: &str| pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone());
        let page: usize = match one("page") {
            Some(p) => p.parse().ok().filter(|p| *p >= 1).ok_or_else(|| ServiceError::invalid("page", "must be a whole number from 1"))?,
            None => 1,
        };
        let sort = match one("sort").as_deref() {
            None | Some("" | "relevance") => SortOrder::Relevance,
            Some("recency") => SortOrder::Recency,
            Some(other) => return Err(ServiceError::invalid("sort", format!("{other:?} is not relevance or recency"))),
        };
        Ok(SearchParams {
            q: one("q").unwrap_or_default(),
            kind: joined("kind"),
            topic: joined("topic"),
            team: joined("team"),
            status: joined("status"),
            review: joined("review"),
            narrower: matches!(one("narrower").as_deref(), Some("true" | "yes" | "on")),
            sort,
            offset: (page - 1).saturating_mul(limit),
            limit,
            facets: true,
        })
    }
}

fn split<T>(field: &str, value: &Option<String>, parse: impl Fn(&str) -> Option<T>, errors: &mut Vec<FieldError>) -> Vec<T> {
    value
        .iter()
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .filter_map(|v| {
            let parsed = parse(v);
            if parsed.is_none() {
                errors.push(FieldError::new(field, format!("{v:?} is not a valid value")));
            }
            parsed
        })
        .collect()
}

/// A search as a query string (`q=flu&kind=lesson&kind=guidance`) holds it, as the
/// search page, feeds and saved searches keep it: published knowledge unless the
/// search chose statuses.
pub fn request_from_query(query: &str, limit: usize) -> Result<SearchRequest, ServiceError> {
    let mut pairs: Vec<(String, String)> =
        serde_urlencoded::from_str(query).map_err(|e| ServiceError::invalid("query", format!("the search cannot be read ({e})")))?;
    if !pairs.iter().any(|(k, _)| k == "status" || k == "filtered") {
        pairs.push(("status".into(), "published".into()));
    }
    SearchParams::from_pairs(&pairs, limit)?.into_request()
}
