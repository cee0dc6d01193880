//! The demo organisation: a fictional NHS trust with teams, people and about 200
//! knowledge assets on the seeds' own subjects, generated deterministically.
use chrono::{Duration, Utc};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use signpost_domain::assets::{Status, Visibility};
use signpost_domain::fields::AssetKind;
use signpost_domain::notifications::{Category, Frequency};
use signpost_domain::people::{NewUser, Role, TeamKind};
use signpost_services::accounts::operator;
use signpost_services::assets::AssetInput;
use signpost_services::transfer::ImportItem;
use signpost_services::{ServiceError, Signpost};

/// Every demo account's password.
pub const DEMO_PASSWORD: &str = "signpost-demo-2026";
/// The demo organisation's name.
pub const ORGANISATION: &str = "Northfield NHS Foundation Trust";

const DIRECTORATES: [(&str, &[&str]); 4] = [
    ("Nursing, Midwifery and Quality", &["Infection Prevention and Control", "Patient Safety", "Maternity Services"]),
    ("Medicine and Urgent Care", &["Emergency Department", "Acute Medical Unit", "Critical Care"]),
    ("Population Health", &["Vaccination Service", "Health Protection", "Community Nursing"]),
    ("Corporate Services", &["Library and Knowledge Services", "Workforce Development", "Digital Services"]),
];

const PEOPLE: [(&str, &str, &str, &str, &str); 30] = [
    (
        "Amira Haddad",
        "Head of Library and Knowledge Services",
        "Library and knowledge services",
        "Library and Knowledge Services",
        "knowledge_specialist",
    ),
    ("Tom Whitfield", "Knowledge Manager", "Library and knowledge services", "Library and Knowledge Services", "knowledge_specialist"),
    ("Priya Natarajan", "Clinical Librarian", "Library and knowledge services", "Library and Knowledge Services", "knowledge_specialist"),
    ("Gareth Owen", "Systems Administrator", "Digital", "Digital Services", "admin"),
    ("Helen Marsh", "Lead Nurse, Infection Prevention", "Nursing", "Infection Prevention and Control", "member"),
    ("Kwame Mensah", "IPC Nurse Specialist", "Nursing", "Infection Prevention and Control", "member"),
    ("Sophie Clarke", "Patient Safety Manager", "Quality improvement", "Patient Safety", "member"),
    ("Daniel Byrne", "Patient Safety Specialist", "Nursing", "Patient Safety", "member"),
    ("Fatima Rahman", "Consultant Midwife", "Midwifery", "Maternity Services", "member"),
    ("Laura Bennett", "Ward Manager, Labour Ward", "Midwifery", "Maternity Services", "member"),
    ("James Okafor", "Consultant in Emergency Medicine", "Medicine", "Emergency Department", "member"),
    ("Rachel Dunn", "Emergency Department Matron", "Nursing", "Emergency Department", "member"),
    ("Michael Lewis", "Advanced Clinical Practitioner", "Nursing", "Acute Medical Unit", "member"),
    ("Chloe Evans", "Acute Medicine Registrar", "Medicine", "Acute Medical Unit", "member"),
    ("Nadia Kowalski", "Critical Care Outreach Lead", "Nursing", "Critical Care", "member"),
    ("Owen Price", "Consultant Intensivist", "Medicine", "Critical Care", "member"),
    ("Grace Adeyemi", "Immunisation Programme Manager", "Public health", "Vaccination Service", "member"),
    ("Ben Hughes", "Vaccination Team Leader", "Nursing", "Vaccination Service", "member"),
    ("Zara Ali", "Health Protection Practitioner", "Public health", "Health Protection", "member"),
    ("Peter Morgan", "Consultant in Health Protection", "Public health", "Health Protection", "member"),
    ("Eleanor Shaw", "District Nursing Sister", "Nursing", "Community Nursing", "member"),
    ("Samuel Reid", "Community Matron", "Nursing", "Community Nursing", "member"),
    ("Hannah Fox", "Practice Development Facilitator", "Education", "Workforce Development", "member"),
    ("Aisha Begum", "Learning and Development Lead", "Education", "Workforce Development", "member"),
    ("Robert Hall", "Chief Nurse", "Nursing", "Nursing, Midwifery and Quality", "member"),
    ("Catherine Wood", "Medical Director", "Medicine", "Medicine and Urgent Care", "member"),
    ("Joseph Turner", "Director of Public Health Partnerships", "Public health", "Population Health", "member"),
    ("Mei Lin", "Digital Clinical Safety Officer", "Digital", "Digital Services", "member"),
    ("Victoria Stone", "Non-executive Director", "Governance", "Northfield NHS Foundation Trust", "guest"),
    ("Liam Carter", "Student Nurse", "Nursing", "Emergency Department", "guest"),
];

fn email(name: &str) -> String {
    format!("{}@northfield.nhs.uk", name.to_lowercase().replace(' ', "."))
}

/// The login email of a demo person, by name.
pub fn demo_email(name: &str) -> String {
    email(name)
}

const SITES: [&str; 4] = ["Northfield General Hospital", "Riverside Health Centre", "St Anne's Community Hospital", "Millbrook Clinic"];

/// Loads the demo organisation unless it is already there; returns the number of assets created (lessons included).
pub async fn load(app: &Signpost) -> Result<usize, ServiceError> {
    // The demo's past rounds and plans email no one, whatever relay is configured.
    let app = &app.without_mail();
    let existing = app.user_by_email(&email(PEOPLE[0].0)).await;
    if existing.is_ok() {
        return Ok(0);
    }
    // One organisation per installation: the demo's directorates go under one already there.
    let existing = app.teams(&operator()).await?.into_iter().find(|t| t.kind == TeamKind::Organisation);
    let org = match existing {
        Some(org) => org,
        None => app.create_team(None, ORGANISATION, TeamKind::Organisation, None).await?,
    };
    let mut team_ids = vec![(ORGANISATION.to_string(), org.id)];
    for (directorate, teams) in DIRECTORATES {
        let d = app.create_team(None, directorate, TeamKind::Directorate, Some(org.id)).await?;
        team_ids.push((directorate.to_string(), d.id));
        for t in teams {
            let team = app.create_team(None, t, TeamKind::Team, Some(d.id)).await?;
            team_ids.push((t.to_string(), team.id));
        }
    }
    let team_of = |name: &str| team_ids.iter().find(|(n, _)| n == name).map(|(_, id)| *id);
    let password = signpost_services::accounts::hash_password(DEMO_PASSWORD.to_string()).await?;
    for (i, (name, title, profession, team, role)) in PEOPLE.iter().enumerate() {
        let user = NewUser {
            email: email(name),
            name: name.to_string(),
            job_title: title.to_string(),
            profession: profession.to_string(),
            site: SITES[i % SITES.len()].to_string(),
            team_id: team_of(team),
            role: Role::parse(role).map_err(|e| ServiceError::Invalid(vec![e]))?,
            line_manager_id: None,
        };
        let created = app.create_user(None, user, None).await?;
        app.set_hashed_password(created.id, &password).await?;
        // The demo's people are made up: however mail is configured, none is emailed.
        let never: Vec<_> = Category::EMAILED.iter().map(|c| (*c, Frequency::Never)).collect();
        app.set_email_preferences(&app.actor(created.id).await?, &never).await?;
    }
    let items = assets();
    let n = items.len();
    app.import_assets(None, items).await.map_err(|e| match e {
        Ok(problems) => ServiceError::unexpected(format!("demo data is invalid: {problems:?}")),
        Err(e) => e,
    })?;
    let lessons = learning::load(app).await?;
    people::load(app).await?;
    leavers::load(app).await?;
    maturity::load(app).await?;
    impact::load(app).await?;
    // The subjects the demo's knowledge is filed under, as a thesaurus.
    let version = app.thesaurus(&operator()).await?.version;
    app.import_thesaurus(&operator(), include_bytes!("thesaurus.csv").to_vec(), version).await?;
    Ok(n + lessons)
}

struct Template {
    kind: AssetKind,
    title: &'static str,
    summary: &'static str,
    body: &'static str,
    fields: fn(&str, &str) -> serde_json::Value,
    team: &'static str,
    topics: &'static [&'static str],
    tags: &'static [&'static str],
}

pub mod experts;
mod impact;
pub mod learning;
mod learning_topics;
mod leavers;
mod maturity;
mod people;
mod templates;

/// The demo assets, generated from templates across sites and months with a fixed seed.
pub fn assets() -> Vec<ImportItem> {
    let mut rng = ChaCha8Rng::seed_from_u64(2026);
    let months = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
    let mut out = Vec::new();
    let templates = templates::all();
    let mut n = 0;
    while out.len() < 200 && n < 100_000 {
        let (i, k) = (n % templates.len(), n / templates.len());
        let t = &templates[i];
        let site = SITES[k % SITES.len()];
        let month = months[(k / SITES.len() + i * 5) % months.len()];
        n += 1;
        let title = t.title.replace("{site}", site).replace("{month}", month);
        if out.iter().any(|i: &ImportItem| i.input.title == title) {
            continue;
        }
        let owners: Vec<&str> = PEOPLE.iter().filter(|p| p.3 == t.team && p.4 != "guest").map(|p| p.0).collect();
        let owner = owners.choose(&mut rng).copied().unwrap_or(PEOPLE[0].0);
        let roll: f64 = rng.r#gen();
        let status = if roll < 0.08 {
            Status::Draft
        } else if roll < 0.14 {
            Status::Archived
        } else {
            Status::Published
        };
        let vis_roll: f64 = rng.r#gen();
        let visibility = if vis_roll < 0.25 {
            Visibility::Public
        } else if vis_roll < 0.8 {
            Visibility::Organisation
        } else {
            Visibility::Team
        };
        let interval = *[180, 365, 365, 730].choose(&mut rng).unwrap_or(&365);
        // Some assets were last reviewed long ago, so the review queue and stale flags have something to show.
        let reviewed_days_ago = rng.gen_range(0..(interval + 120)) as i64;
        // Written some time before that, so the organisation's growth chart has a history.
        let created_days_ago = reviewed_days_ago + rng.gen_range(0..300) as i64;
        out.push(ImportItem {
            source: format!("demo asset {}", out.len() + 1),
            input: AssetInput {
                summary: t.summary.replace("{site}", site).replace("{month}", month),
                body: t.body.replace("{site}", site).replace("{month}", month),
                fields: (t.fields)(site, month),
                tags: t.tags.iter().map(|s| s.to_string()).collect(),
                topics: t.topics.iter().map(|s| s.to_string()).collect(),
                visibility: Some(visibility),
                review_interval_days: Some(interval),
                status: Some(status),
                ..AssetInput::new(t.kind, title)
            },
            team: Some(t.team.to_string()),
            owner: Some(email(owner)),
            named_viewer_emails: Vec::new(),
            last_verified_at: Some(Utc::now() - Duration::days(reviewed_days_ago)),
            created_at: Some(Utc::now() - Duration::days(created_days_ago)),
        });
    }
    out
}
