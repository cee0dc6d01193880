//! The demo's people side, loaded through the services: profiles with skills and
//! bands, two communities of practice with answered and open questions, advocates
//! in some teams (so coverage shows gaps), mentoring offers and requests, and a
//! coffee programme with two past rounds and feedback.
use signpost_domain::coffee::ProgrammeScope;
use signpost_domain::mentoring::ListingKind;
use signpost_domain::pairing::Preference;
use signpost_domain::profiles::ProfileAudience;
use signpost_services::people::advocates::AdvocateInput;
use signpost_services::people::coffee::{JoinInput, ProgrammeInput};
use signpost_services::people::coffee_rounds::FeedbackInput;
use signpost_services::people::communities::{CommunityInput, EventInput};
use signpost_services::people::mentoring::ListingInput;
use signpost_services::people::profiles::ProfileInput;
use signpost_services::people::questions::{PostInput, QuestionInput};
use signpost_services::{ServiceError, Signpost};

use super::PEOPLE;
use super::learning::actor_named;

/// A demo profile: name, band, skills, interests, and whether they mentor.
type DemoProfile = (&'static str, &'static str, &'static [&'static str], &'static [&'static str], bool);

/// Who knows what.
const PROFILES: [DemoProfile; 16] = [
    ("Helen Marsh", "Band 8a", &["infection prevention", "norovirus outbreak management", "hand hygiene"], &["quality improvement"], true),
    ("Kwame Mensah", "Band 6", &["norovirus", "audit"], &["outbreak management", "leadership"], false),
    ("Sophie Clarke", "Band 8a", &["patient safety", "falls prevention", "human factors"], &["coaching"], true),
    ("Daniel Byrne", "Band 6", &["safety huddles", "handover"], &["human factors"], false),
    ("Fatima Rahman", "Band 8b", &["maternity triage", "birth reflections"], &["leadership"], true),
    ("James Okafor", "Medical", &["sepsis screening", "emergency medicine"], &["digital health"], true),
    ("Rachel Dunn", "Band 8a", &["sepsis screening", "emergency nursing", "patient flow"], &["coaching"], true),
    ("Michael Lewis", "Band 7", &["discharge planning", "acute medicine"], &["sepsis screening", "leadership"], false),
    ("Nadia Kowalski", "Band 7", &["NEWS2", "deteriorating patients"], &["simulation training"], false),
    ("Grace Adeyemi", "Band 8a", &["immunisation programmes", "staff flu vaccination"], &["behaviour change"], true),
    ("Zara Ali", "Band 6", &["contact tracing", "health protection"], &["outbreak management"], false),
    ("Eleanor Shaw", "Band 6", &["pressure ulcer prevention", "district nursing"], &["leadership"], false),
    ("Hannah Fox", "Band 7", &["preceptorship", "practice development"], &["coaching", "mentoring"], true),
    ("Mei Lin", "Band 7", &["clinical safety", "electronic patient records"], &["human factors"], false),
    ("Priya Natarajan", "Band 7", &["literature searching", "evidence summaries"], &["knowledge mobilisation"], true),
    ("Chloe Evans", "Medical", &["acute medicine"], &["sepsis screening"], false),
];

/// Loads the people side of the demo.
pub async fn load(app: &Signpost) -> Result<(), ServiceError> {
    for (name, band, skills, interests, mentors) in PROFILES {
        let actor = actor_named(app, name).await?;
        let input = ProfileInput {
            band: band.into(),
            skills: skills.iter().map(|s| s.to_string()).collect(),
            interests: interests.iter().map(|s| s.to_string()).collect(),
            mentoring: mentors,
            peer_assist: mentors,
            audience: ProfileAudience::Staff,
            suggest_me: true,
        };
        app.update_profile(&actor, input).await?;
    }
    // One person keeps their profile to their team and asks not to be suggested.
    let private = actor_named(app, "Owen Price").await?;
    let quiet = ProfileInput {
        band: "Medical".into(),
        skills: vec!["sepsis screening".into(), "critical care".into()],
        interests: Vec::new(),
        mentoring: false,
        peer_assist: false,
        audience: ProfileAudience::Team,
        suggest_me: false,
    };
    app.update_profile(&private, quiet).await?;

    let specialist = actor_named(app, "Tom Whitfield").await?;
    for (name, team) in [
        ("Kwame Mensah", None),
        ("Daniel Byrne", None),
        ("Rachel Dunn", None),
        ("Ben Hughes", None),
        ("Aisha Begum", None),
        ("Priya Natarajan", None),
    ] {
        let user = app.user_by_email(&super::email(name)).await?;
        app.register_advocate(&specialist, AdvocateInput { user_id: user.id, team_id: team }).await?;
    }

    let rachel = actor_named(app, "Rachel Dunn").await?;
    let sepsis = app
        .create_community(&rachel, CommunityInput {
            name: "Deteriorating patient network".into(),
            description: "Nurses, doctors and practitioners who recognise and respond to deteriorating patients: sepsis screening, NEWS2 and escalation.".into(),
            tags: vec!["sepsis".into(), "news2".into(), "deterioration".into()],
        })
        .await?;
    app.add_event(
        &rachel,
        sepsis.id,
        EventInput {
            title: "Sepsis case review".into(),
            on: (chrono::Utc::now().date_naive() + chrono::Duration::days(21)).to_string(),
            place: "Education Centre, room 2, or online".into(),
            detail: "Two recent cases, what went well and what we would change.".into(),
        },
    )
    .await?;
    let members = ["James Okafor", "Michael Lewis", "Nadia Kowalski", "Chloe Evans", "Owen Price", "Helen Marsh"];
    for name in members {
        app.join_community(&actor_named(app, name).await?, sepsis.id).await?;
    }
    let chloe = actor_named(app, "Chloe Evans").await?;
    let q = app
        .ask_question(&chloe, sepsis.id, QuestionInput {
            title: "When should we repeat the sepsis screen after a first negative screen?".into(),
            body: "On the acute medical unit a patient screened negative in the ED and then deteriorated overnight. How often do other areas re-screen?".into(),
            tags: vec!["sepsis".into()],
        })
        .await?;
    let james = actor_named(app, "James Okafor").await?;
    let answer = app
        .answer_question(&james, q.id, PostInput { body: "Re-screen whenever NEWS2 rises by 2 or more, and at every handover for the first 24 hours. We built both triggers into the ED screening tool.".into(), answer_id: None })
        .await?;
    app.answer_question(
        &actor_named(app, "Nadia Kowalski").await?,
        q.id,
        PostInput {
            body: "Outreach asks wards to re-screen on any new concern from the patient or family, not only on scores.".into(),
            answer_id: None,
        },
    )
    .await?;
    app.accept_answer(&chloe, q.id, answer.id).await?;
    app.vote_answer(&actor_named(app, "Michael Lewis").await?, q.id, answer.id, 1).await?;
    let michael = actor_named(app, "Michael Lewis").await?;
    app.ask_question(
        &michael,
        sepsis.id,
        QuestionInput {
            title: "Does anyone use NEWS2 escalation cards on discharge lounges?".into(),
            body: String::new(),
            tags: vec!["news2".into()],
        },
    )
    .await?;

    let helen = actor_named(app, "Helen Marsh").await?;
    let ipc = app
        .create_community(
            &helen,
            CommunityInput {
                name: "Infection prevention link practitioners".into(),
                description: "Link practitioners from every ward share what works against outbreaks.".into(),
                tags: vec!["infection prevention".into(), "norovirus".into(), "hand hygiene".into()],
            },
        )
        .await?;
    for name in ["Kwame Mensah", "Zara Ali", "Eleanor Shaw", "Laura Bennett"] {
        app.join_community(&actor_named(app, name).await?, ipc.id).await?;
    }
    let eleanor = actor_named(app, "Eleanor Shaw").await?;
    let q2 = app
        .ask_question(
            &eleanor,
            ipc.id,
            QuestionInput {
                title: "How quickly should a ward close to admissions in a norovirus outbreak?".into(),
                body: "Two patients in one bay have symptoms. What have others done?".into(),
                tags: vec!["norovirus".into()],
            },
        )
        .await?;
    let kwame = actor_named(app, "Kwame Mensah").await?;
    let a2 = app
        .answer_question(
            &kwame,
            q2.id,
            PostInput {
                body: "Close the bay, not the ward, at the first two cases, and review after 48 hours without new cases.".into(),
                answer_id: None,
            },
        )
        .await?;
    app.accept_answer(&eleanor, q2.id, a2.id).await?;

    // Knowledge advocates help one another run the techniques: the question a team
    // leader asked about knowledge cafés, and the advocate's answer that was accepted.
    let amira = actor_named(app, "Amira Haddad").await?;
    let network = app
        .create_community(
            &amira,
            CommunityInput {
                name: "Knowledge advocates network".into(),
                description: "Knowledge advocates and library staff share how they help teams learn together.".into(),
                tags: vec!["knowledge mobilisation".into(), "advocates".into()],
            },
        )
        .await?;
    for name in ["Aisha Begum", "Ben Hughes", "Kwame Mensah", "Daniel Byrne", "Priya Natarajan"] {
        app.join_community(&actor_named(app, name).await?, network.id).await?;
    }
    let ben = actor_named(app, "Ben Hughes").await?;
    let q3 = app
        .ask_question(
            &ben,
            network.id,
            QuestionInput {
                title: "How do we run a knowledge café for staff spread across three sites?".into(),
                body: "We want night staff and the community teams to take part, not only whoever is free at the main hospital.".into(),
                tags: vec!["knowledge café".into()],
            },
        )
        .await?;
    let aisha = actor_named(app, "Aisha Begum").await?;
    let a3 = app
        .answer_question(
            &aisha,
            q3.id,
            PostInput {
                body: "Run two short knowledge cafés instead of one long one: one online at lunchtime and one on site at the shift change, with the same question. A host at each table carries the insights from one café to the next, and we post them on Signpost the same week so each group reads the other's.".into(),
                answer_id: None,
            },
        )
        .await?;
    app.accept_answer(&ben, q3.id, a3.id).await?;

    for (name, kind, skills) in [
        ("Rachel Dunn", ListingKind::Offer, &["sepsis screening", "leadership"][..]),
        ("Hannah Fox", ListingKind::Offer, &["preceptorship", "coaching"][..]),
        ("Sophie Clarke", ListingKind::Offer, &["human factors", "patient safety"][..]),
        ("Michael Lewis", ListingKind::Request, &["leadership", "sepsis screening"][..]),
        ("Daniel Byrne", ListingKind::Request, &["human factors"][..]),
    ] {
        let actor = actor_named(app, name).await?;
        app.add_listing(&actor, ListingInput { kind, skills: skills.iter().map(|s| s.to_string()).collect(), note: String::new() }).await?;
    }

    let programme = app
        .create_programme(
            &specialist,
            ProgrammeInput {
                name: "Northfield coffee roulette".into(),
                description: "Meet someone from another part of the trust for a coffee, once a month.".into(),
                scope: ProgrammeScope::Organisation,
                cadence_weeks: 4,
                avoid_repeat_rounds: 6,
                preference: Preference { different_department: true, ..Preference::default() },
            },
        )
        .await?;
    let joiners: Vec<&str> = PEOPLE.iter().filter(|p| p.4 == "member" || p.4 == "knowledge_specialist").map(|p| p.0).take(20).collect();
    for name in &joiners {
        let actor = actor_named(app, name).await?;
        app.join_programme(&actor, programme.id, JoinInput::default()).await?;
    }
    // A round every four weeks, the latest four weeks ago, so the next is due now.
    let today = chrono::Utc::now().date_naive();
    for (round, seed) in [(1, 20_261_001_u64), (2, 20_261_101)] {
        let held_on = today - chrono::Duration::weeks(4 * (3 - round as i64));
        let outcome = app.run_round_held_on(&specialist, programme.id, seed, held_on).await?;
        // Most pairs met; a few did not, and some had met before.
        for (i, group) in outcome.round.groups.iter().enumerate() {
            for (j, user_id) in group.iter().enumerate() {
                if (i + j + round) % 4 == 0 {
                    continue;
                }
                let actor = app.actor(*user_id).await?;
                let met = (i + round) % 5 != 0;
                app.give_feedback(
                    &actor,
                    programme.id,
                    outcome.round.id,
                    FeedbackInput { met, met_before: met && (i + j) % 7 == 0, again: (i + j) % 9 != 0, comment: String::new() },
                )
                .await?;
            }
        }
    }
    Ok(())
}
