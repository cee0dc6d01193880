//! So nobody searches twice: before a specialist starts, the earlier requests on
//! similar questions (with their searches and summaries) and the evidence summaries
//! most like the question, found by the lessons loop's own permission-filtered search.
use serde::Serialize;
use signpost_domain::StoreError;
use signpost_domain::assets::Status;
use signpost_domain::audit::AuditRecord;
use signpost_domain::evidence::{EvidenceRequest, RequestState};
use signpost_domain::fields::AssetKind;
use signpost_domain::people::Actor;
use signpost_domain::search::{FUNCTION_WORDS, SearchHit};
use utoipa::ToSchema;

use crate::search::MAX_QUERY;
use crate::{ServiceError, Signpost, policy};

/// How many earlier requests and summaries are shown.
const SHOWN: usize = 5;
/// How alike (0–1, both ways, by the search engine's word weights) an earlier question must be.
const ALIKE_AT: f64 = 0.3;
/// How well a summary must match the question, either way, to be shown.
const RELEVANT_AT: f32 = 0.4;

/// An earlier request on a similar question.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EarlierRequest {
    /// The request, with its searches.
    pub request: EvidenceRequest,
    /// How alike (0 to 1).
    pub likeness: f64,
    /// Its evidence summary's title, if the reader may see the summary.
    pub summary_title: Option<String>,
}

/// Earlier work on a request's question.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SimilarWork {
    /// Earlier requests, most alike first.
    pub requests: Vec<EarlierRequest>,
    /// Published evidence summaries the reader may see, most relevant first.
    pub summaries: Vec<SearchHit>,
}

/// A request's words: the question and its PICO parts.
fn request_text(r: &EvidenceRequest) -> String {
    let mut text = r.question.clone();
    for (_, part) in r.pico.parts() {
        text.push('\n');
        text.push_str(part);
    }
    text
}

/// What the search looks for: the request's words without those that only say how the
/// question was put ("what is the evidence for…"), cut to a query's length.
fn request_query(r: &EvidenceRequest) -> String {
    let text = request_text(r);
    let words: Vec<&str> = text
        .split_whitespace()
        .filter(|w| !FUNCTION_WORDS.contains(&w.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase().as_str()))
        .collect();
    words.join(" ").chars().take(MAX_QUERY).collect()
}

impl Signpost {
    /// Earlier requests, searches and summaries like this request (knowledge specialists).
    pub async fn similar_evidence_work(&self, actor: &Actor, id: i64) -> Result<SimilarWork, ServiceError> {
        let request = self.readable_request(actor, id).await?;
        policy::ensure_specialist(actor)?;
        let earlier: Vec<EvidenceRequest> = self
            .store
            .evidence_requests()
            .await?
            .into_iter()
            .filter(|r| r.id != id && r.state != RequestState::Withdrawn && (!r.searches.is_empty() || r.summary_id.is_some()))
            .collect();
        let mine = request_text(&request);
        let texts: Vec<String> = earlier.iter().map(request_text).collect();
        let theirs_in_mine = self.match_each(texts.clone(), &mine).await?;
        let mine_in_theirs = self.match_texts(&mine, texts).await?;
        let mut requests = Vec::new();
        for (r, (a, b)) in earlier.into_iter().zip(theirs_in_mine.iter().zip(&mine_in_theirs)) {
            let likeness = f64::from(a.score + b.score) / 2.0;
            if likeness < ALIKE_AT {
                continue;
            }
            let summary_title = match r.summary_id {
                Some(sid) => match self.store.asset(sid).await {
                    Ok(a) if policy::can_view(actor, &a) => Some(a.title),
                    Ok(_) | Err(StoreError::NotFound) => None,
                    Err(e) => return Err(e.into()),
                },
                None => None,
            };
            requests.push(EarlierRequest { request: r, likeness, summary_title });
        }
        requests.sort_by(|a, b| b.likeness.total_cmp(&a.likeness).then(b.request.id.cmp(&a.request.id)));
        requests.truncate(SHOWN);

        let query = request_query(&request);
        let hits: Vec<SearchHit> = if query.trim().is_empty() {
            Vec::new()
        } else {
            self.loop_search(actor, &query, vec![AssetKind::EvidenceSummary])
                .await?
                .into_iter()
                .filter(|h| Some(h.id) != request.summary_id && h.status == Status::Published)
                .collect()
        };
        let texts: Vec<String> = hits.iter().map(|h| format!("{}\n{}", h.title, h.summary)).collect();
        let titles: Vec<String> = hits.iter().map(|h| h.title.clone()).collect();
        let question_in_hit = self.match_texts(&query, texts).await?;
        let title_in_question = self.match_each(titles, &mine).await?;
        let summaries = hits
            .into_iter()
            .zip(question_in_hit.iter().zip(&title_in_question))
            .filter(|(_, (a, b))| a.score.max(b.score) >= RELEVANT_AT)
            .map(|(h, _)| h)
            .take(SHOWN)
            .collect();
        Ok(SimilarWork { requests, summaries })
    }

    /// Records that this request built on an earlier one's search or summary, for the
    /// report's count of reuse.
    pub async fn reuse_earlier_request(&self, actor: &Actor, id: i64, earlier_id: i64) -> Result<EvidenceRequest, ServiceError> {
        let mut request = self.readable_request(actor, id).await?;
        policy::ensure_can_work_on_request(actor, &request)?;
        if earlier_id == id {
            return Err(ServiceError::invalid("earlier", "a request cannot build on itself"));
        }
        self.readable_request(actor, earlier_id).await?;
        if request.reused.contains(&earlier_id) {
            return Ok(request);
        }
        request.reused.push(earlier_id);
        let audit = AuditRecord::new(Some(actor.user_id), "evidence.reuse", format!("request {id} built on request {earlier_id}"));
        Ok(self.store.update_evidence_request(&request, &[], audit).await?)
    }
}
