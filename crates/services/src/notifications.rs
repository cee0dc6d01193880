//! Notifications by email. Every node looks every few seconds for unread notifications
//! whose people want them at once and, once they have waited a moment (someone reading
//! Signpost then needs no email), queues one email job each, marking them in the same
//! transaction. Daily and weekly digests are one job per person per day or week, under
//! a key of their own, queued with the hourly look for reminders from 7am (Mondays for
//! weekly ones), that lists what is still unread and is not sent when nothing is.
//! An email job looks again before sending: a notification read meanwhile is skipped.
//!
//! Every email links to the page it is about and carries a one-click unsubscribe link
//! (RFC 8058) for its category, signed with a key the nodes share through the database.
use chrono::{DateTime, Datelike, Duration, NaiveTime, Utc};
use hmac::{Hmac, Mac};
use serde_json::json;
use sha2::Sha256;
use signpost_domain::audit::AuditRecord;
use signpost_domain::communities::Notification;
use signpost_domain::ids::UserId;
use signpost_domain::jobs::NewJob;
use signpost_domain::notifications::{Category, EmailPreferences, Frequency};
use signpost_domain::people::Actor;
use signpost_domain::ports::Mail;

use crate::{ServiceError, Signpost};

/// One notification emailed on its own (`{"notification_id"}`).
pub const NOTIFICATION_EMAIL: &str = "notification_email";
/// A person's digest (`{"user_id", "frequency"}`).
pub const DIGEST: &str = "digest";
/// Notifications older than this are never emailed (after a long outage, say).
const EMAIL_WINDOW_DAYS: i64 = 14;
/// Notifications queued per scan; the rest wait for the next.
const PER_SCAN: i64 = 500;
/// When digests go out (UTC): daily at this hour, weekly on Mondays at this hour.
const DIGEST_HOUR: u32 = 7;

type HmacSha256 = Hmac<Sha256>;

fn defaults() -> Vec<(Category, Frequency)> {
    Category::EMAILED.iter().map(|c| (*c, c.default_frequency())).collect()
}

/// The start of the digest period `now` falls in, if its sending time has come.
fn digest_period(frequency: Frequency, now: DateTime<Utc>) -> Option<chrono::NaiveDate> {
    let at = NaiveTime::from_hms_opt(DIGEST_HOUR, 0, 0)?;
    let today = now.date_naive();
    let day = match frequency {
        Frequency::Daily => today,
        Frequency::Weekly => today - Duration::days(today.weekday().num_days_from_monday().into()),
        _ => return None,
    };
    (now >= day.and_time(at).and_utc()).then_some(day)
}

impl Signpost {
    /// Waits this long before emailing a notification on its own, so one read in
    /// Signpost meanwhile is not emailed (one minute unless set).
    pub fn with_notification_delay(mut self, delay: std::time::Duration) -> Self {
        self.notification_delay = delay;
        self
    }

    /// The actor's email choices.
    pub async fn email_preferences(&self, actor: &Actor) -> Result<EmailPreferences, ServiceError> {
        Ok(EmailPreferences::from_stored(&self.store.email_preferences(actor.user_id).await?))
    }

    /// Changes some of the actor's email choices.
    pub async fn set_email_preferences(&self, actor: &Actor, choices: &[(Category, Frequency)]) -> Result<EmailPreferences, ServiceError> {
        if choices.iter().any(|(c, _)| *c == Category::General) || choices.len() > Category::EMAILED.len() {
            return Err(ServiceError::invalid("choices", "choose for the categories listed"));
        }
        let text = choices.iter().map(|(c, f)| format!("{}: {}", c.as_str(), f.as_str())).collect::<Vec<_>>().join(", ");
        let audit = AuditRecord::new(Some(actor.user_id), "user.email_preferences", format!("email choices: {text}"));
        self.store.set_email_preferences(actor.user_id, choices, audit).await?;
        self.email_preferences(actor).await
    }

    /// Emails of the `category` stop for the person a signed unsubscribe token names.
    /// Returns the category, for the page to say.
    pub async fn unsubscribe(&self, token: &str) -> Result<Category, ServiceError> {
        let (user, category) = self.unsubscribe_token(token).await?;
        let audit = AuditRecord::new(Some(user), "user.unsubscribe", format!("unsubscribed from {} emails", category.as_str()));
        self.store.set_email_preferences(user, &[(category, Frequency::Never)], audit).await?;
        Ok(category)
    }

    /// The person and category a signed unsubscribe token names, if its signature holds.
    pub async fn unsubscribe_token(&self, token: &str) -> Result<(UserId, Category), ServiceError> {
        let refused = || ServiceError::NotFound("a working unsubscribe link: it may have been mistyped".into());
        let mut parts = token.splitn(3, '.');
        let (Some(user), Some(category), Some(mac)) = (parts.next(), parts.next(), parts.next()) else { return Err(refused()) };
        let user = user.parse::<i64>().map(UserId).map_err(|_| refused())?;
        let category = Category::parse(category).filter(|c| *c != Category::General).ok_or_else(refused)?;
        let mac = hex::decode(mac).map_err(|_| refused())?;
        self.signer(user, category).await?.verify_slice(&mac).map_err(|_| refused())?;
        Ok((user, category))
    }

    async fn signer(&self, user: UserId, category: Category) -> Result<HmacSha256, ServiceError> {
        // Every node reads the same key from the database, once; every email and link uses it.
        let key = self
            .unsubscribe_key
            .get_or_try_init(|| async { self.store.shared_secret("unsubscribe", &crate::accounts::random_hex(32)).await })
            .await?;
        let mut mac = HmacSha256::new_from_slice(key.as_bytes()).map_err(|e| ServiceError::caused("the unsubscribe key", e.to_string()))?;
        mac.update(format!("unsubscribe:{user}:{}", category.as_str()).as_bytes());
        Ok(mac)
    }

    /// The one-click unsubscribe address for `user`'s emails of `category`, when the
    /// server's address is known.
    pub(crate) async fn unsubscribe_link(&self, user: UserId, category: Category) -> Result<Option<String>, ServiceError> {
        let Some(base) = &self.public_url else { return Ok(None) };
        let mac = hex::encode(self.signer(user, category).await?.finalize().into_bytes());
        Ok(Some(format!("{base}/unsubscribe/{user}.{}.{mac}", category.as_str())))
    }

    /// Queues an email for each unread notification whose person wants it at once (every
    /// node, every few seconds; safe from any number at once).
    pub async fn queue_notification_emails(&self) -> Result<usize, ServiceError> {
        if self.mailer.is_none() {
            return Ok(0);
        }
        let now = Utc::now();
        let since = now - Duration::days(EMAIL_WINDOW_DAYS);
        let until = now - Duration::from_std(self.notification_delay).unwrap_or(Duration::minutes(1));
        let due = self.store.pending_emails(None, Frequency::Immediately, since, until, &defaults(), PER_SCAN).await?;
        let jobs: Vec<NewJob> = due
            .iter()
            .map(|n| NewJob::now(NOTIFICATION_EMAIL, json!({ "notification_id": n.id }), format!("notification-email:{}", n.id)))
            .collect();
        let ids: Vec<i64> = due.iter().map(|n| n.id).collect();
        Ok(self.store.queue_emails(&ids, &jobs, now).await? as usize)
    }

    /// Queues the daily and weekly digests whose sending time has come (with the hourly
    /// look for reminders).
    pub(crate) async fn queue_due_digests(&self) -> Result<usize, ServiceError> {
        let mut queued = 0;
        for frequency in [Frequency::Daily, Frequency::Weekly] {
            if let Some(period) = digest_period(frequency, Utc::now()) {
                queued += self.queue_digests(frequency, period).await?;
            }
        }
        Ok(queued)
    }

    /// Queues the `frequency` digest of the period starting `period` for everyone with
    /// something unread waiting for it; a digest already queued for that period is not
    /// queued again. Returns how many were queued.
    pub async fn queue_digests(&self, frequency: Frequency, period: chrono::NaiveDate) -> Result<usize, ServiceError> {
        if self.mailer.is_none() || !matches!(frequency, Frequency::Daily | Frequency::Weekly) {
            return Ok(0);
        }
        let now = Utc::now();
        let waiting =
            self.store.pending_emails(None, frequency, now - Duration::days(EMAIL_WINDOW_DAYS), now, &defaults(), PER_SCAN).await?;
        let mut people: Vec<UserId> = waiting.iter().map(|n| n.user_id).collect();
        people.sort_unstable();
        people.dedup();
        let jobs: Vec<NewJob> = people
            .iter()
            .map(|u| {
                let key = format!("digest:{}:{u}:{period}", frequency.as_str());
                NewJob::now(DIGEST, json!({ "user_id": u, "frequency": frequency.as_str() }), key)
            })
            .collect();
        Ok(self.store.enqueue(&jobs).await?)
    }

    /// Whether `user` wants emails of `category` at all (reminders go out on their own
    /// schedule, so any choice but "only in Signpost" means yes).
    pub(crate) async fn wants_email(&self, user: UserId, category: Category) -> Result<bool, ServiceError> {
        Ok(EmailPreferences::from_stored(&self.store.email_preferences(user).await?).frequency(category) != Frequency::Never)
    }

    /// The email for one notification, or `None` when it needs none any more (read in
    /// Signpost since, or its person chose otherwise since).
    pub(crate) async fn notification_mail(&self, id: i64) -> Result<Option<Mail>, ServiceError> {
        let n = self.store.notification(id).await?;
        if n.read {
            return Ok(None);
        }
        let prefs = EmailPreferences::from_stored(&self.store.email_preferences(n.user_id).await?);
        if prefs.frequency(n.category) != Frequency::Immediately {
            return Ok(None);
        }
        let user = self.store.user(n.user_id).await?;
        if user.disabled_at.is_some() {
            return Ok(None);
        }
        let link = self.mail_link(&n.link, "notifications");
        let body = format!(
            "Hello {},\n\n{}.\n\nSee it in Signpost: {link}\n\n{}",
            user.name,
            n.text.trim_end_matches('.'),
            self.footer(n.category)
        );
        let mut mail = Mail::text(user.email, format!("Signpost: {}", subject_of(&n)), body);
        if let Some(link) = self.unsubscribe_link(n.user_id, n.category).await? {
            mail = mail.with_unsubscribe(link);
        }
        Ok(Some(mail))
    }

    /// A person's digest and the notifications it lists, or `None` when nothing waits.
    pub(crate) async fn digest_mail(&self, user: UserId, frequency: Frequency) -> Result<Option<(Mail, Vec<i64>)>, ServiceError> {
        let now = Utc::now();
        let waiting =
            self.store.pending_emails(Some(user), frequency, now - Duration::days(EMAIL_WINDOW_DAYS), now, &defaults(), 200).await?;
        let person = self.store.user(user).await?;
        if waiting.is_empty() || person.disabled_at.is_some() {
            return Ok(None);
        }
        let period = if frequency == Frequency::Daily { "today" } else { "this week" };
        let mut body = format!("Hello {},\n\nWhat happened in Signpost for you {period}, still unread:\n\n", person.name);
        for n in &waiting {
            body.push_str(&format!(
                "- {}: {}\n  {}\n\n",
                n.created_at.format("%-d %B"),
                n.text.trim_end_matches('.'),
                self.mail_link(&n.link, "notifications")
            ));
        }
        body.push_str(&self.footer(Category::General));
        let subject = format!("Signpost: your {} digest ({} unread)", frequency.as_str(), waiting.len());
        let mut mail = Mail::text(person.email, subject, body);
        // One unsubscribe link per message: for a digest, the category of its first item.
        if let Some(link) = self.unsubscribe_link(user, waiting[0].category).await? {
            mail = mail.with_unsubscribe(link);
        }
        Ok(Some((mail, waiting.iter().map(|n| n.id).collect())))
    }

    fn footer(&self, category: Category) -> String {
        let settings = self.mail_link("/account/notifications", "Your account → Emails");
        match category {
            Category::General => format!("Choose what Signpost emails you, and how often: {settings}\n"),
            c => format!("You get this because of your choice for \"{}\". Change it: {settings}\n", c.describe()),
        }
    }
}

/// A short subject from the notification's sentence.
fn subject_of(n: &Notification) -> String {
    let text = n.text.trim_end_matches('.');
    if text.chars().count() <= 90 { text.to_string() } else { format!("{}…", text.chars().take(89).collect::<String>()) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn digests_go_out_from_seven_each_day_and_monday_each_week() {
        let wednesday_six = Utc.with_ymd_and_hms(2026, 12, 2, 6, 59, 0).unwrap();
        let wednesday_seven = Utc.with_ymd_and_hms(2026, 12, 2, 7, 0, 0).unwrap();
        assert_eq!(digest_period(Frequency::Daily, wednesday_six), None, "not before seven");
        assert_eq!(digest_period(Frequency::Daily, wednesday_seven), Some(wednesday_seven.date_naive()));
        let monday = chrono::NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
        assert_eq!(digest_period(Frequency::Weekly, wednesday_six), Some(monday), "the week began on Monday");
        assert_eq!(digest_period(Frequency::Immediately, wednesday_seven), None);
    }
}
