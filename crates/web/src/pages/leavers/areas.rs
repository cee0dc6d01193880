//! One knowledge area's page: reword it, merge another area into it, or remove it.
use signpost_domain::retention::PlanId;
use signpost_services::leavers::AreaInput;

use super::forms::{PlanForm, PlanNotice};
use crate::pages::prelude::*;

/// This area's pages and forms.
pub fn routes() -> Pages {
    Pages::new()
        .page("/leavers/{id}/areas/{area}", show)
        .form("/leavers/{id}/areas/{area}", edit)
        .form_back("/leavers/{id}/areas/{area}/merge", "/leavers/{id}/areas/{area}", merge)
        .form_back("/leavers/{id}/areas/{area}/remove", "/leavers/{id}/areas/{area}", remove)
}

async fn area_page(s: &AppState, actor: &Actor, viewer: &Viewer, (id, area_id): (PlanId, i64), sent: &FormState<PlanForm>) -> PageResult {
    let v = s.app.plan_view(actor, id).await?;
    let area = v.plan.areas.iter().find(|a| a.id == area_id).ok_or_else(|| ServiceError::NotFound("the knowledge area".into()))?;
    if !v.changeable_areas.contains(&area_id) {
        return Err(ServiceError::Forbidden("only whoever added this knowledge area and the line manager can change it".into()).into());
    }
    let n = PlanForm::NAMES;
    let (form, errors) = (&sent.values, &sent.errors);
    let blank = form.area_title.is_empty() && errors.is_empty();
    let (title, detail, who) = if blank {
        (area.title.as_str(), area.detail.as_str(), area.who_needs.as_str())
    } else {
        (form.area_title.as_str(), form.area_detail.as_str(), form.area_who_needs.as_str())
    };
    let candidates: Vec<(String, String)> = v
        .plan
        .areas
        .iter()
        .filter(|a| a.id != area_id && v.changeable_areas.contains(&a.id))
        .map(|a| (a.id.to_string(), a.title.clone()))
        .collect();
    let others: Vec<(String, String)> =
        std::iter::once((String::new(), "Choose an area".to_string())).chain(candidates.iter().cloned()).collect();
    let csrf = csrf_field(&viewer.csrf_token);
    let base = format!("/leavers/{id}/areas/{area_id}");
    let has_note = area.actions.iter().any(|x| x.output_asset_id.is_some());
    let body = html! {
        (error_summary(errors))
        span class="nhsuk-caption-l" { "Knowledge area in " (v.names.get(&v.plan.leaver_id).map_or("the", String::as_str)) "'s plan" }
        h1 { (area.title) }
        form method="post" action=(base) novalidate {
            (csrf)
            (Field::new(n.area_title, "Knowledge area").errors(errors).input("text", title))
            (Field::new(n.area_detail, "More about it").errors(errors).textarea(3, detail))
            (Field::new(n.area_who_needs, "Who needs to know it").errors(errors).input("text", who))
            button class="nhsuk-button" type="submit" { "Save changes" }
        }
        @if !candidates.is_empty() {
            h2 { "Merge another area into this one" }
            p { "When the leaver and the team have named the same knowledge in their own words, keep one. The other's details, who needs it and its actions move here; this area's title and score are kept." }
            form method="post" action={ (base) "/merge" } novalidate {
                (csrf)
                (Field::new("from", "The area to merge into this one").errors(errors).select(&others, ""))
                button class="nhsuk-button nhsuk-button--secondary" type="submit" { "Merge into this area" }
            }
        }
        h2 { "Remove this area" }
        @if has_note {
            p id="remove" { "A handover note from this area is stored, so it stays in the plan. To fold it into another area, open that area and merge this one into it." }
        } @else {
            p { "Its score and any actions chosen for it go too." }
            form method="post" action={ (base) "/remove" } novalidate {
                (csrf)
                button class="nhsuk-button nhsuk-button--warning" id="remove" type="submit" { "Remove " (area.title) }
            }
        }
        p { a href={ "/leavers/" (id) "#area-" (area_id) } { "Back to the plan" } }
    };
    Ok(page(&format!("Change {}", area.title), Some(viewer), "", body).into_response())
}

/// `GET /leavers/{id}/areas/{area}`.
pub async fn show(SignedIn(s, actor, viewer): SignedIn, PagePath(at): PagePath<(PlanId, i64)>) -> PageResult {
    area_page(&s, &actor, &viewer, at, &FormState::default()).await
}

/// `POST /leavers/{id}/areas/{area}`: rewording.
pub async fn edit(PagePath((id, area)): PagePath<(PlanId, i64)>, CsrfForm(s, actor, viewer, form): CsrfForm<PlanForm>) -> PageResult {
    let input = AreaInput { title: form.area_title.clone(), detail: form.area_detail.clone(), who_needs: form.area_who_needs.clone() };
    match s.app.edit_area(&actor, id, area, input).await {
        Ok(_) => Ok(done(&format!("/leavers/{id}#area-{area}"), PlanNotice::AreaChanged)),
        Err(e) => {
            let errors = refused_as(e, |f| format!("area_{f}"))?;
            area_page(&s, &actor, &viewer, (id, area), &FormState::with_errors(form, errors)).await
        }
    }
}

/// The area chosen to merge in.
#[derive(Debug, Default, serde::Deserialize)]
pub struct MergeForm {
    #[serde(default)]
    from: String,
}

/// `POST /leavers/{id}/areas/{area}/merge`.
pub async fn merge(PagePath((id, area)): PagePath<(PlanId, i64)>, CsrfForm(s, actor, viewer, form): CsrfForm<MergeForm>) -> PageResult {
    let result = match form.from.trim().parse::<i64>() {
        Ok(from) => s.app.merge_areas(&actor, id, area, from).await,
        Err(_) => Err(ServiceError::invalid("from", "choose the area to merge into this one")),
    };
    match result {
        Ok(_) => Ok(done(&format!("/leavers/{id}#area-{area}"), PlanNotice::Merged)),
        Err(e) => {
            let errors = refused_as(e, |_| "from".to_string())?;
            area_page(&s, &actor, &viewer, (id, area), &FormState::with_errors(PlanForm::default(), errors)).await
        }
    }
}

/// `POST /leavers/{id}/areas/{area}/remove`.
pub async fn remove(
    PagePath((id, area)): PagePath<(PlanId, i64)>,
    CsrfForm(s, actor, viewer, CsrfOnly {}): CsrfForm<CsrfOnly>,
) -> PageResult {
    match s.app.remove_area(&actor, id, area).await {
        Ok(_) => Ok(done(&format!("/leavers/{id}#areas"), PlanNotice::Removed)),
        Err(e) => {
            let errors = refused_as(e, |_| "remove".to_string())?;
            area_page(&s, &actor, &viewer, (id, area), &FormState::with_errors(PlanForm::default(), errors)).await
        }
    }
}
