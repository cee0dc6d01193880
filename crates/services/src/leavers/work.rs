//! Steps 1 to 4 and 6 of a plan: knowledge areas, agreed priorities, actions from
//! the toolbox, the knowledge exchange's two "top 10" lists, and handover notes.
use chrono::Utc;
use serde::Deserialize;
use signpost_domain::assets::{Status, Visibility};
use signpost_domain::fields::{AssetKind, KeyContact};
use signpost_domain::people::Actor;
use signpost_domain::retention::{Agreement, AreaSource, KnowledgeArea, LeaverPlan, PlanAction, PlanId, Score, Tool};
use signpost_domain::{AssetId, FieldError};
use utoipa::ToSchema;

use crate::assets::AssetInput;
use crate::policy::{self, plan_permissions};
use crate::validate::check_text;
use crate::{ServiceError, Signpost};

/// The most items on each "top 10" list.
const TOP: usize = 10;

/// A knowledge area: the leaver's own (step 1) or the team's (step 2), depending on who adds it.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AreaInput {
    /// What it is.
    pub title: String,
    /// More about it.
    #[serde(default)]
    pub detail: String,
    /// Who needs to know it.
    #[serde(default)]
    pub who_needs: String,
}

/// One area's score.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AreaScore {
    /// The area.
    pub area_id: i64,
    /// Importance, 1 to 3.
    pub importance: u8,
    /// Availability: how scarce, 1 to 3.
    pub availability: u8,
    /// Frequency, 1 to 3.
    pub frequency: u8,
}

/// Scores for some or all areas, and whether the line manager agrees the priorities now.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScoresInput {
    /// The scores.
    pub scores: Vec<AreaScore>,
    /// Agree the priorities (every area must then be scored).
    #[serde(default)]
    pub agree: bool,
}

/// An action chosen from the toolbox for one area.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[schema(as = LeaverActionInput)]
#[serde(deny_unknown_fields)]
pub struct ActionInput {
    /// The tool.
    pub tool: Tool,
    /// Who needs to know, how and when.
    #[serde(default)]
    pub note: String,
}

/// A knowledge exchange's two lists.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExchangeLists {
    /// The team's "top 10 things we want to know".
    #[serde(default)]
    pub we_want_to_know: Vec<String>,
    /// The leaver's "top 10 things you need to know".
    #[serde(default)]
    pub you_need_to_know: Vec<String>,
}

/// A handover note produced by an action.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OutputInput {
    /// Title.
    pub title: String,
    /// What the successor needs to know (Markdown).
    pub body: String,
    /// People the successor should know.
    #[serde(default)]
    pub key_contacts: Vec<KeyContact>,
}

fn area_mut(plan: &mut LeaverPlan, area_id: i64) -> Result<&mut KnowledgeArea, ServiceError> {
    plan.areas.iter_mut().find(|a| a.id == area_id).ok_or_else(|| ServiceError::NotFound("the knowledge area".into()))
}

fn action_mut(plan: &mut LeaverPlan, action_id: i64) -> Result<&mut PlanAction, ServiceError> {
    plan.areas
        .iter_mut()
        .flat_map(|a| a.actions.iter_mut())
        .find(|x| x.id == action_id)
        .ok_or_else(|| ServiceError::NotFound("the action".into()))
}

fn clean_list(field: &str, items: &[String], errors: &mut Vec<FieldError>) -> Vec<String> {
    let items: Vec<String> = items.iter().map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect();
    if items.len() > TOP {
        errors.push(FieldError::new(field, format!("keep it to the top {TOP}: there are {}", items.len())));
    }
    for (i, item) in items.iter().enumerate() {
        check_text(&format!("{field}[{i}]"), item, false, 500, errors);
    }
    items
}

/// The body a knowledge exchange's note starts from: both lists merged, each item a heading to answer under.
pub fn exchange_outline(action: &PlanAction) -> String {
    let mut out = String::new();
    for (heading, items) in [("We want to know", &action.we_want_to_know), ("You need to know", &action.you_need_to_know)] {
        if items.is_empty() {
            continue;
        }
        out.push_str(&format!("## {heading}\n\n"));
        for item in items {
            out.push_str(&format!("### {item}\n\n\n"));
        }
    }
    out
}

impl Signpost {
    /// Adds a knowledge area: the leaver's own when the leaver adds it, otherwise the team's.
    /// Adding one after the priorities were agreed reopens step 3.
    pub async fn add_area(&self, actor: &Actor, id: PlanId, input: AreaInput) -> Result<LeaverPlan, ServiceError> {
        super::areas::check_area(&input)?;
        self.change_plan(actor, id, "leaver_plan.area", |plan| {
            policy::ensure_plan(plan_permissions(actor, plan).add_area, "add knowledge areas", "the people in the plan and the team")?;
            let source = if plan.leaver_id == actor.user_id { AreaSource::Leaver } else { AreaSource::Team };
            let area = KnowledgeArea {
                id: plan.next_id(),
                title: input.title.trim().to_string(),
                detail: input.detail.trim().to_string(),
                source,
                raised_by: actor.user_id,
                who_needs: input.who_needs.trim().to_string(),
                score: None,
                actions: Vec::new(),
            };
            plan.areas.push(area);
            plan.agreed = None;
            Ok(format!("added the knowledge area {:?}", input.title.trim()))
        })
        .await
    }

    /// Scores areas (Priority = Importance + Availability + Frequency) and, when asked, agrees the priorities.
    pub async fn score_areas(&self, actor: &Actor, id: PlanId, input: ScoresInput) -> Result<LeaverPlan, ServiceError> {
        let mut errors = Vec::new();
        for (i, s) in input.scores.iter().enumerate() {
            for (part, v) in [("importance", s.importance), ("availability", s.availability), ("frequency", s.frequency)] {
                if !Score::RANGE.contains(&v) {
                    errors.push(FieldError::new(format!("scores[{i}].{part}"), "score from 1 (low) to 3 (high)"));
                }
            }
        }
        if !errors.is_empty() {
            return Err(ServiceError::Invalid(errors));
        }
        self.change_plan(actor, id, "leaver_plan.score", |plan| {
            policy::ensure_plan(
                plan_permissions(actor, plan).agree,
                "score and agree the priorities",
                "the line manager or a knowledge specialist",
            )?;
            for s in &input.scores {
                area_mut(plan, s.area_id)?.score =
                    Some(Score { importance: s.importance, availability: s.availability, frequency: s.frequency });
            }
            if input.agree {
                let unscored: Vec<String> = plan.areas.iter().filter(|a| a.score.is_none()).map(|a| a.title.clone()).collect();
                if plan.areas.is_empty() {
                    return Err(ServiceError::invalid("agree", "there are no knowledge areas to agree yet"));
                }
                if !unscored.is_empty() {
                    return Err(ServiceError::invalid("agree", format!("score every area before agreeing: {}", unscored.join(", "))));
                }
                plan.agreed = Some(Agreement { by: actor.user_id, at: Utc::now() });
            }
            Ok(if input.agree { "agreed the priorities".to_string() } else { format!("scored {} areas", input.scores.len()) })
        })
        .await
    }

    /// Chooses an action from the toolbox for an area, once the priorities are agreed.
    pub async fn add_plan_action(&self, actor: &Actor, id: PlanId, area_id: i64, input: ActionInput) -> Result<LeaverPlan, ServiceError> {
        let mut errors = Vec::new();
        check_text("note", &input.note, false, 2000, &mut errors);
        if !errors.is_empty() {
            return Err(ServiceError::Invalid(errors));
        }
        self.change_plan(actor, id, "leaver_plan.action", |plan| {
            policy::ensure_plan(plan_permissions(actor, plan).plan_actions, "choose actions", "the people in the plan")?;
            if plan.agreed.is_none() {
                return Err(ServiceError::Conflict("agree the priorities with the line manager first (step 3)".into()));
            }
            let next = plan.next_id();
            let area = area_mut(plan, area_id)?;
            area.actions.push(PlanAction {
                id: next,
                tool: input.tool,
                note: input.note.trim().to_string(),
                done: false,
                output_asset_id: None,
                we_want_to_know: Vec::new(),
                you_need_to_know: Vec::new(),
            });
            Ok(format!("chose {} for {:?}", input.tool.label(), area.title))
        })
        .await
    }

    /// Drafts a knowledge exchange's two "top 10" lists.
    pub async fn set_exchange_lists(
        &self,
        actor: &Actor,
        id: PlanId,
        action_id: i64,
        input: ExchangeLists,
    ) -> Result<LeaverPlan, ServiceError> {
        let mut errors = Vec::new();
        let we = clean_list("we_want_to_know", &input.we_want_to_know, &mut errors);
        let you = clean_list("you_need_to_know", &input.you_need_to_know, &mut errors);
        if !errors.is_empty() {
            return Err(ServiceError::Invalid(errors));
        }
        self.change_plan(actor, id, "leaver_plan.exchange", |plan| {
            policy::ensure_plan(plan_permissions(actor, plan).add_area, "draft the lists", "the people in the plan and the team")?;
            let action = action_mut(plan, action_id)?;
            if action.tool != Tool::KnowledgeExchange {
                return Err(ServiceError::Conflict("only a knowledge exchange has top 10 lists".into()));
            }
            action.we_want_to_know = we.clone();
            action.you_need_to_know = you.clone();
            Ok(format!("drafted {} and {} questions for a knowledge exchange", we.len(), you.len()))
        })
        .await
    }

    /// Marks an action done or not done (for actions such as shadowing that leave no note).
    pub async fn set_plan_action_done(&self, actor: &Actor, id: PlanId, action_id: i64, done: bool) -> Result<LeaverPlan, ServiceError> {
        self.change_plan(actor, id, "leaver_plan.progress", |plan| {
            policy::ensure_plan(plan_permissions(actor, plan).plan_actions, "mark actions done", "the people in the plan")?;
            let action = action_mut(plan, action_id)?;
            action.done = done;
            Ok(format!("marked {} {}", action.tool.label(), if done { "done" } else { "not done" }))
        })
        .await
    }

    /// Stores a handover note as an action's output (step 6): published for the team,
    /// owned by the successor (or the line manager until there is one), in one transaction with the plan.
    pub async fn record_plan_output(
        &self,
        actor: &Actor,
        id: PlanId,
        action_id: i64,
        input: OutputInput,
    ) -> Result<(AssetId, LeaverPlan), ServiceError> {
        let plan = self.readable_plan(actor, id).await?;
        policy::ensure_plan(plan_permissions(actor, &plan).record_output, "store handover notes", "the people in the plan")?;
        let (area, action) = plan.actions().find(|(_, x)| x.id == action_id).ok_or_else(|| ServiceError::NotFound("the action".into()))?;
        if action.output_asset_id.is_some() {
            return Err(ServiceError::Conflict("this action's note is already stored: edit the note itself".into()));
        }
        let mut errors = Vec::new();
        for (i, c) in input.key_contacts.iter().enumerate() {
            check_text(&format!("key_contacts[{i}].name"), &c.name, true, 200, &mut errors);
        }
        if !errors.is_empty() {
            return Err(ServiceError::Invalid(errors));
        }
        let successor = match plan.successor_id {
            Some(s) => self.store.user(s).await?.name,
            None => String::new(),
        };
        let input = AssetInput {
            summary: format!("{}: {} for {}", action.tool.label(), area.title, plan.role),
            body: input.body,
            fields: serde_json::json!({"role": plan.role, "successor": successor, "key_contacts": input.key_contacts}),
            tags: vec!["handover".into(), action.tool.as_str().replace('_', " ")],
            topics: vec![area.title.clone()],
            // Filed in the plan's team, and checked there: whoever stores it must be
            // allowed to file in that team.
            team_id: Some(plan.team_id),
            visibility: Some(Visibility::Team),
            status: Some(Status::Published),
            ..AssetInput::new(AssetKind::HandoverNote, input.title)
        };
        let mut write = self.new_asset_write(actor, input).await?;
        write.asset.owner_id = plan.successor_id.unwrap_or(plan.line_manager_id);
        let (asset, plan) = self.store.store_plan_output(&plan, action_id, write).await?;
        self.wrote();
        Ok((asset.id, plan))
    }
}
