//! The demo's learning history, loaded through the same services a team uses:
//! finished projects with their sessions, lessons at every stage of the lifecycle and
//! actions (some overdue), a premortem with hidden answers, and a project being planned.
//! Also the lessons-loop measurement over the labelled new projects.
use std::collections::BTreeMap;

use chrono::{Duration, Utc};
use signpost_domain::learning::{ActionStatus, LessonState, ProjectStage};
use signpost_domain::people::Actor;
use signpost_services::learning::actions::{ActionInput, CloseAction};
use signpost_services::learning::lessons::{LessonInput, LessonStateChange};
use signpost_services::learning::lessons_loop::SHOWN;
use signpost_services::learning::projects::ProjectInput;
use signpost_services::learning::sessions::SessionInput;
use signpost_services::{ServiceError, Signpost};

use super::learning_topics::{Topic, topics};
use super::{PEOPLE, email};
use signpost_domain::ids::TeamId;

pub(super) async fn actor_named(app: &Signpost, name: &str) -> Result<Actor, ServiceError> {
    let user = app.user_by_email(&email(name)).await?;
    app.actor(user.id).await
}

/// The members (not guests) of a demo team, by name.
fn members(team: &str) -> Vec<&'static str> {
    PEOPLE.iter().filter(|p| p.3 == team && p.4 != "guest").map(|p| p.0).collect()
}

fn record_for(technique: &str, topic: &Topic) -> BTreeMap<String, serde_json::Value> {
    use serde_json::json;
    let [(l1, o1, _, r1), (l2, o2, _, r2)] = topic.lessons;
    let pairs: Vec<(&str, serde_json::Value)> = match technique {
        "retrospect" => vec![
            ("objectives", json!(topic.past.1)),
            ("went_well", json!([l1])),
            ("could_be_better", json!([o2])),
            ("score", json!(7)),
            ("make_it_ten", json!(r2)),
        ],
        "knowledge-cafe" => vec![
            ("question", json!(format!("Why does this keep happening: {}", topic.past.0.to_lowercase()))),
            ("rounds", json!(["Round 1: what we see on the wards", "Round 2: what would help"])),
            ("insights", json!([l1, l2])),
        ],
        _ => vec![
            ("q1", json!(topic.past.1)),
            ("q2", json!(format!("{o1} {o2}"))),
            ("q3", json!(format!("{l1}. {l2}."))),
            ("q4", json!(format!("{r1} {r2}"))),
        ],
    };
    pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
}

/// Loads the learning history. Returns the number of lessons recorded.
pub async fn load(app: &Signpost) -> Result<usize, ServiceError> {
    let specialist = actor_named(app, "Tom Whitfield").await?;
    let today = Utc::now().date_naive();
    let mut lessons = 0;
    for (i, topic) in topics().iter().enumerate() {
        let team = members(topic.team);
        let lead = actor_named(app, team[0]).await?;
        let (title, description, tags) = topic.past;
        let ended = today - Duration::days(60 + 30 * i as i64);
        let project = app
            .create_project(
                &lead,
                ProjectInput {
                    title: title.to_string(),
                    description: description.to_string(),
                    team_id: lead.own_team().map(i64::from).map(TeamId),
                    tags: tags.iter().map(|t| t.to_string()).collect(),
                    starts_on: (ended - Duration::days(120)).to_string(),
                    ends_on: ended.to_string(),
                    stage: Some(ProjectStage::Closed),
                },
            )
            .await?;
        let mut participants = Vec::new();
        for name in &team {
            participants.push(app.user_by_email(&email(name)).await?.id);
        }
        let session = app
            .start_session(
                &lead,
                SessionInput {
                    project_id: Some(project.id),
                    technique_key: topic.technique.to_string(),
                    title: String::new(),
                    facilitator_id: Some(specialist.user_id),
                    participants,
                    held_on: ended.to_string(),
                    record: record_for(topic.technique, topic),
                    notes: String::new(),
                },
            )
            .await?;
        for (j, (title, observation, insight, recommendation)) in topic.lessons.iter().enumerate() {
            let lesson = app
                .record_lesson(
                    &lead,
                    LessonInput {
                        session_id: Some(session.id),
                        title: title.to_string(),
                        observation: observation.to_string(),
                        insight: insight.to_string(),
                        recommendation: recommendation.to_string(),
                        tags: Vec::new(),
                        visibility: None,
                    },
                )
                .await?;
            lessons += 1;
            // Lessons at every stage, so the reports have something to show.
            match (i + j) % 4 {
                0 => {}
                stage => {
                    let action = app
                        .create_action(
                            &lead,
                            ActionInput {
                                title: recommendation.to_string(),
                                owner_id: None,
                                due_on: (ended + Duration::days(30 + 10 * j as i64)).to_string(),
                                session_id: Some(session.id),
                                project_id: None,
                                lesson_id: Some(lesson.asset.id),
                            },
                        )
                        .await?;
                    if stage >= 2 {
                        let outcome = format!("Done: {}", recommendation.to_lowercase());
                        // Closed a little before it was due (and never in the future), so the
                        // monthly figures show work closing across the year.
                        let closed_on = (ended + Duration::days(20 + 10 * j as i64)).min(today);
                        let at = closed_on.and_hms_opt(16, 0, 0).unwrap_or_default().and_utc();
                        app.close_action_at(&lead, action.id, CloseAction { status: ActionStatus::Done, outcome }, at).await?;
                    }
                    if stage == 3 {
                        let change = LessonStateChange { state: LessonState::Embedded, reason: String::new() };
                        app.set_lesson_state(&specialist, lesson.asset.id, change).await?;
                    }
                }
            }
        }
    }
    load_current(app, &specialist).await?;
    Ok(lessons)
}

/// A project being planned, with a before action review and a premortem under way.
async fn load_current(app: &Signpost, specialist: &Actor) -> Result<(), ServiceError> {
    let topic = &topics()[0];
    let team = members(topic.team);
    let lead = actor_named(app, team[0]).await?;
    let (title, description, tags) = topic.new[0];
    let project = app
        .create_project(
            &lead,
            ProjectInput {
                title: title.to_string(),
                description: description.to_string(),
                team_id: lead.own_team().map(i64::from).map(TeamId),
                tags: tags.iter().map(|t| t.to_string()).collect(),
                starts_on: (Utc::now().date_naive() + Duration::days(21)).to_string(),
                ..ProjectInput::default()
            },
        )
        .await?;
    let mut participants = Vec::new();
    for name in &team {
        participants.push(app.user_by_email(&email(name)).await?.id);
    }
    for technique in ["before-action-review", "premortem"] {
        let session = app
            .start_session(
                &lead,
                SessionInput {
                    project_id: Some(project.id),
                    technique_key: technique.to_string(),
                    facilitator_id: Some(specialist.user_id),
                    participants: participants.clone(),
                    ..SessionInput::default()
                },
            )
            .await?;
        if technique == "premortem" {
            let answers = ["Night staff never heard about the clinics.", "The vaccine delivery arrived late and the first week was lost."];
            for (name, answer) in team.iter().zip(answers) {
                let who = actor_named(app, name).await?;
                app.contribute(&who, session.id, "reasons", answer).await?;
            }
        }
    }
    Ok(())
}

/// How the lessons loop did on the labelled new projects.
#[derive(Debug, Clone)]
pub struct LoopScore {
    /// New projects planned.
    pub projects: usize,
    /// Those whose top five surfaced lessons include one written for their subject.
    pub hits: usize,
    /// The subjects of the projects missed, with their titles.
    pub misses: Vec<(String, String)>,
}

impl LoopScore {
    /// The share of new projects with a lesson for their subject in the top five.
    pub fn share(&self) -> f64 {
        if self.projects == 0 { 0.0 } else { self.hits as f64 / self.projects as f64 }
    }
}

/// Plans every labelled new project as a member of its subject's team and checks
/// whether the lessons loop's top five include a lesson recorded for that subject.
/// Needs the demo's learning history loaded (and, for hybrid ranking, embedded).
pub async fn measure_loop(app: &Signpost) -> Result<LoopScore, ServiceError> {
    let mut score = LoopScore { projects: 0, hits: 0, misses: Vec::new() };
    for topic in topics() {
        // A member of another team plans the new work, so the loop must find it by subject, not by team.
        let planner = actor_named(app, "Hannah Fox").await?;
        let own: Vec<&str> = topic.lessons.iter().map(|l| l.0).collect();
        for (title, description, tags) in topic.new {
            let project = app
                .create_project(
                    &planner,
                    ProjectInput {
                        title: title.to_string(),
                        description: description.to_string(),
                        tags: tags.iter().map(|t| t.to_string()).collect(),
                        ..ProjectInput::default()
                    },
                )
                .await?;
            let suggested = app.project_suggestions(&planner, project.id).await?;
            score.projects += 1;
            if suggested.lessons.iter().take(SHOWN).any(|l| own.contains(&l.title.as_str())) {
                score.hits += 1;
            } else {
                score.misses.push((topic.key.to_string(), title.to_string()));
            }
        }
    }
    Ok(score)
}
