//! Turning the audit log into messages. Every change writes its audit entry in its own
//! transaction, and writes commit in the order of their entries, so reading the log
//! from a cursor misses nothing and announces nothing that did not happen. Nodes move
//! the cursor with a conditional update: one of them queues each stretch of the log,
//! and message ids made from the entry and the endpoint keep it to one message each.
//!
//! Payloads are thin: the event, when it happened, the object's id and address, and
//! only what someone anywhere in the organisation may read (an asset's title and kind
//! when its audience is the organisation or the public; nothing of a team's or named
//! people's knowledge, and no names of leavers).
use serde_json::{Value, json};
use signpost_domain::audit::AuditEntry;
use signpost_domain::fields::AssetKind;
use signpost_domain::ids::{ActionId, AssetId, QuestionId};
use signpost_domain::people::{Actor, Role};
use signpost_domain::webhooks::{Message, MessageState, NewMessage, events_for};

use super::delivery::delivery_job;
use crate::{ServiceError, Signpost, policy};

/// Audit entries read at a time.
const BATCH: i64 = 200;

/// What an event is about, as far as a payload may say.
struct Subject {
    data: Value,
    community_id: Option<i64>,
}

impl Signpost {
    /// Queues a message for every endpoint that hears of each event logged since the
    /// last call, and returns how many. Safe from any number of nodes at once.
    pub async fn queue_webhook_events(&self) -> Result<usize, ServiceError> {
        let mut queued = 0;
        loop {
            let from = self.store.webhook_cursor().await?;
            let entries = self.store.audit_after(from, BATCH).await?;
            let Some(to) = entries.last().map(|e| e.id) else { return Ok(queued) };
            let endpoints = self.store.endpoints().await?;
            let mut messages = Vec::new();
            for entry in entries.iter().filter(|_| endpoints.iter().any(|e| e.enabled)) {
                for event in events_for(entry) {
                    let targets: Vec<_> = endpoints.iter().filter(|e| e.wants(event) && e.created_at <= entry.at).collect();
                    if targets.is_empty() {
                        continue;
                    }
                    let Some(subject) = self.subject(event, entry).await? else { continue };
                    let body = json!({ "type": event, "timestamp": entry.at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true), "data": subject.data });
                    for endpoint in targets.into_iter().filter(|e| e.community_id.is_none_or(|c| Some(c.0) == subject.community_id)) {
                        // One entry can announce two events (published and recorded): the event is in the id.
                        let id = format!("msg_{}_{}_{}", entry.id, event.replace('.', "_"), endpoint.id);
                        messages.push(NewMessage {
                            job: delivery_job(&id, None),
                            message: Message {
                                id,
                                endpoint_id: endpoint.id,
                                event_type: event.to_string(),
                                body: body.to_string(),
                                created_at: entry.at,
                                state: MessageState::Pending,
                                attempts: 0,
                            },
                        });
                    }
                }
            }
            if self.store.queue_messages(from, to, &messages).await? {
                queued += messages.len();
            }
            if entries.len() < BATCH as usize {
                return Ok(queued);
            }
        }
    }

    /// The payload's `data` for an event, or `None` when there is nothing to announce
    /// (the object is gone, or a created asset is not a lesson).
    async fn subject(&self, event: &str, entry: &AuditEntry) -> Result<Option<Subject>, ServiceError> {
        let Some(id) = entry.entity_id else { return Ok(None) };
        let base = self.public_url.clone().unwrap_or_default();
        let plain = |path: String| Some(Subject { data: json!({ "id": id, "url": format!("{base}{path}") }), community_id: None });
        Ok(match entry.entity.as_str() {
            "asset" => {
                let Ok(asset) = self.store.asset(AssetId(id)).await else { return Ok(None) };
                if event == "lesson.recorded" && asset.kind != AssetKind::Lesson {
                    return Ok(None);
                }
                let mut data = json!({ "id": id, "url": format!("{base}/assets/{id}") });
                // Someone anywhere in the organisation, in no team: what they may read, the payload may say.
                let anyone = Actor { user_id: signpost_domain::ids::UserId(0), role: Role::Member, teams: Vec::new() };
                if policy::can_view(&anyone, &asset) {
                    data["title"] = json!(asset.title);
                    data["kind"] = json!(asset.kind.as_str());
                    data["status"] = json!(asset.status.as_str());
                }
                Some(Subject { data, community_id: None })
            }
            "question" => {
                let Ok(q) = self.store.question(QuestionId(id)).await else { return Ok(None) };
                let data = json!({ "id": id, "url": format!("{base}/questions/{id}"), "title": q.title, "community_id": q.community_id });
                Some(Subject { data, community_id: Some(q.community_id.0) })
            }
            "action" => {
                let Ok(action) = self.store.action(ActionId(id)).await else { return Ok(None) };
                let path = action.project_id.map_or_else(|| "/actions".to_string(), |p| format!("/projects/{p}"));
                let data =
                    json!({ "id": id, "url": format!("{base}{path}"), "project_id": action.project_id, "status": action.status.as_str() });
                Some(Subject { data, community_id: None })
            }
            "session" => plain(format!("/sessions/{id}")),
            "leaver_plan" => plain(format!("/leavers/{id}")),
            "coffee_programme" => plain(format!("/coffee/{id}")),
            _ => None,
        })
    }
}
