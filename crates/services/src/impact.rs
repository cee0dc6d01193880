//! Impact: attributable statements recorded on assets and sessions ("I used this",
//! "it changed practice", a decision informed), and the stories showcase with reactions.
use std::collections::HashMap;

use chrono::{Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use signpost_domain::assets::{Asset, Status};
use signpost_domain::audit::AuditRecord;
use signpost_domain::fields::AssetKind;
use signpost_domain::impact::{ImpactKind, ImpactStatement, ImpactSubject, Reaction, ReactionKind, StakeholderLevel};
use signpost_domain::people::Actor;
use signpost_domain::ports::AssetQuery;
use signpost_domain::{AssetId, FieldError};
use utoipa::ToSchema;

use crate::validate::check_text;
use crate::{ServiceError, Signpost, policy};
use signpost_domain::ids::SessionId;

/// A statement as recorded.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ImpactInput {
    /// What it is about.
    pub subject: ImpactSubject,
    /// What difference it made.
    pub kind: ImpactKind,
    /// The words, as said.
    pub quote: String,
    /// Who said it (statements must be attributable).
    pub attributed_to: String,
    /// Their role.
    #[serde(default)]
    pub role: String,
    /// How senior they are.
    pub stakeholder: StakeholderLevel,
    /// The decision it informed, for `influenced_decision`.
    #[serde(default)]
    pub decision: String,
    /// When it was said, `YYYY-MM-DD`; today when empty.
    #[serde(default)]
    pub said_on: String,
}

/// A statement with the title of what it is about.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ImpactView {
    /// The statement.
    pub statement: ImpactStatement,
    /// The asset's or session's title.
    pub subject_title: String,
    /// Where to read it.
    pub link: String,
}

/// A story in the showcase with its reactions.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ShowcaseItem {
    /// The story.
    pub asset: Asset,
    /// How many of each reaction, in [`ReactionKind::ALL`] order.
    pub counts: Vec<usize>,
    /// The reactions the reader has given.
    pub mine: Vec<ReactionKind>,
}

/// A month's showcase.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Showcase {
    /// First day of the month.
    pub month: NaiveDate,
    /// "KNOWvember 2026" in November, otherwise "March 2027".
    pub title: String,
    /// Published stories first shared that month, most reacted to first.
    pub items: Vec<ShowcaseItem>,
}

/// The first day of the month `text` names (`YYYY-MM`).
pub fn parse_month(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(&format!("{}-01", text.trim()), "%Y-%m-%d").ok()
}

fn next_month(d: NaiveDate) -> NaiveDate {
    if d.month() == 12 { NaiveDate::from_ymd_opt(d.year() + 1, 1, 1) } else { NaiveDate::from_ymd_opt(d.year(), d.month() + 1, 1) }
        .unwrap_or(d)
}

impl Signpost {
    /// Records an attributable statement of impact on something the actor may see.
    pub async fn record_impact(&self, actor: &Actor, input: ImpactInput) -> Result<ImpactStatement, ServiceError> {
        policy::ensure_can_contribute_as_staff(actor)?;
        self.impact_subject(actor, input.subject).await?;
        let mut errors = Vec::new();
        check_text("quote", &input.quote, true, 2000, &mut errors);
        check_text("attributed_to", &input.attributed_to, true, 200, &mut errors);
        check_text("role", &input.role, false, 200, &mut errors);
        check_text("decision", &input.decision, input.kind == ImpactKind::InfluencedDecision, 1000, &mut errors);
        let said_on =
            if input.said_on.trim().is_empty() { Some(Utc::now().date_naive()) } else { crate::validate::read_date(&input.said_on) };
        if said_on.is_none_or(|d| d > Utc::now().date_naive()) {
            errors.push(FieldError::new("said_on", "enter the date it was said, like 23 11 2026, today or earlier"));
        }
        if !errors.is_empty() {
            return Err(ServiceError::Invalid(errors));
        }
        let statement = ImpactStatement {
            id: 0,
            subject: input.subject,
            kind: input.kind,
            quote: input.quote.trim().to_string(),
            attributed_to: input.attributed_to.trim().to_string(),
            role: input.role.trim().to_string(),
            stakeholder: input.stakeholder,
            decision: input.decision.trim().to_string(),
            said_on: said_on.unwrap_or_default(),
            recorded_by: actor.user_id,
            recorded_at: Utc::now(),
        };
        let audit = AuditRecord::new(
            Some(actor.user_id),
            "impact.record",
            format!("recorded \"{}\" from {}", statement.kind.label(), statement.attributed_to),
        );
        Ok(self.store.add_impact(&statement, audit).await?)
    }

    /// The title and address of a statement's subject, if the actor may see it.
    pub(crate) async fn impact_subject(&self, actor: &Actor, subject: ImpactSubject) -> Result<(String, String), ServiceError> {
        match subject {
            ImpactSubject::Asset(id) => {
                let asset = self.asset(actor, id).await?;
                Ok((asset.asset.title, format!("/assets/{id}")))
            }
            ImpactSubject::Session(id) => {
                let (session, _, _) = self.session_parts(actor, SessionId(id)).await?;
                Ok((session.title, format!("/sessions/{id}")))
            }
        }
    }

    /// One statement with what it is about, if the actor may see what it is about.
    pub async fn impact_statement(&self, actor: &Actor, id: i64) -> Result<ImpactView, ServiceError> {
        let missing = || ServiceError::NotFound("the impact statement".into());
        if !policy::may_read_impact(actor) {
            return Err(missing());
        }
        let statement = match self.store.impact(id).await {
            Err(signpost_domain::StoreError::NotFound) => return Err(missing()),
            other => other?,
        };
        let (subject_title, link) = self.impact_subject(actor, statement.subject).await.map_err(|_| missing())?;
        Ok(ImpactView { statement, subject_title, link })
    }

    /// Whether `actor` may withdraw `statement` (pages offer it only then).
    pub fn may_withdraw_impact(&self, actor: &Actor, statement: &ImpactStatement) -> bool {
        policy::can_withdraw_impact(actor, statement)
    }

    /// A statement `actor` may withdraw, for the page that asks them to confirm.
    pub async fn impact_to_withdraw(&self, actor: &Actor, id: i64) -> Result<ImpactView, ServiceError> {
        let view = self.impact_statement(actor, id).await?;
        if !policy::can_withdraw_impact(actor, &view.statement) {
            return Err(ServiceError::Forbidden("only whoever recorded a statement, or a knowledge specialist, can withdraw it".into()));
        }
        Ok(view)
    }

    /// Withdraws a statement recorded in error, so it leaves the page and the reports.
    /// The audit log records who withdrew which statement from what, not its words: a
    /// person may ask for their quote to be removed. Returns the statement, for the way
    /// back to what it was about.
    pub async fn withdraw_impact(&self, actor: &Actor, id: i64) -> Result<ImpactView, ServiceError> {
        let view = self.impact_to_withdraw(actor, id).await?;
        let audit = AuditRecord::new(
            Some(actor.user_id),
            "impact.withdraw",
            format!("withdrew impact statement {id} (\"{}\") from {}", view.statement.kind.label(), view.subject_title),
        );
        self.store.remove_impact(id, audit).await?;
        Ok(view)
    }

    /// The statements about one asset or session.
    pub async fn impacts_on(&self, actor: &Actor, subject: ImpactSubject) -> Result<Vec<ImpactStatement>, ServiceError> {
        self.impact_subject(actor, subject).await?;
        if !policy::may_read_impact(actor) {
            return Ok(Vec::new());
        }
        Ok(self.store.impacts().await?.into_iter().filter(|s| s.subject == subject).collect())
    }

    /// The stories first shared in the month starting `month` that the actor may see, with reactions.
    pub async fn showcase(&self, actor: &Actor, month: NaiveDate) -> Result<Showcase, ServiceError> {
        policy::ensure_staff(actor)?;
        let query = AssetQuery { kind: Some(AssetKind::Story), status: Some(Status::Published), limit: 10_000, ..AssetQuery::default() };
        let end = next_month(month);
        let stories: Vec<Asset> = self
            .store
            .assets(&query, &policy::view_condition(actor))
            .await?
            .items
            .into_iter()
            .filter(|a| (month..end).contains(&a.created_at.date_naive()))
            .collect();
        let reactions = self.store.reactions().await?;
        let mut by_asset: HashMap<AssetId, Vec<Reaction>> = HashMap::new();
        for r in reactions {
            by_asset.entry(r.asset_id).or_default().push(r);
        }
        let mut items: Vec<ShowcaseItem> = stories
            .into_iter()
            .map(|asset| {
                let rs = by_asset.remove(&asset.id).unwrap_or_default();
                let counts = ReactionKind::ALL.iter().map(|k| rs.iter().filter(|r| r.kind == *k).count()).collect();
                let mine = rs.iter().filter(|r| r.user_id == actor.user_id).map(|r| r.kind).collect();
                ShowcaseItem { asset, counts, mine }
            })
            .collect();
        items.sort_by_key(|i| (std::cmp::Reverse(i.counts.iter().sum::<usize>()), std::cmp::Reverse(i.asset.created_at)));
        let title = if month.month() == 11 { format!("KNOWvember {}", month.year()) } else { month.format("%B %Y").to_string() };
        Ok(Showcase { month, title, items })
    }

    /// Adds or withdraws the actor's reaction to a story they may see.
    pub async fn react(&self, actor: &Actor, asset_id: AssetId, kind: ReactionKind, on: bool) -> Result<(), ServiceError> {
        policy::ensure_can_contribute_as_staff(actor)?;
        let asset = self.asset(actor, asset_id).await?.asset;
        if asset.kind != AssetKind::Story || asset.status != Status::Published {
            return Err(ServiceError::Conflict("only published stories take reactions".into()));
        }
        Ok(self.store.set_reaction(&Reaction { asset_id, user_id: actor.user_id, kind }, on).await?)
    }
}
