//! The demo's movers and leavers: Helen Marsh, lead nurse for infection prevention,
//! leaves in three weeks. Her plan is half way: areas listed by her and her team,
//! priorities agreed by the Chief Nurse, actions chosen, one handover note stored,
//! and everything she holds still to pass on. The register of critical knowledge
//! names what the trust cannot afford to lose, her outbreak knowledge among it.
use chrono::{Duration, Utc};
use signpost_domain::fields::KeyContact;
use signpost_domain::retention::{Departure, Tool};
use signpost_domain::risk::Criticality;
use signpost_services::accounts::UserUpdate;
use signpost_services::leavers::{ActionInput, AreaInput, AreaScore, ExchangeLists, OutputInput, PlanInput, ScoresInput};
use signpost_services::risk::CriticalAreaInput;
use signpost_services::{ServiceError, Signpost};

use super::learning::actor_named;

fn area(title: &str, detail: &str, who_needs: &str) -> AreaInput {
    AreaInput { title: title.into(), detail: detail.into(), who_needs: who_needs.into() }
}

/// Loads Helen Marsh's plan.
pub async fn load(app: &Signpost) -> Result<(), ServiceError> {
    let helen = actor_named(app, "Helen Marsh").await?;
    let robert = actor_named(app, "Robert Hall").await?;
    let kwame = actor_named(app, "Kwame Mensah").await?;
    let tom = actor_named(app, "Tom Whitfield").await?;
    // Her account records Robert as her line manager, so the plan goes to him.
    let admin = actor_named(app, "Gareth Owen").await?;
    let manager = UserUpdate { line_manager_id: Some(Some(robert.user_id)), ..UserUpdate::default() };
    app.update_user(&admin, helen.user_id, manager).await?;
    let leaving_on = (Utc::now() + Duration::days(20)).date_naive();
    let input = PlanInput {
        leaver_id: helen.user_id,
        departure: Departure::Leaving,
        leaving_on: leaving_on.to_string(),
        role: "Lead Nurse, Infection Prevention".into(),
        successor_id: Some(kwame.user_id),
        key_colleague_id: Some(tom.user_id),
    };
    let plan = app.start_plan(&helen, input).await?;
    let id = plan.id;
    app.accept_manager(&robert, id).await?;
    let mine = [
        area(
            "Running the norovirus outbreak control meeting",
            "Who chairs, who must attend, the standing agenda and when to call it.",
            "Whoever leads infection prevention on call",
        ),
        area(
            "The hand hygiene audit programme",
            "Ward rota, the audit tool, and how results reach the quality committee.",
            "IPC nurse specialists",
        ),
        area("Relationships with the UKHSA health protection team", "Who to call, when, and what they expect from us.", "The successor"),
    ];
    for a in mine {
        app.add_area(&helen, id, a).await?;
    }
    app.add_area(&kwame, id, area("Closing a ward: the decision and who signs it off", "", "Site managers and the IPC team")).await?;
    let plan = app.plan_view(&robert, id).await?.plan;
    let scores: Vec<AreaScore> = plan
        .areas
        .iter()
        .zip([(3, 3, 2), (2, 1, 3), (3, 3, 1), (3, 2, 1)])
        .map(|(a, (importance, availability, frequency))| AreaScore { area_id: a.id, importance, availability, frequency })
        .collect();
    let plan = app.score_areas(&robert, id, ScoresInput { scores, agree: true }).await?;
    let area_id = |n: usize| plan.areas[n].id;
    let exchange = ActionInput { tool: Tool::KnowledgeExchange, note: "One hour with the IPC team; Kwame present".into() };
    app.add_plan_action(&helen, id, area_id(0), exchange).await?;
    app.add_plan_action(&helen, id, area_id(1), ActionInput { tool: Tool::HandoverNote, note: String::new() }).await?;
    app.add_plan_action(&robert, id, area_id(2), ActionInput { tool: Tool::KeyContacts, note: String::new() }).await?;
    let plan = app
        .add_plan_action(
            &robert,
            id,
            area_id(3),
            ActionInput { tool: Tool::Shadowing, note: "Kwame shadows the next ward closure decision".into() },
        )
        .await?;
    let action = |n: usize| plan.areas[n].actions[0].id;
    let lists = ExchangeLists {
        we_want_to_know: vec![
            "When do we call an outbreak rather than a period of increased incidence?".into(),
            "Who must be at the first meeting?".into(),
            "How do we decide bay closure over ward closure?".into(),
        ],
        you_need_to_know: vec![
            "The standing agenda lives in the IPC shared folder".into(),
            "Estates must be told before any deep clean is booked".into(),
        ],
    };
    app.set_exchange_lists(&kwame, id, action(0), lists).await?;
    let note = OutputInput {
        title: "Hand hygiene audit programme: handover".into(),
        body: "## The rota\nEach ward is audited monthly; the rota is in the IPC shared folder.\n\n\
               ## Reporting\nResults go to the quality committee on the second Tuesday of the month."
            .into(),
        key_contacts: vec![KeyContact {
            name: "Ward quality leads".into(),
            role: "Collect the audits".into(),
            contact: "Via the ward managers".into(),
        }],
    };
    app.record_plan_output(&helen, id, action(1), note).await?;
    register(app).await
}

/// Critical knowledge: (topic, why, team, holders, criticality).
const CRITICAL: [(&str, &str, &str, &[&str], Criticality); 5] = [
    (
        "Norovirus outbreak control",
        "Ward closures and the outbreak meeting; mistakes spread infection.",
        "Infection Prevention and Control",
        &["Helen Marsh"],
        Criticality::Critical,
    ),
    (
        "Sepsis screening",
        "Screening in the first hour saves lives.",
        "Emergency Department",
        &["Rachel Dunn", "James Okafor"],
        Criticality::Critical,
    ),
    ("Staff flu vaccination campaign", "Running the campaign each autumn.", "Vaccination Service", &["Grace Adeyemi"], Criticality::High),
    (
        "Electronic patient record clinical safety",
        "Hazard logs and safety cases for every change.",
        "Digital Services",
        &["Mei Lin"],
        Criticality::High,
    ),
    (
        "Literature searching for evidence summaries",
        "Answering clinical questions with searched evidence.",
        "Library and Knowledge Services",
        &["Priya Natarajan", "Amira Haddad"],
        Criticality::Important,
    ),
];

async fn register(app: &Signpost) -> Result<(), ServiceError> {
    let amira = actor_named(app, "Amira Haddad").await?;
    let teams = app.teams(&amira).await?;
    for (topic, why, team, holders, criticality) in CRITICAL {
        let team_id = teams.iter().find(|t| t.name == team).map(|t| t.id).ok_or_else(|| ServiceError::NotFound(team.into()))?;
        let mut ids = Vec::new();
        for h in holders {
            ids.push(actor_named(app, h).await?.user_id);
        }
        let input = CriticalAreaInput { topic: topic.into(), description: why.into(), team_id, holders: ids, criticality };
        app.add_critical_area(&amira, input).await?;
    }
    Ok(())
}
