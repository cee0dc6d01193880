//! Changing what was said in a community: authors reword their own questions,
//! answers and comments with every earlier wording kept; authors take their own down;
//! coordinators and specialists moderate with a reason the author is told. What was
//! taken down shows only to its author and moderators and leaves similar questions
//! and the expert finder; two edits at once never lose one.
use crate::common;

use common::{Backend, TestApp};
use reqwest::StatusCode;
use serde_json::{Value, json};
use signpost_domain::communities::QuestionId;
use signpost_domain::people::{NewUser, Role};

on_both_backends!(questions_answers_and_comments_are_reworded_with_history_and_taken_down_by_author_or_moderator);

fn fields(err: &Value) -> Vec<String> {
    err["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap().to_string()).collect()
}

async fn questions_answers_and_comments_are_reworded_with_history_and_taken_down_by_author_or_moderator(backend: Backend) {
    let t = TestApp::spawn(backend).await;
    // alice starts the community, so she coordinates it; bob and guest-free staff join.
    let (_, c) = t.post("alice", "/api/v1/communities", json!({ "name": "Falls prevention", "description": "Falls on the wards" })).await;
    let cid = c["id"].as_i64().unwrap();
    t.post("bob", &format!("/api/v1/communities/{cid}/members"), json!({})).await;
    t.post("spec", &format!("/api/v1/communities/{cid}/members"), json!({})).await;
    let (_, q) = t.post("bob", &format!("/api/v1/communities/{cid}/questions"), json!({ "title": "Who audits falls sensors?" })).await;
    let qid = q["id"].as_i64().unwrap();
    let (_, a) = t.post("spec", &format!("/api/v1/questions/{qid}/answers"), json!({ "body": "The ward sister, weekly." })).await;
    let aid = a["id"].as_i64().unwrap();
    let (_, cm) =
        t.post("alice", &format!("/api/v1/questions/{qid}/comments"), json!({ "body": "Ours is monthly.", "answer_id": aid })).await;
    let comment = cm["id"].as_i64().unwrap();

    // Only the author rewords; the earlier wording is kept.
    let reworded = json!({ "title": "Who audits bed and chair falls sensors?", "body": "We have 20 beds.", "tags": ["falls"] });
    assert_eq!(
        t.put("alice", &format!("/api/v1/questions/{qid}"), reworded.clone()).await.0,
        StatusCode::FORBIDDEN,
        "not even a coordinator"
    );
    let (status, edited) = t.put("bob", &format!("/api/v1/questions/{qid}"), reworded).await;
    assert_eq!(status, StatusCode::OK, "{edited}");
    let (status, err) = t.put("bob", &format!("/api/v1/questions/{qid}"), json!({ "title": "" })).await;
    assert_eq!((status, fields(&err)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["title".to_string()]));
    let (status, _) =
        t.put("spec", &format!("/api/v1/questions/{qid}/answers/{aid}"), json!({ "body": "The ward sister, every Monday." })).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) =
        t.put("alice", &format!("/api/v1/questions/{qid}/comments/{comment}"), json!({ "body": "Ours is every month." })).await;
    assert_eq!(status, StatusCode::OK);
    let (_, view) = t.get("bob", &format!("/api/v1/questions/{qid}")).await;
    assert_eq!(view["question"]["title"], "Who audits bed and chair falls sensors?");
    assert_eq!(view["question"]["history"][0]["title"], "Who audits falls sensors?", "{view}");
    assert_eq!(view["answers"][0]["answer"]["history"][0]["body"], "The ward sister, weekly.");
    assert_eq!(view["answers"][0]["comments"][0]["comment"]["history"][0]["body"], "Ours is monthly.");
    assert_eq!((view["may"]["edit"].as_bool(), view["answers"][0]["may"]["edit"].as_bool()), (Some(true), Some(false)));

    // Two edits at once: each either lands or is refused, and none is lost.
    let path = format!("/api/v1/questions/{qid}/answers/{aid}");
    let edit = |i: usize| t.put("spec", &path, json!({ "body": format!("Version {i}") }));
    let (r0, r1, r2, r3, r4, r5) = tokio::join!(edit(0), edit(1), edit(2), edit(3), edit(4), edit(5));
    let results = [r0, r1, r2, r3, r4, r5];
    let landed = results.iter().filter(|(s, _)| *s == StatusCode::OK).count();
    assert!(results.iter().all(|(s, _)| *s == StatusCode::OK || *s == StatusCode::CONFLICT), "{results:?}");
    let (_, view) = t.get("spec", &format!("/api/v1/questions/{qid}")).await;
    assert_eq!(view["answers"][0]["answer"]["history"].as_array().unwrap().len(), 1 + landed, "every landed edit kept the one before it");

    // A member who is not a moderator cannot take down someone else's answer; the
    // coordinator can, with a reason the author is told.
    let remove = format!("/api/v1/questions/{qid}/answers/{aid}/remove");
    assert_eq!(t.post("bob", &remove, json!({})).await.0, StatusCode::FORBIDDEN);
    let (status, err) = t.post("alice", &remove, json!({})).await;
    assert_eq!((status, fields(&err)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["reason".to_string()]));
    assert_eq!(t.post("alice", &remove, json!({ "reason": "Names a patient" })).await.0, StatusCode::NO_CONTENT);
    assert_eq!(t.post("alice", &remove, json!({ "reason": "again" })).await.0, StatusCode::CONFLICT, "already taken down");
    let (_, news) = t.get("spec", "/api/v1/notifications").await;
    assert!(news[0]["text"].as_str().unwrap().contains("taken down by a moderator: Names a patient"), "{news}");
    let (_, seen) = t.get("bob", &format!("/api/v1/questions/{qid}")).await;
    assert_eq!(seen["answers"][0]["answer"]["body"], "", "a reader does not see what was taken down");
    assert_eq!(seen["answers"][0]["answer"]["history"], json!(null));
    assert_eq!(seen["answers"][0]["answer"]["removed"]["reason"], "Names a patient");
    let (_, own) = t.get("spec", &format!("/api/v1/questions/{qid}")).await;
    assert!(own["answers"][0]["answer"]["body"].as_str().unwrap().starts_with("Version"), "its author still can: {own}");
    assert_eq!(t.put("spec", &path, json!({ "body": "Back again" })).await.0, StatusCode::CONFLICT, "nor can it be reworded");
    let (_, experts) = t.get("bob", "/api/v1/experts?q=falls+sensors").await;
    assert!(experts.as_array().unwrap().iter().all(|e| e["user"]["name"] != "spec"), "a removed answer is no evidence: {experts}");

    // The asker takes their own question down: it takes no more answers and leaves similar questions.
    t.post("alice", &format!("/api/v1/questions/{qid}/answers"), json!({ "body": "Ask the falls lead." })).await;
    let (_, similar) = t.get("alice", "/api/v1/questions/similar?q=falls+sensors+audit").await;
    assert_eq!(similar.as_array().unwrap().len(), 1, "{similar}");
    assert_eq!(t.post("bob", &format!("/api/v1/questions/{qid}/remove"), json!({})).await.0, StatusCode::NO_CONTENT);
    assert_eq!(t.post("spec", &format!("/api/v1/questions/{qid}/answers"), json!({ "body": "Late" })).await.0, StatusCode::CONFLICT);
    let (_, similar) = t.get("alice", "/api/v1/questions/similar?q=falls+sensors+audit").await;
    assert_eq!(similar, json!([]));
    let carol = NewUser::new("carol@trust.nhs.uk", "carol", Role::Member);
    let carol = t.app.actor(t.app.create_user(None, carol, None).await.unwrap().id).await.unwrap();
    let gone = t.app.question_view(&carol, QuestionId(qid)).await.unwrap().question;
    assert_eq!(gone.title, "A question that was taken down", "{gone:?}");
    assert!(gone.body.is_empty() && gone.tags.is_empty() && gone.history.is_empty(), "nothing of what it said: {gone:?}");
    let (_, own) = t.get("bob", &format!("/api/v1/questions/{qid}")).await;
    assert_eq!(own["question"]["title"], "Who audits bed and chair falls sensors?", "its author still reads it");
    let (_, listed) = t.get("alice", &format!("/api/v1/communities/{cid}")).await;
    assert_eq!(listed["questions"], json!([]), "{listed}");
}
