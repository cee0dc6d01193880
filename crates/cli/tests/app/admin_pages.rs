//! The review queue, people and team pages with their charts, the type-ahead, and
//! the administration pages: who may open them, what their forms refuse, and that
//! what they save takes effect.
use crate::common;

use common::web::{WebUser, assert_redirect};
use common::{Backend, Good, TestApp, lesson};
use reqwest::StatusCode;
use serde_json::Value;

on_both_backends!(
    reviews_people_and_teams_show_what_the_viewer_may_see_with_charts_as_tables,
    the_type_ahead_suggests_only_visible_titles,
    administration_is_for_administrators_and_its_forms_take_effect,
);

/// The figures in a chart's table, row by row: (month, values).
fn chart_rows(html: &str, chart_id: &str) -> Vec<(String, Vec<i64>)> {
    let start = html.find(&format!("id=\"{chart_id}-title\"")).expect("the chart");
    let table = &html[start..];
    let body = &table[table.find("<tbody").unwrap()..table.find("</tbody>").unwrap()];
    body.split("<tr")
        .skip(1)
        .map(|row| {
            let month = row.split("scope=\"row\">").nth(1).unwrap().split('<').next().unwrap().to_string();
            let values =
                row.split("nhsuk-table__cell--numeric\">").skip(1).map(|c| c.split('<').next().unwrap().parse().unwrap()).collect();
            (month, values)
        })
        .collect()
}

async fn reviews_people_and_teams_show_what_the_viewer_may_see_with_charts_as_tables(backend: Backend) {
    let t = TestApp::spawn(backend).await;
    let ward_a = t.teams["Ward A"];
    // One published and overdue (imported with its last review two years ago), one in date, one draft.
    let input = serde_json::from_value(lesson("Overdue lesson on hand hygiene", ward_a, "organisation", "published")).unwrap();
    let import = signpost_services::transfer::ImportItem {
        source: "test".into(),
        input,
        team: None,
        owner: Some("alice@trust.nhs.uk".into()),
        named_viewer_emails: vec![],
        last_verified_at: Some(chrono::Utc::now() - chrono::Duration::days(730)),
        created_at: Some(chrono::Utc::now() - chrono::Duration::days(800)),
    };
    t.app.import_assets(None, vec![import]).await.unwrap();
    t.post("alice", "/api/v1/assets", lesson("In date lesson on sepsis", ward_a, "organisation", "published")).await;
    t.post("alice", "/api/v1/assets", lesson("Draft lesson", ward_a, "organisation", "draft")).await;
    t.post("bob", "/api/v1/assets", lesson("Ward B private lesson", t.teams["Ward B"], "team", "published")).await;
    t.settle().await;

    let alice = WebUser::sign_in(&t, "alice").await;
    let (status, html) = alice.get(&format!("/reviews?team={ward_a}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Overdue lesson on hand hygiene") && html.contains(">Overdue<"), "the overdue asset is in the team's queue");
    assert!(!html.contains("In date lesson on sepsis"), "in-date knowledge is not due");

    let (_, html) = alice.get(&format!("/teams/{ward_a}")).await;
    assert!(html.contains("Review status at the end of each month") && html.contains("role=\"img\""));
    let rows = chart_rows(&html, "reviews");
    assert_eq!(rows.len(), 12, "a year of months");
    assert_eq!(rows.last().unwrap().1, vec![1, 0, 1], "now: one in date, none due soon, one overdue");
    assert_eq!(rows[0].1, vec![0, 0, 1], "a year ago only the imported asset existed, already overdue");
    assert!(html.contains("Now: 1 in date, 0 due for review within 30 days, 1 overdue."), "the text alternative states the figures");
    assert!(html.contains(">alice</a>") && html.contains(">guest</a>"), "members listed");

    let (_, html) = alice.get("/teams").await;
    let growth = chart_rows(&html, "growth");
    assert_eq!(growth.last().unwrap().1, vec![3], "alice sees three assets (the draft is hers); Bob's team-only one is not counted");
    assert_eq!(growth[0].1, vec![1], "the import kept its creation date, two years back");
    assert!(html.contains("Ward B") && html.contains("Library"), "the team tree");
    let (_, html) = WebUser::sign_in(&t, "bob").await.get("/teams").await;
    assert_eq!(chart_rows(&html, "growth").last().unwrap().1, vec![3], "bob sees his own and the two published");

    let (_, html) = alice.get("/people").await;
    assert!(html.contains("5 people") && html.contains(&format!("/people/{}", t.users["bob"])));
    let (_, html) = alice.get(&format!("/people/{}", t.users["bob"])).await;
    assert!(
        html.contains("bob@trust.nhs.uk") && !html.contains("Ward B private lesson"),
        "a person's page hides what the viewer may not see"
    );
    assert_eq!(alice.get("/people/999999").await.0, StatusCode::NOT_FOUND);
    assert_eq!(alice.get("/teams/999999").await.0, StatusCode::NOT_FOUND);
}

async fn the_type_ahead_suggests_only_visible_titles(backend: Backend) {
    let t = TestApp::spawn(backend).await;
    t.post("alice", "/api/v1/assets", lesson("Handover checklist for nights", t.teams["Ward A"], "organisation", "published")).await;
    t.post("bob", "/api/v1/assets", lesson("Handover secrets of Ward B", t.teams["Ward B"], "team", "published")).await;
    t.settle().await;
    let alice = WebUser::sign_in(&t, "alice").await;
    let (status, html) = alice.get("/search/suggest?q=hando").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Handover checklist for nights") && html.contains("1 suggestion<"), "{html}");
    assert!(!html.contains("secrets"), "no title the viewer may not see");
    assert!(!html.contains("<html"), "a fragment for htmx, not a page");
    assert_eq!(alice.get("/search/suggest?q=h").await.1.trim(), "", "one letter suggests nothing");
    let anonymous = common::web::client().get(format!("{}/search/suggest?q=hando", t.base)).send().await.unwrap();
    assert_eq!(anonymous.text().await.unwrap().trim(), "", "nothing for someone signed out");
}

async fn administration_is_for_administrators_and_its_forms_take_effect(backend: Backend) {
    let t = TestApp::spawn(backend).await;
    let alice = WebUser::sign_in(&t, "alice").await;
    for path in [
        "/admin",
        "/admin/users",
        "/admin/teams",
        "/admin/audit",
        "/admin/synonyms",
        "/admin/jobs",
        "/admin/sign-in",
        "/admin/provisioning",
    ] {
        assert_eq!(alice.get(path).await.0, StatusCode::FORBIDDEN, "{path} is closed to members");
    }
    let (status, _, _) = alice.post("/admin/users", &[("name", "Mallory"), ("email", "m@trust.nhs.uk"), ("role", "admin")]).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "a member cannot add an administrator");
    assert!(!alice.get("/").await.1.contains("href=\"/admin\""), "no admin link for members");

    let admin = WebUser::sign_in(&t, "admin").await;
    assert!(admin.get("/").await.1.contains("href=\"/admin\""));

    // A background email that cannot be sent (no relay here) fails for good after its one
    // attempt; the admin sees why and runs it again.
    use signpost_domain::ports::JobStore;
    let db = signpost_store::Db::connect(t.db.location("node").database.as_deref().unwrap()).await.unwrap();
    let mut email = signpost_domain::jobs::NewJob::now(
        "email",
        serde_json::json!({ "to": "alice@trust.nhs.uk", "subject": "Hello", "body": "Hi" }),
        "test-mail",
    );
    email.max_attempts = 1;
    db.enqueue(&[email]).await.unwrap();
    db.close().await;
    let run = t.app.run_due_jobs().await.unwrap();
    assert_eq!(run.failed, 1, "{run:?}");
    let (status, html) = admin.get("/admin/jobs?state=failed").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("mail is not configured on this node") && html.contains("1 of 1"), "{html}");
    let jobs: Value = t.get("admin", "/api/v1/jobs?state=failed").await.good();
    let id = jobs["items"][0]["id"].as_i64().unwrap();
    assert_eq!(t.post("spec", &format!("/api/v1/jobs/{id}/retry"), serde_json::json!({})).await.0, StatusCode::FORBIDDEN);
    assert_redirect(&admin.post(&format!("/admin/jobs/{id}/retry"), &[]).await, "/admin/jobs?state=pending&done=retried");
    let (_, waiting) = t.get("admin", "/api/v1/jobs?state=pending").await;
    assert_eq!((waiting["items"][0]["id"].as_i64(), waiting["items"][0]["attempts"].as_i64()), (Some(id), Some(0)), "{waiting}");
    let (status, _, html) =
        admin.post("/admin/users", &[("name", "Dana"), ("email", "not-an-email"), ("role", "member"), ("password", "short")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("There is a problem") && html.contains("value=\"Dana\""), "errors shown, input kept");
    let team = t.teams["Ward B"].to_string();
    let fields = [
        ("name", "Dana Scully"),
        ("email", "dana@trust.nhs.uk"),
        ("job_title", "Ward sister"),
        ("team_id", team.as_str()),
        ("role", "member"),
        ("password", "a long enough password"),
    ];
    assert_redirect(&admin.post("/admin/users", &fields).await, "/admin/users?done=added");
    let dana = t.app.user_by_email("dana@trust.nhs.uk").await.unwrap();
    assert_eq!(dana.team_id, Some(t.teams["Ward B"]));
    let role = admin.post(&format!("/admin/users/{}/role", dana.id), &[("role", "knowledge_specialist")]).await;
    assert_redirect(&role, &format!("/admin/users/{}?done=role", dana.id));
    assert_eq!(t.app.user_by_email("dana@trust.nhs.uk").await.unwrap().role.as_str(), "knowledge_specialist");

    let clinical = t.teams["Clinical"].to_string();
    let (status, _, html) = admin.post("/admin/teams", &[("name", "Ward A"), ("kind", "team"), ("parent_id", &clinical)]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "a duplicate team name");
    assert!(html.contains("already exists"));
    assert_redirect(
        &admin.post("/admin/teams", &[("name", "Ward C"), ("kind", "team"), ("parent_id", &clinical)]).await,
        "/admin/teams?done=team_added",
    );
    assert!(admin.get("/teams").await.1.contains("Ward C"));

    let (status, _, html) = admin.post("/admin/synonyms", &[("groups", "AAR, after action review\nlonely")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("Group “lonely”: a group needs at least two terms"), "{html}");
    let saved = admin.post("/admin/synonyms", &[("groups", "AAR, after action review\nPDSA, plan do study act")]).await;
    assert_redirect(&saved, "/admin/synonyms?done=saved");
    assert!(admin.get("/admin/synonyms").await.1.contains("PDSA, plan do study act"));

    // A token made on the page works on the API, and stops working once revoked.
    let (status, _, html) = admin.post("/account/tokens", &[("name", "weekly report")]).await;
    assert_eq!(status, StatusCode::OK);
    let secret = html.split("class=\"signpost-secret\">").nth(1).unwrap().split('<').next().unwrap().to_string();
    let api = |secret: String| common::web::client().get(format!("{}/api/v1/assets", t.base)).bearer_auth(secret).send();
    assert_eq!(api(secret.clone()).await.unwrap().status(), StatusCode::OK);
    let (_, page) = admin.get("/account/tokens").await;
    assert!(page.contains("weekly report") && !page.contains(&secret), "the secret is shown once only");
    let token_id =
        t.app.tokens(&t.app.actor(t.users["admin"]).await.unwrap()).await.unwrap().iter().find(|k| k.name == "weekly report").unwrap().id;
    admin.post(&format!("/account/tokens/{token_id}/revoke"), &[]).await;
    assert_eq!(api(secret).await.unwrap().status(), StatusCode::UNAUTHORIZED);

    let (status, html) = admin.get("/admin/audit").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("<code>user.set_role</code>") && html.contains("<code>token.revoke</code>"),
        "role changes and revocations are in the log"
    );
    assert!(html.contains("team.create") && html.contains("Ward C"));
}
