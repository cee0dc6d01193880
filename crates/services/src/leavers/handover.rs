//! The reassignment checklist (nothing the leaver holds is orphaned), closing a plan,
//! and reminders as the leaving date approaches.
use std::collections::HashMap;

use chrono::Utc;
use serde::{Deserialize, Serialize};
use signpost_domain::assets::{Status, VersionEvent};
use signpost_domain::audit::AuditRecord;
use signpost_domain::communities::{Advocate, MemberRole, Membership, Notification};
use signpost_domain::learning::ActionFilter;
use signpost_domain::people::{Actor, Role, User};
use signpost_domain::ports::{AssetQuery, AssetWrite, Handover, Mail};
use signpost_domain::retention::{Handed, Holding, LeaverPlan, PlanId};
use signpost_domain::visibility::Condition;
use signpost_domain::{FieldError, UserId};
use utoipa::ToSchema;

use super::{participants, plan_link};
use crate::policy::{self, plan_permissions};
use crate::{ServiceError, Signpost};

/// Something the leaver still holds, as one reader sees it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct HoldingView {
    /// What.
    pub holding: Holding,
    /// The key forms use.
    pub key: String,
    /// Its name (an asset the reader may not see is not named).
    pub label: String,
    /// What passing it on means, e.g. "review due 2027-01-31".
    pub detail: String,
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
            out.push(Held { holding: Holding::Asset(a.id), label: a.title.clone(), detail, asset: Some(a) });
        }
        let filter = ActionFilter { owner_id: Some(leaver), open_only: true, ..ActionFilter::default() };
        for x in self.store.actions(&filter).await? {
            let detail = format!("open action, due {}", x.due_on);
            out.push(Held { holding: Holding::Action(x.id), label: x.title, detail, asset: None });
        }
        let communities: HashMap<i64, String> = self.store.communities().await?.into_iter().map(|c| (c.id, c.name)).collect();
        for m in self.store.memberships(None).await?.into_iter().filter(|m| m.user_id == leaver && m.role == MemberRole::Coordinator) {
            let name = communities.get(&m.community_id).cloned().unwrap_or_default();
            out.push(Held { holding: Holding::Coordinator(m.community_id), label: name, detail: "coordinator".into(), asset: None });
        }
        let teams: HashMap<i64, String> = self.store.teams().await?.into_iter().map(|t| (t.id, t.name)).collect();
        for a in self.store.advocates().await?.into_iter().filter(|a| a.user_id == leaver) {
            let name = teams.get(&a.team_id).cloned().unwrap_or_default();
            out.push(Held { holding: Holding::Advocate(a.team_id), label: name, detail: "knowledge advocate".into(), asset: None });
        }
        Ok(out)
    }

    /// What the leaver still holds, named only where the reader may see it.
    pub(crate) async fn holdings(&self, actor: &Actor, plan: &LeaverPlan) -> Result<Vec<HoldingView>, ServiceError> {
        Ok(self
            .held(plan)
            .await?
            .into_iter()
            .map(|h| {
                let hidden = h.asset.as_ref().is_some_and(|a| !policy::can_view(actor, a));
                let label = if hidden { "An asset you cannot see".to_string() } else { h.label };
                HoldingView { key: h.holding.key(), holding: h.holding, label, detail: h.detail }
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
        let mut errors = Vec::new();
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
        let memberships = self.store.memberships(None).await?;
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
                Holding::Action(action_id) => {
                    let action = self.store.action(action_id).await?;
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
            plan.handed.push(Handed { holding: h.holding, label: h.label.clone(), to: to.id, at: now });
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
        self.change_plan(actor, id, "leaver_plan.complete", |plan| {
            plan.completed_at = Some(Utc::now());
            Ok("closed the plan: knowledge secured".into())
        })
        .await
    }

    /// Tells the people in each open plan, in the app and by email when mail is configured,
    /// as the leaving date comes near (four weeks, two weeks, one week, the day before).
    /// Returns how many plans were reminded about.
    pub async fn send_leaving_reminders(&self) -> Result<usize, ServiceError> {
        let today = Utc::now().date_naive();
        let users = self.people_by_id().await?;
        let mut sent = 0;
        for plan in self.store.leaver_plans().await? {
            let Some(days) = plan.reminder_due(today) else { continue };
            let name = users.get(&plan.leaver_id).map(|u| u.name.as_str()).unwrap_or("someone");
            let (done, total) = plan.action_progress();
            let steps = plan.steps_done().iter().filter(|d| **d).count();
            let when = match plan.days_left(today) {
                0 => "today".to_string(),
                1 => "tomorrow".to_string(),
                left => format!("in {left} days"),
            };
            let text = format!("{name} leaves the role {when}: {steps} of 6 steps and {done} of {total} actions done");
            let now = Utc::now();
            let people = participants(&plan, 0);
            let notify: Vec<Notification> = people.iter().map(|u| Notification::new(*u, text.clone(), plan_link(plan.id), now)).collect();
            let reminded = LeaverPlan { reminded_days: Some(days), ..plan };
            let audit = AuditRecord::new(None, "leaver_plan.remind", text.clone());
            match self.store.save_leaver_plan(&reminded, &notify, audit).await {
                Err(signpost_domain::StoreError::StaleVersion { .. }) => continue,
                other => other?,
            };
            sent += 1;
            let Some(mailer) = self.mailer.clone() else { continue };
            for u in people.iter().filter_map(|u| users.get(u)) {
                let mail = Mail {
                    to: u.email.clone(),
                    subject: format!("{name} leaves the role {when}"),
                    body: format!("{text}.\n\nSee the plan: {}\n", self.mail_link(&plan_link(reminded.id), "Leavers")),
                    calendar: None,
                };
                if let Err(e) = mailer.send(&mail).await {
                    tracing::warn!(error = %e, plan = reminded.id, "leaving reminder email not sent; the in-app one was");
                }
            }
        }
        Ok(sent)
    }
}
