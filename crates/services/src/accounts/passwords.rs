//! Passwords people choose, by the rules NCSC and NIST SP 800-63B give (length, not one
//! of the commonly used ones, nothing about the person; no composition rules), and the
//! ways to set one: changing it, a forgotten-password link, an invitation's link.
//!
//! A link carries a random secret; only its SHA-256 is stored, it works once, and it
//! lapses (30 minutes for a reset, 7 days for an invitation). Asking for a reset answers
//! the same whether or not the address has an account.
use std::collections::HashSet;
use std::sync::OnceLock;

use chrono::{Duration, Utc};
use signpost_domain::accounts::{LinkPurpose, NewLink};
use signpost_domain::audit::AuditRecord;
use signpost_domain::jobs::NewJob;
use signpost_domain::people::{Actor, NewUser, User};
use signpost_domain::ports::Mail;
use signpost_domain::{FieldError, StoreError, UserId};

use super::{MIN_PASSWORD, hash_password, login_limit, not_found_as, random_hex, secret_hash, verify_password};
use crate::{ServiceError, Signpost, policy};

/// How long a forgotten-password link works.
pub const RESET_MINUTES: i64 = 30;
/// How long an invitation's link works.
pub const INVITATION_DAYS: i64 = 7;
/// Longest password accepted (NIST asks for at least 64; passphrases are welcome).
const MAX_PASSWORD: usize = 256;
/// Reset emails one address may be sent within the limiter's window.
const RESETS_PER_ACCOUNT: usize = 3;
/// Reset requests one client may make within the limiter's window.
const RESETS_PER_CLIENT: usize = 20;

/// The passwords of 12 characters or more from the top million of a public list of
/// leaked passwords (see `data/README.md`), lower-cased.
fn common_passwords() -> &'static HashSet<&'static str> {
    static LIST: OnceLock<HashSet<&'static str>> = OnceLock::new();
    LIST.get_or_init(|| include_str!("../../data/common-passwords.txt").lines().collect())
}

/// Checks a password a person chose for `email` (and `name`); says what is wrong in words
/// they can act on.
pub fn check_new_password(password: &str, email: &str, name: &str) -> Result<(), FieldError> {
    let length = password.chars().count();
    let refuse = |message: &str| Err(FieldError::new("password", message));
    if length < MIN_PASSWORD {
        return refuse(&format!("choose a password of at least {MIN_PASSWORD} characters; a few unrelated words make a good one"));
    }
    if length > MAX_PASSWORD {
        return refuse(&format!("choose a password of {MAX_PASSWORD} characters or fewer"));
    }
    let lower = password.to_lowercase();
    if common_passwords().contains(lower.as_str()) {
        return refuse("that is one of the most commonly used passwords, so it is easy to guess: choose another");
    }
    let local = email.split('@').next().unwrap_or_default().to_lowercase();
    let words = [email.to_lowercase(), local, name.to_lowercase().replace(' ', ""), "signpost".to_string()];
    if words.iter().any(|w| w.chars().count() >= 4 && lower.replace(' ', "") == *w) || lower.contains(&email.to_lowercase()) {
        return refuse("choose a password that is not your email address, your name or the name of this service");
    }
    if password.chars().all(|c| c == password.chars().next().unwrap_or(' ')) {
        return refuse("choose a password that is not one character repeated");
    }
    Ok(())
}

/// Changing one's own password.
#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    /// The password in use now.
    pub current_password: String,
    /// The new one.
    pub new_password: String,
}

impl Signpost {
    /// Changes the actor's password after checking the current one (rate-limited as a
    /// sign-in is); every other session of theirs ends, `session_hash`'s stays.
    pub async fn change_password(
        &self,
        actor: &Actor,
        change: PasswordChange,
        session_hash: Option<&str>,
        client: &str,
    ) -> Result<u64, ServiceError> {
        let user = self.store.user(actor.user_id).await.map_err(not_found_as("user"))?;
        let reservation = self
            .limiter
            .reserve(&login_limit::keys(&user.email, client))
            .map_err(|retry_after_secs| ServiceError::RateLimited { retry_after_secs })?;
        let hash = self.store.credentials(&user.email).await?.and_then(|c| c.password_hash);
        let matches = match hash {
            Some(hash) => {
                let _turn = self.limiter.hashing.acquire().await.map_err(|e| ServiceError::caused("the password queue closed", e))?;
                verify_password(change.current_password, hash).await
            }
            None => false,
        };
        if !matches {
            return Err(ServiceError::invalid("current_password", "your current password is not right"));
        }
        self.limiter.succeed(reservation);
        check_new_password(&change.new_password, &user.email, &user.name)
            .map_err(|e| ServiceError::Invalid(vec![FieldError { field: "new_password".into(), ..e }]))?;
        let hash = hash_password(change.new_password).await?;
        let audit = AuditRecord::new(Some(actor.user_id), "user.change_password", format!("{} changed their password", user.email));
        self.store.change_password(actor.user_id, &hash, session_hash, audit).await.map_err(not_found_as("user"))
    }

    /// Emails a link to set a new password to `email`, if it is the address of a working
    /// account; answers the same either way. Limited per address and per client.
    pub async fn request_password_reset(&self, email: &str, client: &str) -> Result<(), ServiceError> {
        self.ensure_passwords_allowed().await?;
        let email = email.trim().to_lowercase();
        if email.is_empty() || !email.contains('@') || email.len() > 254 {
            return Err(ServiceError::invalid("email", "enter an email address in the correct format, like name@example.nhs.uk"));
        }
        let keys = [(format!("reset-account:{email}"), RESETS_PER_ACCOUNT), (format!("reset-client:{client}"), RESETS_PER_CLIENT)];
        // Never given back: each request counts, whatever it finds.
        let _counted = self.limiter.reserve(&keys).map_err(|retry_after_secs| ServiceError::RateLimited { retry_after_secs })?;
        if self.mailer.is_none() {
            return Err(ServiceError::Conflict(
                "Signpost cannot send email here, so it cannot send a reset link: ask an administrator to set a new password for you"
                    .into(),
            ));
        }
        let Some(user) = self.store.credentials(&email).await?.map(|c| c.user).filter(|u| u.disabled_at.is_none()) else {
            return Ok(());
        };
        let audit = AuditRecord::new(Some(user.id), "user.reset_requested", format!("a password reset link was sent to {}", user.email));
        let link = self.new_link(&user, LinkPurpose::Reset)?;
        self.store.create_password_link(user.id, &link, audit).await?;
        Ok(())
    }

    /// Whose password a link sets and what for, while it still works.
    pub async fn password_link(&self, secret: &str) -> Result<(User, LinkPurpose), ServiceError> {
        self.ensure_passwords_allowed().await?;
        let link = self.store.password_link(&secret_hash(secret), Utc::now()).await?.ok_or_else(link_gone)?;
        let user = self.store.user(link.user_id).await.map_err(not_found_as("user"))?;
        Ok((user, link.purpose))
    }

    /// Sets a password through a link, once; every session of the person ends.
    pub async fn set_password_by_link(&self, secret: &str, password: String) -> Result<User, ServiceError> {
        let (user, purpose) = self.password_link(secret).await?;
        check_new_password(&password, &user.email, &user.name)?;
        let hash = hash_password(password).await?;
        let what = match purpose {
            LinkPurpose::Reset => "reset their password with an emailed link",
            LinkPurpose::Invitation => "accepted their invitation and chose a password",
        };
        let audit = AuditRecord::new(Some(user.id), "user.set_password_by_link", format!("{} {what}", user.email));
        self.store.use_password_link(&secret_hash(secret), &hash, Utc::now(), audit).await.map_err(|e| match e {
            StoreError::NotFound => link_gone(),
            other => other.into(),
        })?;
        Ok(user)
    }

    /// Creates an account and emails its person a link to choose their password
    /// (administrators), in one transaction.
    pub async fn invite_user(&self, actor: &Actor, new: NewUser) -> Result<User, ServiceError> {
        policy::ensure_admin(actor)?;
        self.check_new_user(&new, None).await?;
        let Some(_) = &self.mailer else { return Err(no_mail_for_invitations()) };
        // The email greets the person by name; the account, and so its id, is stored with the link.
        let draft = User {
            id: UserId(0),
            email: new.email.trim().to_lowercase(),
            name: new.name.trim().to_string(),
            job_title: String::new(),
            profession: String::new(),
            site: String::new(),
            team_id: None,
            role: new.role,
            created_at: Utc::now(),
            disabled_at: None,
            line_manager_id: None,
        };
        let link = self.new_link(&draft, LinkPurpose::Invitation)?;
        let audit = AuditRecord::new(Some(actor.user_id), "user.invite", format!("{} invited by email", draft.email));
        self.store.create_user(&new, None, Some(&link), audit).await.map_err(|e| match e {
            StoreError::Conflict(_) => ServiceError::Conflict(format!("a user with the email {} already exists", draft.email)),
            other => other.into(),
        })
    }

    /// Sends a fresh invitation to someone who has not yet chosen a password (administrators).
    pub async fn resend_invitation(&self, actor: &Actor, id: UserId) -> Result<(), ServiceError> {
        policy::ensure_admin(actor)?;
        let user = self.store.user(id).await.map_err(not_found_as("user"))?;
        if self.mailer.is_none() {
            return Err(no_mail_for_invitations());
        }
        if user.disabled_at.is_some() {
            return Err(ServiceError::Conflict(format!("{}'s account is disabled: enable it first", user.name)));
        }
        let link = self.new_link(&user, LinkPurpose::Invitation)?;
        let audit = AuditRecord::new(Some(actor.user_id), "user.invite", format!("invitation sent again to {}", user.email));
        self.store.create_password_link(id, &link, audit).await.map_err(not_found_as("user"))
    }

    /// A fresh link for `user` and the email that carries it.
    fn new_link(&self, user: &User, purpose: LinkPurpose) -> Result<NewLink, ServiceError> {
        let secret = random_hex(32);
        let path = format!("/password/set?link={secret}");
        let url = match &self.public_url {
            Some(base) => format!("{base}{path}"),
            None => format!("(the address you open Signpost at){path}"),
        };
        let now = Utc::now();
        let (expires_at, subject, body) = match purpose {
            LinkPurpose::Reset => (
                now + Duration::minutes(RESET_MINUTES),
                "Reset your Signpost password".to_string(),
                format!(
                    "Hello {},\n\nSomeone (we hope you) asked to reset the password of your Signpost account. \
                     Choose a new password here within {RESET_MINUTES} minutes:\n\n{url}\n\n\
                     The link works once. If you did not ask, you can ignore this email: your password has not changed.\n",
                    user.name
                ),
            ),
            LinkPurpose::Invitation => (
                now + Duration::days(INVITATION_DAYS),
                "You have been invited to Signpost".to_string(),
                format!(
                    "Hello {},\n\nAn administrator has made you an account in Signpost, where your organisation keeps \
                     its knowledge, lessons and the people who know. Choose your password here within {INVITATION_DAYS} days:\n\n{url}\n\n\
                     Then sign in with {} and that password.\n",
                    user.name, user.email
                ),
            ),
        };
        let key = format!("password-link:{}", secret_hash(&secret));
        let email = NewJob::email(&Mail::text(user.email.clone(), subject, body), key);
        Ok(NewLink { secret_hash: secret_hash(&secret), purpose, expires_at, email })
    }
}

fn link_gone() -> ServiceError {
    ServiceError::NotFound("a working link: it has been used, has expired or was replaced by a newer one. Ask for a new one".into())
}

fn no_mail_for_invitations() -> ServiceError {
    ServiceError::Conflict("Signpost cannot send email here, so it cannot send invitations: set a password for the person instead".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(password: &str) -> String {
        check_new_password(password, "amira.haddad@northfield.nhs.uk", "Amira Haddad").err().map(|e| e.message).unwrap_or_default()
    }

    #[test]
    fn long_uncommon_passwords_pass_without_composition_rules() {
        assert_eq!(refused("correct horse battery staple"), "", "four lower-case words are fine");
        assert_eq!(refused("ward rounds at dawn"), "");
        assert!(refused("short one").contains("at least 12"));
        assert!(refused(&"a".repeat(257)).contains("256 characters or fewer"));
    }

    #[test]
    fn common_personal_and_repeated_passwords_are_refused() {
        assert!(refused("qwertyuiop123").contains("commonly used"), "{}", refused("qwertyuiop123"));
        assert!(refused("QWERTYUIOP123").contains("commonly used"), "whatever the case");
        assert!(refused("amira.haddad@northfield.nhs.uk").contains("your email address"));
        assert!(refused("Amira Haddad").contains("your name"), "{}", refused("Amira Haddad"));
        assert!(refused("ééééééééééééé").contains("repeated"));
        assert!(common_passwords().len() > 40_000);
    }
}
