//! From search to difference made: the evidence summary written for a request, the
//! results selected and appraised in it, delivery, and the follow-up weeks later whose
//! answer becomes an impact statement.
use chrono::{Duration, NaiveDate, Utc};
use serde::Deserialize;
use signpost_domain::assets::{Status, Visibility};
use signpost_domain::audit::AuditRecord;
use signpost_domain::evidence::{Audience, EvidenceRequest, FollowUp, RequestState};
use signpost_domain::fields::AssetKind;
use signpost_domain::impact::{ImpactKind, ImpactStatement, ImpactSubject, StakeholderLevel};
use signpost_domain::people::Actor;
use signpost_domain::{AssetId, FieldError, StoreError};
use utoipa::ToSchema;

use super::{Watchers, about, notices};
use crate::assets::AssetInput;
use crate::references::{sources_of, unchanged};
use crate::validate::check_text;
use crate::{ServiceError, Signpost, policy};

/// Characters in one result's appraisal note.
const MAX_APPRAISAL: usize = 2_000;

/// The specialist's verdict on one result of the search.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AppraisalChoice {
    /// Its position among the summary's sources, from 0.
    pub position: usize,
    /// Kept in the summary.
    pub keep: bool,
    /// What the specialist made of it.
    #[serde(default)]
    pub appraisal: String,
}

/// The requester's answer to the follow-up.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FollowUpInput {
    /// What difference it made.
    pub kind: ImpactKind,
    /// What the evidence was used for and what changed, in their words.
    pub quote: String,
    /// Their role.
    #[serde(default)]
    pub role: String,
    /// Who acted on it.
    pub stakeholder: StakeholderLevel,
    /// The decision it informed, for `influenced_decision`.
    #[serde(default)]
    pub decision: String,
}

impl Signpost {
    /// Starts the evidence summary for a request being searched: a draft with the
    /// question, the date of the latest search, and the audience the requester chose.
    pub async fn start_evidence_summary(&self, actor: &Actor, id: i64) -> Result<EvidenceRequest, ServiceError> {
        let request = self.readable_request(actor, id).await?;
        policy::ensure_can_work_on_request(actor, &request)?;
        if request.summary_id.is_some() {
            return Err(ServiceError::Conflict("this request already has an evidence summary".into()));
        }
        let requester = self.store.user(request.requester_id).await?;
        let (visibility, team_id, named_viewers) = match request.audience {
            Audience::Named => (Visibility::Named, None, request.watchers()),
            Audience::Team => (Visibility::Team, requester.team_id, Vec::new()),
            Audience::Organisation => (Visibility::Organisation, None, Vec::new()),
        };
        let searched = request.searches.iter().map(|s| s.run_on).max().unwrap_or_else(|| Utc::now().date_naive());
        let title: String = request.question.chars().take(200).collect();
        let input = AssetInput {
            fields: serde_json::json!({ "question": request.question, "date_searched": searched.to_string(), "sources": [], "appraisal": "" }),
            team_id,
            visibility: Some(visibility),
            named_viewers,
            status: Some(Status::Draft),
            ..AssetInput::new(AssetKind::EvidenceSummary, title)
        };
        let summary = self.create_asset(actor, input).await?;
        let linked = EvidenceRequest { summary_id: Some(summary.asset.id), ..request };
        let audit = AuditRecord::new(
            Some(actor.user_id),
            "evidence.summary",
            format!("started evidence summary {} for request {id}", summary.asset.id),
        );
        // A request changed meanwhile keeps the draft, unlinked, in the specialist's own drafts.
        Ok(self.store.update_evidence_request(&linked, &[], audit).await?)
    }

    /// The request being searched and its summary, for a change to the summary.
    async fn summary_to_work_on(&self, actor: &Actor, id: i64) -> Result<(EvidenceRequest, AssetId), ServiceError> {
        let request = self.readable_request(actor, id).await?;
        policy::ensure_can_work_on_request(actor, &request)?;
        let summary = request.summary_id.ok_or_else(|| ServiceError::Conflict("start the evidence summary first".into()))?;
        Ok((request, summary))
    }

    /// Keeps the selected results in the summary with their appraisal notes and drops
    /// the rest, as one change made against the summary's `version`.
    pub async fn appraise_results(
        &self,
        actor: &Actor,
        id: i64,
        version: i64,
        choices: Vec<AppraisalChoice>,
    ) -> Result<usize, ServiceError> {
        let (_, summary_id) = self.summary_to_work_on(actor, id).await?;
        let asset = self.editable(actor, summary_id).await?;
        if asset.version != version {
            return Err(ServiceError::Conflict("the evidence summary changed since you opened it; look at the results again".into()));
        }
        let sources = sources_of(&asset).to_vec();
        if choices.len() > sources.len() {
            return Err(ServiceError::invalid("choices", "there are more choices than results"));
        }
        let mut errors = Vec::new();
        let mut kept = Vec::new();
        let mut seen = vec![false; sources.len()];
        for c in &choices {
            let Some(source) = sources.get(c.position) else {
                errors.push(FieldError::new(format!("appraisal-{}", c.position), "there is no such result"));
                continue;
            };
            if std::mem::replace(&mut seen[c.position], true) {
                errors.push(FieldError::new(format!("appraisal-{}", c.position), "this result was chosen twice"));
                continue;
            }
            check_text(&format!("appraisal-{}", c.position), &c.appraisal, false, MAX_APPRAISAL, &mut errors);
            if c.keep {
                let note = c.appraisal.trim();
                kept.push(signpost_domain::fields::Source { appraisal: (!note.is_empty()).then(|| note.to_string()), ..source.clone() });
            }
        }
        // Results not in the form (added meanwhile by an import) stay, unjudged.
        kept.extend(sources.iter().zip(&seen).filter(|(_, s)| !**s).map(|(src, _)| src.clone()));
        if !errors.is_empty() {
            return Err(ServiceError::Invalid(errors));
        }
        let n = kept.len();
        let mut input = unchanged(&asset);
        input.fields["sources"] = serde_json::to_value(&kept).unwrap_or_default();
        self.update_asset(actor, summary_id, input).await?;
        Ok(n)
    }

    /// Publishes the summary and tells the requester and the people they named.
    pub async fn deliver_evidence(&self, actor: &Actor, id: i64) -> Result<EvidenceRequest, ServiceError> {
        let (request, summary_id) = self.summary_to_work_on(actor, id).await?;
        if request.searches.is_empty() {
            return Err(ServiceError::Conflict("record the searches you ran before delivering".into()));
        }
        let asset = self.editable(actor, summary_id).await?;
        if asset.status != Status::Published {
            // Dated by the latest search recorded and published in one change, so a summary
            // not ready to publish is left exactly as it was.
            let mut input = unchanged(&asset);
            if let Some(latest) = request.searches.iter().map(|s| s.run_on).max() {
                input.fields["date_searched"] = serde_json::Value::String(latest.to_string());
            }
            input.status = Some(Status::Published);
            self.update_asset(actor, summary_id, input).await?;
        }
        let now = Utc::now();
        let weeks = self.follow_up_weeks().await?;
        let delivered = EvidenceRequest {
            state: RequestState::Delivered,
            delivered_at: Some(now),
            follow_up_due: Some(now.date_naive() + Duration::weeks(weeks.into())),
            ..request
        };
        let notes = notices(delivered.watchers(), &delivered, &format!("The evidence you asked for is ready: {}", about(&delivered)), now);
        let audit = AuditRecord::new(Some(actor.user_id), "evidence.deliver", format!("delivered evidence request {id}"));
        Ok(self.store.update_evidence_request(&delivered, &notes, audit).await?)
    }

    /// Asks each requester whose follow-up has fallen due what difference the evidence
    /// made. From any number of nodes at once: a request is asked once, by whichever
    /// node moves it on first.
    pub async fn send_evidence_follow_ups(&self, today: NaiveDate) -> Result<usize, ServiceError> {
        let mut asked = 0;
        for request in self.store.follow_ups_due(today).await? {
            let now = Utc::now();
            let text = format!("What difference did the evidence make? Tell the library service in two minutes: {}", about(&request));
            let notes = notices([request.requester_id], &request, &text, now);
            let followed = EvidenceRequest { follow_up: Some(FollowUp { asked_at: now, impact_id: None, answered_at: None }), ..request };
            let audit =
                AuditRecord::new(None, "evidence.follow_up", format!("asked for the difference evidence request {} made", followed.id));
            match self.store.update_evidence_request(&followed, &notes, audit).await {
                Ok(_) => asked += 1,
                Err(StoreError::Conflict(_)) => {}
                Err(e) => return Err(e.into()),
            }
        }
        Ok(asked)
    }

    /// Records the requester's answer as an impact statement on the evidence summary.
    pub async fn answer_follow_up(&self, actor: &Actor, id: i64, input: FollowUpInput) -> Result<ImpactStatement, ServiceError> {
        let request = self.readable_request(actor, id).await?;
        if !policy::can_answer_follow_up(actor, &request) {
            return Err(ServiceError::Conflict("there is no follow-up waiting for your answer on this request".into()));
        }
        let summary_id = request.summary_id.ok_or_else(|| ServiceError::Conflict("the request has no evidence summary".into()))?;
        let mut errors = Vec::new();
        if input.quote.trim().is_empty() {
            errors.push(FieldError::new("quote", "say what you used the evidence for and what changed"));
        }
        check_text("quote", &input.quote, false, 2_000, &mut errors);
        check_text("role", &input.role, false, 200, &mut errors);
        check_text("decision", &input.decision, input.kind == ImpactKind::InfluencedDecision, 1_000, &mut errors);
        if !errors.is_empty() {
            return Err(ServiceError::Invalid(errors));
        }
        let me = self.store.user(actor.user_id).await?;
        let now = Utc::now();
        let statement = ImpactStatement {
            id: 0,
            subject: ImpactSubject::Asset(summary_id),
            kind: input.kind,
            quote: input.quote.trim().to_string(),
            attributed_to: me.name,
            role: if input.role.trim().is_empty() { me.job_title } else { input.role.trim().to_string() },
            stakeholder: input.stakeholder,
            decision: input.decision.trim().to_string(),
            said_on: now.date_naive(),
            recorded_by: actor.user_id,
            recorded_at: now,
        };
        let audit = AuditRecord::new(
            Some(actor.user_id),
            "impact.record",
            format!("answered the follow-up to evidence request {id}: \"{}\"", input.kind.label()),
        );
        let (_, statement) = self.store.answer_follow_up(&request, &statement, audit).await.map_err(|e| match e {
            StoreError::Conflict(_) => ServiceError::Conflict("the follow-up was answered meanwhile".into()),
            e => e.into(),
        })?;
        Ok(statement)
    }
}
