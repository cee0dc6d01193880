//! Search, type-ahead and the synonym list, always filtered by what the asker may see.
use chrono::Utc;
use signpost_domain::FieldError;
use signpost_domain::audit::AuditRecord;
use signpost_domain::people::Actor;
use signpost_domain::search::{SearchRequest, SearchResults, Suggestion, SynonymGroup, TextMatch};

use crate::{ServiceError, Signpost, policy};

/// Longest query accepted.
pub const MAX_QUERY: usize = 500;
/// Deepest result reachable by paging.
pub const MAX_OFFSET: usize = 10_000;

impl Signpost {
    /// Searches the assets the actor may see.
    pub async fn search(&self, actor: &Actor, request: SearchRequest) -> Result<SearchResults, ServiceError> {
        let mut errors = Vec::new();
        if request.query.chars().count() > MAX_QUERY {
            errors.push(FieldError::new("q", format!("must be {MAX_QUERY} characters or fewer")));
        }
        if !(1..=100).contains(&request.limit) {
            errors.push(FieldError::new("limit", "must be between 1 and 100"));
        }
        if request.offset > MAX_OFFSET {
            errors.push(FieldError::new("offset", format!("must be {MAX_OFFSET} or less: refine the search instead")));
        }
        if !errors.is_empty() {
            return Err(ServiceError::Invalid(errors));
        }
        let mut request = self.with_query_vector(request).await;
        if !request.topics.is_empty() {
            // Topics as the thesaurus reads them: a non-preferred term as its preferred
            // one, and, when asked, with the narrower terms beneath it.
            let thesaurus = self.store.thesaurus().await?;
            if !thesaurus.terms.is_empty() {
                request.topics = thesaurus.expand(&request.topics, request.narrower_topics);
            }
        }
        let visible = policy::view_condition(actor);
        let index = self.index.clone();
        Ok(tokio::task::spawn_blocking(move || index.search(&request, &visible, Utc::now()))
            .await
            .map_err(|e| ServiceError::caused("the search task stopped", e))??)
    }

    /// How well each text matches the whole of `query`, judged by the search engine's
    /// own analysis and word weights (off the async workers: the texts may be many).
    pub(crate) async fn match_texts(&self, query: &str, texts: Vec<String>) -> Result<Vec<TextMatch>, ServiceError> {
        let (index, query) = (self.index.clone(), query.to_string());
        tokio::task::spawn_blocking(move || index.match_texts(&query, &texts.iter().map(String::as_str).collect::<Vec<_>>()))
            .await
            .map_err(|e| ServiceError::caused("the matching task stopped", e))
    }

    /// How well `text` matches each of `queries` (a question against people's skills).
    pub(crate) async fn match_each(&self, queries: Vec<String>, text: &str) -> Result<Vec<TextMatch>, ServiceError> {
        let (index, text) = (self.index.clone(), text.to_string());
        tokio::task::spawn_blocking(move || queries.iter().map(|q| index.match_texts(q, &[&text]).remove(0)).collect())
            .await
            .map_err(|e| ServiceError::caused("the matching task stopped", e))
    }

    /// Titles of visible assets that start with what has been typed.
    pub async fn suggest(&self, actor: &Actor, prefix: &str, limit: usize) -> Result<Vec<Suggestion>, ServiceError> {
        if prefix.chars().count() > 100 {
            return Err(ServiceError::invalid("q", "must be 100 characters or fewer"));
        }
        Ok(self.index.suggest(prefix, &policy::view_condition(actor), limit.clamp(1, 20))?)
    }

    /// The synonym and acronym list.
    pub async fn synonyms(&self, _actor: &Actor) -> Result<Vec<SynonymGroup>, ServiceError> {
        Ok(self.store.synonyms().await?)
    }

    /// Replaces the synonym list (knowledge specialists and admins).
    pub async fn replace_synonyms(&self, actor: &Actor, groups: Vec<SynonymGroup>) -> Result<Vec<SynonymGroup>, ServiceError> {
        policy::ensure_specialist(actor)?;
        let mut errors = Vec::new();
        if groups.len() > 2_000 {
            errors.push(FieldError::new("groups", "at most 2000 groups"));
        }
        let groups: Vec<SynonymGroup> = groups
            .into_iter()
            .map(|g| SynonymGroup { terms: g.terms.into_iter().map(|t| t.trim().to_string()).filter(|t| !t.is_empty()).collect() })
            .collect();
        for (i, g) in groups.iter().enumerate() {
            if g.terms.len() < 2 {
                errors.push(FieldError::new(format!("groups[{i}]"), "a group needs at least two terms"));
            }
            if g.terms.iter().any(|t| t.chars().count() > 100) {
                errors.push(FieldError::new(format!("groups[{i}]"), "each term must be 100 characters or fewer"));
            }
        }
        if !errors.is_empty() {
            return Err(ServiceError::Invalid(errors));
        }
        let audit = AuditRecord::new(Some(actor.user_id), "synonyms.replace", format!("{} synonym groups", groups.len()));
        self.store.replace_synonyms(&groups, audit).await?;
        self.index.set_synonyms(&groups);
        self.wrote();
        Ok(groups)
    }
}
