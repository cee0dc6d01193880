//! The reassignment checklist (nothing the leaver holds is orphaned), closing a plan,
//! and reminders as the leaving date approaches.
use signpost_domain::notifications::Category;
use std::collections::HashMap;

use chrono::Utc;
use serde::{Deserialize, Serialize};
use signpost_domain::assets::{Status, VersionEvent};
use signpost_domain::audit::AuditRecord;
use signpost_domain::communities::{Advocate, MemberRole, Membership, Notification};
use signpost_domain::learning::ActionFilter;
use signpost_domain::people::{Actor, Role, User};
use signpost_domain::ports::{AssetQuery, AssetWrite, Handover};
use signpost_domain::retention::{Handed, Holding, LeaverPlan, PlanId};
use signpost_domain::visibility::Condition;
use signpost_domain::{FieldError, UserId};
use utoipa::ToSchema;

use super::plan_link;
use crate::policy::{self, plan_permissions};
use crate::{ServiceError, Signpost};
use signpost_domain::ids::{CommunityId, TeamId};

/// Something the leaver still holds, as one reader sees it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct HoldingView {
    /// What.
    pub holding: Holding,
    /// The key forms use.
    pub key: String,
    /// Its name (an asset the reader may not see is not named).
    pub label: String,
    /// What passing it on means, e.g. "review due 2027-01-31" (empty for an asset the reader may not see).
    pub detail: String,
    /// Whether the reader could pass it on: only what they could change themselves.
    pub may_pass_on: bool,
}

/// One holding to pass on.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Move {
    /// The holding's key, e.g. `asset-12`, `action-3`, `coordinator-1`, `advocate-4`.
    pub holding: String,
    /// Who takes it on.
    pub to: UserId,
}

/// Holdings to pass on together.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HandoverInput {
    /// The moves; all happen or none do.
    pub moves: Vec<Move>,
}

/// Holdings with their labels for the handover record, before any reader filtering.
struct Held {
    holding: Holding,
    label: String,
    detail: String,
    /// The asset itself, for asset holdings.
    asset: Option<signpost_domain::assets::Asset>,
    /// The action itself, for action holdings.
    action: Option<signpost_domain::learning::Action>,
}

impl Held {
    /// Whether `actor` could change this themselves (`memberships` are every community's).
    fn may_pass_on(&self, actor: &Actor, memberships: &[Membership]) -> bool {
        match self.holding {
            Holding::Asset(_) => self.asset.as_ref().is_some_and(|a| policy::may_pass_on_asset(actor, a)),
            Holding::Action(_) => self.action.as_ref().is_some_and(|x| policy::may_pass_on_action(actor, x)),
            Holding::Coordinator(community) => {
                let mine = memberships.iter().find(|m| m.community_id == community && m.user_id == actor.user_id);
                policy::may_pass_on_coordination(actor, mine)
            }
            Holding::Advocate(_) => policy::may_pass_on_advocacy(actor),
        }
    }
}

impl Signpost {
    async fn held(&self, plan: &LeaverPlan) -> Result<Vec<Held>, ServiceError> {
        let leaver = plan.leaver_id;
        let mut out = Vec::new();
        let owned = AssetQuery { owner_id: Some(leaver), limit: 10_000, ..AssetQuery::default() };
        for a in self.store.assets(&owned, &Condition::Always).await?.items.into_iter().filter(|a| a.status != Status::Archived) {
            let detail = if a.status == Status::Published {
                format!("{}; review due {}", a.kind.as_str().replace('_', " "), a.next_review_at.date_naive())
            } else {
                format!("{} draft", a.kind.as_str().replace('_', " "))
            };
            out.push(Held { holding: Holding::Asset(a.id), label: a.title.clone(), detail, asset: Some(a), action: None });
        }
        let filter = ActionFilter { owner_id: Some(leaver), open_only: true, ..ActionFilter::default() };
        for x in self.store.actions(&filter).await? {
            let detail = format!("open action, due {}", x.due_on);
            out.push(Held { holding: Holding::Action(x.id), label: x.title.clone(), detail, asset: None, action: Some(x) });
        }
        let communities: HashMap<CommunityId, String> = self.store.communities().await?.into_iter().map(|c| (c.id, c.name)).collect();
        for m in self.store.memberships(None).await?.into_iter().filter(|m| m.user_id == leaver && m.role == MemberRole::Coordinator) {
            let name = communities.get(&m.community_id).cloned().unwrap_or_default();
            out.push(Held {
                holding: Holding::Coordinator(m.community_id),
                label: name,
                detail: "coordinator".into(),
                asset: None,
                action: None,
            });
        }
        let teams: HashMap<TeamId, String> = self.store.teams().await?.into_iter().map(|t| (t.id, t.name)).collect();
        for a in self.store.advocates().await?.into_iter().filter(|a| a.user_id == leaver) {
            let name = teams.get(&a.team_id).cloned().unwrap_or_default();
            out.push(Held {
                holding: Holding::Advocate(a.team_id),
                label: name,
                detail: "knowledge advocate".into(),
                asset: None,
                action: None,
            });
        }
        Ok(out)
    }

    /// What the leaver still holds, named only where the reader may see it.
    pub(crate) async fn holdings(&self, actor: &Actor, plan: &LeaverPlan) -> Result<Vec<HoldingView>, ServiceError> {
        let memberships = self.store.memberships(None).await?;
        Ok(self
            .held(plan)
            .await?
            .into_iter()
            .map(|h| {
                let may_pass_on = h.may_pass_on(actor, &memberships);
                let hidden = h.asset.as_ref().is_some_and(|a| !policy::can_view(actor, a));
                let (label, detail) = if hidden { ("An asset you cannot see".to_string(), String::new()) } else { (h.label, h.detail) };
                HoldingView { key: h.holding.key(), holding: h.holding, label, detail, may_pass_on }
            })
            .collect())
    }

    /// Passes holdings on, all or none: asset ownership (and with it the review duty),
    /// open actions, community coordination and the advocate's place. The leaver stays a
    /// member of the community. Everyone who takes something on is told.
    pub async fn hand_over(&self, actor: &Actor, id: PlanId, input: HandoverInput) -> Result<LeaverPlan, ServiceError> {
        let plan = self.readable_plan(actor, id).await?;
        policy::ensure_plan(plan_permissions(actor, &plan).manage, "pass holdings on", "the line manager or a knowledge specialist")?;
        let users = self.people_by_id().await?;
        let held = self.held(&plan).await?;
        let memberships = self.store.memberships(None).await?;
        let mut errors = Vec::new();
        let mut refused = Vec::new();
        let mut moves: Vec<(&Held, &User)> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for (i, m) in input.moves.iter().enumerate() {
            if !seen.insert(m.holding.as_str()) {
                errors.push(FieldError::new(format!("moves[{i}].holding"), "this holding is listed twice"));
                continue;
            }
            let found = Holding::parse(&m.holding).and_then(|h| held.iter().find(|x| x.holding == h));
            let Some(h) = found else {
                errors.push(FieldError::new(format!("moves[{i}].holding"), "the leaver no longer holds this: reload the plan"));
                continue;
            };
            if !h.may_pass_on(actor, &memberships) {
                refused.push(format!("moves[{i}]"));
                continue;
            }
            match users.get(&m.to) {
                Some(u) if u.id == plan.leaver_id => {
                    errors.push(FieldError::new(format!("moves[{i}].to"), "choose someone other than the leaver"))
                }
                Some(u) if u.role == Role::Guest => {
                    errors.push(FieldError::new(format!("moves[{i}].to"), "guest accounts cannot hold this"))
                }
                Some(u) => moves.push((h, u)),
                None => errors.push(FieldError::new(format!("moves[{i}].to"), "choose someone from the organisation")),
            }
        }
        if !refused.is_empty() {
            return Err(ServiceError::Forbidden(format!(
                "you cannot pass on {} because you could not change {} yourself: ask a knowledge specialist or administrator",
                refused.join(", "),
                if refused.len() == 1 { "it" } else { "them" }
            )));
        }
        if moves.is_empty() && errors.is_empty() {
            errors.push(FieldError::new("moves", "choose who takes on at least one holding"));
        }
        if !errors.is_empty() {
            return Err(ServiceError::Invalid(errors));
        }
        let leaver = &users[&plan.leaver_id];
        let now = Utc::now();
        let mut handover = Handover::default();
        let mut plan = plan.clone();
        let mut told: HashMap<UserId, usize> = HashMap::new();
        let advocates = self.advocates_community().await?;
        for (h, to) in &moves {
            match h.holding {
                Holding::Asset(_) => {
                    let Some(asset) = h.asset.clone() else { continue };
                    let expected = asset.version;
                    let note = format!("ownership passed from {} to {} (leaver plan {})", leaver.name, to.name, plan.id);
                    let audit = AuditRecord::new(Some(actor.user_id), "asset.hand_over", note.clone());
                    let asset = signpost_domain::assets::Asset { owner_id: to.id, ..asset };
                    let write = AssetWrite { asset, event: VersionEvent::Updated, author_id: actor.user_id, note, audit };
                    handover.assets.push((write, expected));
                }
                Holding::Action(_) => {
                    let Some(action) = h.action.clone() else { continue };
                    handover.actions.push(signpost_domain::learning::Action { owner_id: to.id, ..action });
                }
                Holding::Coordinator(community_id) => {
                    let existing = memberships.iter().find(|m| m.community_id == community_id && m.user_id == to.id);
                    let joined_at = existing.map(|m| m.joined_at).unwrap_or(now);
                    handover.memberships.push(Membership { community_id, user_id: to.id, role: MemberRole::Coordinator, joined_at });
                    let mine = memberships.iter().find(|m| m.community_id == community_id && m.user_id == plan.leaver_id);
                    if let Some(m) = mine {
                        handover.memberships.push(Membership { role: MemberRole::Member, ..m.clone() });
                    }
                }
                Holding::Advocate(team_id) => {
                    let advocate = Advocate { user_id: to.id, team_id, since: now.date_naive(), registered_by: actor.user_id };
                    let membership = Membership { community_id: advocates, user_id: to.id, role: MemberRole::Member, joined_at: now };
                    handover.advocates.push((advocate, membership));
                    handover.retired_advocates.push(plan.leaver_id);
                }
            }
            // The plan is read by the whole team: it names an asset only if everyone may read it.
            let label = match &h.asset {
                Some(a) if !policy::readable_by_every_member(a) => format!("asset {} (not open to everyone)", a.id),
                _ => h.label.clone(),
            };
            plan.handed.push(Handed { holding: h.holding, label, to: to.id, at: now });
            *told.entry(to.id).or_default() += 1;
        }
        let notify: Vec<Notification> = told
            .iter()
            .map(|(u, n)| {
                let what = if *n == 1 { "1 responsibility".to_string() } else { format!("{n} responsibilities") };
                Notification::new(
                    *u,
                    format!("You have taken on {what} from {} as they leave their role", leaver.name),
                    plan_link(plan.id),
                    now,
                )
                .about(Category::Handover)
            })
            .collect();
        let audit = AuditRecord::new(
            Some(actor.user_id),
            "leaver_plan.hand_over",
            format!("passed on {} of {}'s holdings", moves.len(), leaver.name),
        );
        let saved = self.store.hand_over(&plan, handover, &notify, audit).await?;
        self.wrote();
        Ok(saved)
    }

    /// Closes a plan once all six steps are done and nothing is left with the leaver.
    pub async fn complete_plan(&self, actor: &Actor, id: PlanId) -> Result<LeaverPlan, ServiceError> {
        let view = self.plan_view(actor, id).await?;
        policy::ensure_plan(view.may.manage, "close the plan", "the line manager or a knowledge specialist")?;
        if !view.outstanding.is_empty() {
            let errors = view.outstanding.into_iter().map(|o| FieldError::new("plan", o)).collect();
            return Err(ServiceError::Invalid(errors));
        }
        let closed = self
            .change_plan(actor, id, "leaver_plan.complete", |plan| {
                plan.completed_at = Some(Utc::now());
                Ok("closed the plan: knowledge secured".into())
            })
            .await?;
        // Someone leaving the organisation stops getting its current awareness; someone
        // moving keeps theirs.
        if closed.departure == signpost_domain::retention::Departure::Leaving {
            self.pause_alerts_of_leaver(closed.leaver_id, actor.user_id).await?;
        }
        Ok(closed)
    }
}

/// What the people in a plan are told `days` before the leaving date: the subject, and the
/// text of the notification (the email adds a link).
pub(crate) fn leaving_notice(plan: &LeaverPlan, name: &str, today: chrono::NaiveDate) -> (String, String) {
    let (done, total) = plan.action_progress();
    let steps = plan.steps_done().iter().filter(|d| **d).count();
    let when = match plan.days_left(today) {
        0 => "today".to_string(),
        1 => "tomorrow".to_string(),
        left => format!("in {left} days"),
    };
    (
        format!("{name} leaves the role {when}"),
        format!("{name} leaves the role {when}: {steps} of 6 steps and {done} of {total} actions done"),
    )
}
