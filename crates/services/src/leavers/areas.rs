//! Keeping a plan's knowledge areas tidy: rewording one, removing one, and merging two
//! that say the same thing (the leaver and the team often raise the same area in
//! their own words). Each is one conditional update of the plan.
use signpost_domain::people::Actor;
use signpost_domain::retention::{AreaSource, KnowledgeArea, LeaverPlan, PlanId};

use super::work::AreaInput;
use crate::validate::check_text;
use crate::{ServiceError, Signpost, policy};

fn changeable<'p>(actor: &Actor, plan: &'p LeaverPlan, area_id: i64) -> Result<&'p KnowledgeArea, ServiceError> {
    let area = plan.areas.iter().find(|a| a.id == area_id).ok_or_else(|| ServiceError::NotFound("the knowledge area".into()))?;
    policy::ensure_plan(policy::can_change_area(actor, plan, area), "change this knowledge area", "whoever added it and the line manager")?;
    Ok(area)
}

/// Both texts, once each, in order.
fn joined(a: &str, b: &str, between: &str) -> String {
    match (a.trim(), b.trim()) {
        ("", b) => b.to_string(),
        (a, "") => a.to_string(),
        (a, b) if a.eq_ignore_ascii_case(b) => a.to_string(),
        (a, b) => format!("{a}{between}{b}"),
    }
}

pub(crate) fn check_area(input: &AreaInput) -> Result<(), ServiceError> {
    let mut errors = Vec::new();
    check_text("title", &input.title, true, 200, &mut errors);
    check_text("detail", &input.detail, false, 4000, &mut errors);
    check_text("who_needs", &input.who_needs, false, 500, &mut errors);
    if errors.is_empty() { Ok(()) } else { Err(ServiceError::Invalid(errors)) }
}

impl Signpost {
    /// Rewords a knowledge area; its score, actions and notes stay with it.
    pub async fn edit_area(&self, actor: &Actor, id: PlanId, area_id: i64, input: AreaInput) -> Result<LeaverPlan, ServiceError> {
        check_area(&input)?;
        self.change_plan(actor, id, "leaver_plan.area_edit", |plan| {
            changeable(actor, plan, area_id)?;
            let area =
                plan.areas.iter_mut().find(|a| a.id == area_id).ok_or_else(|| ServiceError::NotFound("the knowledge area".into()))?;
            let was = std::mem::replace(&mut area.title, input.title.trim().to_string());
            area.detail = input.detail.trim().to_string();
            area.who_needs = input.who_needs.trim().to_string();
            Ok(format!("reworded the knowledge area {was:?} as {:?}", area.title))
        })
        .await
    }

    /// Removes a knowledge area and the actions chosen for it, unless a handover note
    /// was already stored from one of them (the note would lose its place in the plan).
    pub async fn remove_area(&self, actor: &Actor, id: PlanId, area_id: i64) -> Result<LeaverPlan, ServiceError> {
        self.change_plan(actor, id, "leaver_plan.area_remove", |plan| {
            let area = changeable(actor, plan, area_id)?;
            if area.actions.iter().any(|x| x.output_asset_id.is_some()) {
                return Err(ServiceError::Conflict(format!(
                    "a handover note from \u{201c}{}\u{201d} is already stored, so the area stays: merge it into another instead",
                    area.title
                )));
            }
            let title = area.title.clone();
            plan.areas.retain(|a| a.id != area_id);
            if plan.areas.is_empty() {
                plan.agreed = None;
            }
            Ok(format!("removed the knowledge area {title:?}"))
        })
        .await
    }

    /// Merges area `from` into area `into`: one title (the one kept), both details and
    /// audiences, every action, and the kept area's score (or the other's, if it had none).
    pub async fn merge_areas(&self, actor: &Actor, id: PlanId, into: i64, from: i64) -> Result<LeaverPlan, ServiceError> {
        if into == from {
            return Err(ServiceError::invalid("into", "choose a different area to merge with"));
        }
        self.change_plan(actor, id, "leaver_plan.area_merge", |plan| {
            changeable(actor, plan, into)?;
            let gone = changeable(actor, plan, from)?.clone();
            plan.areas.retain(|a| a.id != from);
            let kept = plan.areas.iter_mut().find(|a| a.id == into).ok_or_else(|| ServiceError::NotFound("the knowledge area".into()))?;
            kept.detail = joined(&kept.detail, &gone.detail, "\n\n");
            kept.who_needs = joined(&kept.who_needs, &gone.who_needs, "; ");
            if kept.source != gone.source {
                kept.source = AreaSource::Both;
            }
            kept.score = kept.score.or(gone.score);
            kept.actions.extend(gone.actions);
            Ok(format!("merged the knowledge area {:?} into {:?}", gone.title, kept.title))
        })
        .await
    }
}
