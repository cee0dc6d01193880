//! First run: while no account exists, `signpost serve` prints a one-time link (only
//! its hash is stored, and each start replaces it); the page behind it creates the
//! organisation with its directorates and teams and the first administrator, in one
//! transaction, and is gone from then on.
use chrono::Utc;
use signpost_domain::accounts::FirstRun;
use signpost_domain::audit::AuditRecord;
use signpost_domain::people::{NewUser, Role};
use signpost_domain::{FieldError, StoreError};

use super::{NewSession, check_new_password, hash_password, random_hex, secret_hash};
use crate::{ServiceError, Signpost};

/// Directorates the structure may list.
const MAX_DIRECTORATES: usize = 100;
/// Teams it may list in all.
const MAX_TEAMS: usize = 1_000;
/// Longest structure text read.
const MAX_STRUCTURE: usize = 50_000;

/// What the set-up page sends.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct SetupInput {
    /// The organisation's name, such as Northfield NHS Foundation Trust.
    pub organisation: String,
    /// One directorate per line, its teams after a colon, separated by commas:
    /// `Nursing: Emergency Department, Intensive Care`.
    pub structure: String,
    /// The first administrator's full name.
    pub name: String,
    /// Their email address.
    pub email: String,
    /// Their password.
    pub password: String,
}

/// Reads the directorates and their teams, one directorate per line; says which line is wrong.
pub fn parse_structure(text: &str, organisation: &str) -> Result<Vec<(String, Vec<String>)>, FieldError> {
    let refuse = |message: String| Err(FieldError::new("structure", message));
    if text.len() > MAX_STRUCTURE {
        return refuse(format!("list at most {MAX_STRUCTURE} characters; add more teams afterwards under Administration"));
    }
    let lines: Vec<(usize, &str)> = text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()).take(MAX_DIRECTORATES + 1).collect();
    if lines.len() > MAX_DIRECTORATES {
        return refuse(format!("list at most {MAX_DIRECTORATES} directorates; add more afterwards under Administration"));
    }
    let mut seen = vec![organisation.trim().to_lowercase()];
    let mut out = Vec::new();
    let mut teams_total = 0;
    for (number, line) in lines {
        let (directorate, teams) = line.split_once(':').unwrap_or((line, ""));
        let mut names = vec![directorate.trim().to_string()];
        names.extend(teams.split(',').map(str::trim).filter(|t| !t.is_empty()).map(str::to_string));
        teams_total += names.len() - 1;
        if teams_total > MAX_TEAMS {
            return refuse(format!("list at most {MAX_TEAMS} teams; add more afterwards under Administration"));
        }
        for name in &names {
            if name.is_empty() || name.chars().count() > 200 {
                return refuse(format!("line {}: give each directorate and team a name of 1 to 200 characters", number + 1));
            }
            if seen.contains(&name.to_lowercase()) {
                return refuse(format!("line {}: {name:?} appears twice; every team needs its own name", number + 1));
            }
            seen.push(name.to_lowercase());
        }
        let directorate = names.remove(0);
        out.push((directorate, names));
    }
    Ok(out)
}

impl Signpost {
    /// A fresh secret for the set-up link while no account exists; `None` once one does.
    pub async fn prepare_setup(&self) -> Result<Option<String>, ServiceError> {
        let secret = random_hex(32);
        Ok(self.store.replace_setup_secret(&secret_hash(&secret), Utc::now()).await?.then_some(secret))
    }

    /// Whether `secret` opens the set-up page.
    pub async fn setup_link_works(&self, secret: &str) -> Result<bool, ServiceError> {
        Ok(!secret.is_empty() && self.store.setup_secret_valid(&secret_hash(secret)).await?)
    }

    /// Creates the organisation, its directorates and teams and the first administrator,
    /// and signs them in.
    pub async fn complete_setup(&self, secret: &str, input: SetupInput) -> Result<NewSession, ServiceError> {
        if !self.setup_link_works(secret).await? {
            return Err(setup_gone());
        }
        let mut errors = Vec::new();
        let organisation = input.organisation.trim();
        if organisation.is_empty() || organisation.chars().count() > 200 {
            errors.push(FieldError::new("organisation", "enter the organisation's name, 1 to 200 characters"));
        }
        let directorates = parse_structure(&input.structure, organisation).map_err(|e| errors.push(e)).unwrap_or_default();
        let admin = NewUser::new(input.email.trim(), input.name.trim(), Role::Admin);
        errors.extend(admin.validate());
        if let Err(e) = check_new_password(&input.password, &admin.email, &admin.name) {
            errors.push(e);
        }
        if !errors.is_empty() {
            return Err(ServiceError::Invalid(errors));
        }
        let hash = hash_password(input.password).await?;
        let setup = FirstRun { organisation: organisation.to_string(), directorates, admin };
        let audit = AuditRecord::new(None, "setup", format!("set up {organisation} with {} as its first administrator", setup.admin.email));
        let user = self.store.complete_setup(&secret_hash(secret), &setup, &hash, audit).await.map_err(|e| match e {
            StoreError::NotFound => setup_gone(),
            StoreError::Conflict(_) => {
                ServiceError::invalid("structure", "a team of one of these names already exists; choose other names")
            }
            other => other.into(),
        })?;
        self.open_session(user).await
    }
}

fn setup_gone() -> ServiceError {
    ServiceError::NotFound("a working set-up link: Signpost is already set up, or the server was restarted and printed a newer link".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_directorate_per_line_with_its_teams_after_a_colon() {
        let text = "Nursing: Emergency Department, Intensive Care\n\n  Corporate : Library ,\nDigital";
        let parsed = parse_structure(text, "Northfield Trust").unwrap();
        assert_eq!(
            parsed,
            vec![
                ("Nursing".to_string(), vec!["Emergency Department".to_string(), "Intensive Care".to_string()]),
                ("Corporate".to_string(), vec!["Library".to_string()]),
                ("Digital".to_string(), vec![]),
            ]
        );
        assert_eq!(parse_structure("", "Trust").unwrap(), vec![], "directorates can wait");
    }

    #[test]
    fn repeated_or_empty_names_say_which_line() {
        let err = parse_structure("Nursing: Library\nCorporate: library", "Trust").unwrap_err();
        assert!(err.message.contains("line 2") && err.message.contains("twice"), "{}", err.message);
        let err = parse_structure("Nursing: Wards\n: Library", "Trust").unwrap_err();
        assert!(err.message.contains("line 2"), "{}", err.message);
        let err = parse_structure("Trust: Wards", "Trust").unwrap_err();
        assert!(err.message.contains("twice"), "the organisation's own name is taken: {}", err.message);
        let many = (0..=MAX_DIRECTORATES).map(|i| format!("D{i}")).collect::<Vec<_>>().join("\n");
        assert!(parse_structure(&many, "Trust").unwrap_err().message.contains("at most 100 directorates"));
    }
}
