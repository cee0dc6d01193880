//! Current awareness: saved searches people subscribe to, sent as digests of what is
//! new or changed since the last one, at the frequency each owner chooses. A digest is
//! a durable job per search and period; it runs the search as its owner may see at
//! the moment of sending (so nothing they could see before a permission change leaks
//! after it), sends nothing when nothing is new, and moves the search's "checked
//! until" on only from the value it read, so a period is never sent twice. A search
//! that no longer runs (a kind or filter Signpost no longer knows) is reported to its
//! owner, by notification and on their saved searches page, not dropped.
use chrono::{DateTime, Datelike, Duration, NaiveTime, Timelike, Utc};
use serde_json::json;
use signpost_domain::audit::AuditRecord;
use signpost_domain::awareness::{AlertFrequency, SavedSearch};
use signpost_domain::communities::Notification;
use signpost_domain::jobs::NewJob;
use signpost_domain::people::{Actor, Role};
use signpost_domain::ports::Mail;
use signpost_domain::search::{SearchHit, SortOrder};
use signpost_domain::{FieldError, UserId};

use crate::search_params::request_from_query;
use crate::{ServiceError, Signpost, policy};

/// A term many saved searches follow: a topic they filter by, or words they search for.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct FollowedTerm {
    /// The topic or words.
    pub term: String,
    /// How many active saved searches follow it.
    pub searches: usize,
}

/// Current awareness in a period, for the programme report.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct AwarenessFigures {
    /// People with at least one saved search that is not paused (now).
    pub subscribers: usize,
    /// Digests emailed in the period.
    pub digests: usize,
    /// Items those digests listed.
    pub items_delivered: i64,
    /// People whose accounts work (now).
    pub members: usize,
    /// Members sent at least one item in the period.
    pub reached: usize,
    /// `reached` as a share of `members`, 0 to 1.
    pub reach: f64,
    /// Links followed from digests in the period.
    pub opens: i64,
    /// The terms most followed (now), most first.
    pub most_followed: Vec<FollowedTerm>,
}

/// A saved search's digest for one period (`{"saved_search_id", "period"}`).
pub const ALERT_DIGEST: &str = "alert_digest";
/// The most searches one person may save.
pub const MAX_SAVED_SEARCHES: usize = 50;
/// The most items one digest lists (the newest).
const DIGEST_ITEMS: usize = 50;
/// When daily, weekly and monthly digests go out (UTC).
const DIGEST_HOUR: u32 = 7;

/// The period `now` falls in for `frequency`, once its sending time has come: the hour
/// for "as it happens", else the day, the Monday or the 1st from 7am.
pub fn alert_period(frequency: AlertFrequency, now: DateTime<Utc>) -> Option<String> {
    let today = now.date_naive();
    let at = |day: chrono::NaiveDate| {
        let start = day.and_time(NaiveTime::from_hms_opt(DIGEST_HOUR, 0, 0)?).and_utc();
        (now >= start).then(|| day.to_string())
    };
    match frequency {
        AlertFrequency::AsItHappens => Some(format!("{today}T{:02}", now.hour())),
        AlertFrequency::Daily => at(today),
        AlertFrequency::Weekly => at(today - Duration::days(today.weekday().num_days_from_monday().into())),
        AlertFrequency::Monthly => at(today.with_day(1)?),
        AlertFrequency::Paused => None,
    }
}

fn check_name(name: &str) -> Result<String, ServiceError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(ServiceError::invalid("name", "give the search a name of 1 to 100 characters"));
    }
    Ok(name.to_string())
}

impl Signpost {
    /// Saves a search for the actor and subscribes them to it at `frequency`.
    pub async fn save_search(
        &self,
        actor: &Actor,
        name: &str,
        query: &str,
        frequency: AlertFrequency,
    ) -> Result<SavedSearch, ServiceError> {
        let name = check_name(name);
        let query = query.trim().trim_start_matches('?');
        let mut errors: Vec<FieldError> = Vec::new();
        if let Err(ServiceError::Invalid(e)) = &name {
            errors.extend(e.iter().cloned());
        }
        if query.len() > 2000 {
            errors.push(FieldError::new("query", "the search is too long to save"));
        } else if let Err(ServiceError::Invalid(e)) = request_from_query(query, DIGEST_ITEMS) {
            errors.extend(e);
        }
        if !errors.is_empty() {
            return Err(ServiceError::Invalid(errors));
        }
        if self.store.saved_searches(actor.user_id).await?.len() >= MAX_SAVED_SEARCHES {
            return Err(ServiceError::TooLarge(format!(
                "you can save at most {MAX_SAVED_SEARCHES} searches; delete one you no longer need"
            )));
        }
        let name = name?;
        let audit =
            AuditRecord::new(Some(actor.user_id), "saved_search.create", format!("saved the search {name:?} ({})", frequency.as_str()));
        let saved = self.store.create_saved_search(actor.user_id, &name, query, frequency, Utc::now(), audit).await?;
        self.tell_specialists(actor, &format!("saved the search \"{name}\" ({})", frequency.as_str().replace('_', " "))).await?;
        Ok(saved)
    }

    /// Tells every knowledge specialist (but the actor) what a member changed in what
    /// they follow, as the library service is told when a member changes their profile.
    async fn tell_specialists(&self, actor: &Actor, what: &str) -> Result<(), ServiceError> {
        let notes = self.library_notices(actor, what).await?;
        if !notes.is_empty() {
            self.store.notify(&notes).await?;
        }
        Ok(())
    }

    /// Notices to every knowledge specialist but the actor of what the actor changed in
    /// what they follow, linking to what members follow; sent by the caller, so they can
    /// go in the transaction of the change.
    pub(crate) async fn library_notices(&self, actor: &Actor, what: &str) -> Result<Vec<Notification>, ServiceError> {
        let people = self.people_by_id().await?;
        let name = people.get(&actor.user_id).map_or("Someone", |u| u.name.as_str());
        let now = Utc::now();
        Ok(people
            .values()
            .filter(|u| u.role == Role::KnowledgeSpecialist && u.id != actor.user_id && u.disabled_at.is_none())
            .map(|u| Notification::new(u.id, format!("{name} {what}"), "/alerts/everyone", now))
            .collect())
    }

    /// Every saved search with its owner's name (knowledge specialists): what members follow.
    pub async fn everyones_saved_searches(&self, actor: &Actor) -> Result<Vec<(String, SavedSearch)>, ServiceError> {
        policy::ensure_specialist(actor)?;
        let people = self.people_by_id().await?;
        Ok(self
            .store
            .all_saved_searches()
            .await?
            .into_iter()
            .map(|s| (people.get(&s.user_id).map(|u| u.name.clone()).unwrap_or_default(), s))
            .collect())
    }

    /// Pauses someone's saved search (knowledge specialists), telling its owner.
    pub async fn pause_saved_search_for(&self, actor: &Actor, id: i64) -> Result<SavedSearch, ServiceError> {
        policy::ensure_specialist(actor)?;
        let audit = AuditRecord::new(Some(actor.user_id), "saved_search.pause", format!("paused saved search {id}"));
        let search = self
            .store
            .pause_saved_search(id, "paused by a knowledge specialist; choose a frequency to start it again", audit)
            .await
            .map_err(crate::accounts::not_found_as("saved search"))?;
        let text = format!("A knowledge specialist paused your saved search \"{}\"", search.name);
        self.store.notify(&[Notification::new(search.user_id, text, "/alerts", Utc::now())]).await?;
        Ok(search)
    }

    /// The actor's saved searches.
    pub async fn saved_searches(&self, actor: &Actor) -> Result<Vec<SavedSearch>, ServiceError> {
        Ok(self.store.saved_searches(actor.user_id).await?)
    }

    /// Changes how often one of the actor's saved searches is sent.
    pub async fn set_alert_frequency(&self, actor: &Actor, id: i64, frequency: AlertFrequency) -> Result<SavedSearch, ServiceError> {
        let audit =
            AuditRecord::new(Some(actor.user_id), "saved_search.frequency", format!("saved search {id} now {}", frequency.as_str()));
        let search = self
            .store
            .set_search_frequency(id, actor.user_id, frequency, audit)
            .await
            .map_err(crate::accounts::not_found_as("saved search"))?;
        self.tell_specialists(actor, &format!("changed the saved search \"{}\" to {}", search.name, frequency.as_str().replace('_', " ")))
            .await?;
        Ok(search)
    }

    /// Deletes one of the actor's saved searches.
    pub async fn delete_saved_search(&self, actor: &Actor, id: i64) -> Result<(), ServiceError> {
        let audit = AuditRecord::new(Some(actor.user_id), "saved_search.delete", format!("deleted saved search {id}"));
        self.store.delete_saved_search(id, actor.user_id, audit).await.map_err(crate::accounts::not_found_as("saved search"))
    }

    /// Pauses every saved search of someone who is leaving, saying so on their page.
    pub(crate) async fn pause_alerts_of_leaver(&self, user_id: UserId, by: UserId) -> Result<u64, ServiceError> {
        let audit =
            AuditRecord::new(Some(by), "saved_search.pause", format!("paused the saved searches of user {user_id}: they are leaving"));
        Ok(self.store.pause_saved_searches(user_id, "paused because you are leaving; choose a frequency to start it again", audit).await?)
    }

    /// The current-awareness figures for `[from, to)`.
    pub(crate) async fn awareness_figures(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<AwarenessFigures, ServiceError> {
        let people = self.people_by_id().await?;
        let members = people.values().filter(|u| u.disabled_at.is_none()).count();
        let deliveries = self.store.deliveries(from, to).await?;
        let mut reached: Vec<UserId> = deliveries.iter().filter(|(_, n)| *n > 0).map(|(u, _)| *u).collect();
        reached.sort_unstable();
        reached.dedup();
        let active: Vec<SavedSearch> =
            self.store.all_saved_searches().await?.into_iter().filter(|s| s.frequency != AlertFrequency::Paused).collect();
        let mut subscribers: Vec<UserId> = active.iter().map(|s| s.user_id).collect();
        subscribers.sort_unstable();
        subscribers.dedup();
        let mut terms: std::collections::BTreeMap<String, usize> = std::collections::BTreeMap::new();
        for search in &active {
            let pairs: Vec<(String, String)> = serde_urlencoded::from_str(&search.query).unwrap_or_default();
            let mut followed: Vec<String> = pairs
                .iter()
                .filter(|(k, v)| (k == "topic" || k == "q") && !v.trim().is_empty())
                .flat_map(|(k, v)| {
                    if k == "topic" { v.split(',').map(|t| t.trim().to_lowercase()).collect() } else { vec![v.trim().to_lowercase()] }
                })
                .filter(|t| !t.is_empty())
                .collect();
            followed.sort_unstable();
            followed.dedup();
            for t in followed {
                *terms.entry(t).or_default() += 1;
            }
        }
        let mut most_followed: Vec<FollowedTerm> = terms.into_iter().map(|(term, searches)| FollowedTerm { term, searches }).collect();
        most_followed.sort_by(|a, b| b.searches.cmp(&a.searches).then(a.term.cmp(&b.term)));
        most_followed.truncate(10);
        Ok(AwarenessFigures {
            subscribers: subscribers.len(),
            digests: deliveries.iter().filter(|(_, n)| *n > 0).count(),
            items_delivered: deliveries.iter().map(|(_, n)| n).sum(),
            members,
            reached: reached.len(),
            reach: if members == 0 { 0.0 } else { reached.len() as f64 / members as f64 },
            opens: self.store.alert_opens(from, to).await?,
            most_followed,
        })
    }

    /// Follows a digest's link: the asset must be one the actor may see now (else it
    /// is not found, and nothing is counted); the open counts only for the search's owner.
    pub async fn open_from_alert(
        &self,
        actor: &Actor,
        saved_search_id: i64,
        asset_id: signpost_domain::AssetId,
    ) -> Result<(), ServiceError> {
        self.asset(actor, asset_id).await?;
        if let Ok(search) = self.store.saved_search(saved_search_id).await
            && search.user_id == actor.user_id
        {
            self.store.record_alert_open(saved_search_id, actor.user_id, asset_id.0, Utc::now()).await?;
        }
        Ok(())
    }

    /// Queues a digest job for every saved search whose period has come at `now`; a
    /// period already queued is not queued again. Returns how many were queued.
    pub async fn queue_alert_digests(&self, now: DateTime<Utc>) -> Result<usize, ServiceError> {
        if self.mailer.is_none() {
            return Ok(0);
        }
        let mut jobs = Vec::new();
        for frequency in AlertFrequency::ALL {
            let Some(period) = alert_period(frequency, now) else { continue };
            for search in self.store.saved_searches_at(frequency).await? {
                // "As it happens" is one job per check (each moves `checked_until` on);
                // the others one per period.
                let key = match frequency {
                    AlertFrequency::AsItHappens => format!("alert:{}:since:{}", search.id, search.checked_until.timestamp_millis()),
                    _ => format!("alert:{}:{}:{period}", search.id, frequency.as_str()),
                };
                jobs.push(NewJob::now(ALERT_DIGEST, json!({ "saved_search_id": search.id, "period": period }), key));
            }
        }
        Ok(self.store.enqueue(&jobs).await?)
    }

    /// Runs one saved search's digest: emails what is new to its owner, if anything is.
    /// Returns whether an email went.
    pub(crate) async fn send_alert_digest(&self, id: i64) -> Result<bool, String> {
        let mailer = self.mailer.clone().ok_or("mail is not configured on this node")?;
        let search = match self.store.saved_search(id).await {
            Ok(s) if s.frequency != AlertFrequency::Paused => s,
            // Deleted or paused since it was queued.
            _ => return Ok(false),
        };
        let owner = self.store.user(search.user_id).await.map_err(|e| e.to_string())?;
        if owner.disabled_at.is_some() {
            return Ok(false);
        }
        let now = Utc::now();
        let hits = match self.new_for(&search, now).await {
            Ok(hits) => hits,
            Err(problem) => {
                // Reported once, when it first fails; the search keeps its place.
                if search.problem.is_none() {
                    let text = format!("Your saved search \"{}\" could not be run: {problem}. Change or delete it", search.name);
                    self.store.notify(&[Notification::new(owner.id, text, "/alerts", now)]).await.map_err(|e| e.to_string())?;
                }
                self.store
                    .record_delivery(id, search.checked_until, search.checked_until, 0, Some(&problem))
                    .await
                    .map_err(|e| e.to_string())?;
                return Ok(false);
            }
        };
        if hits.is_empty() {
            // Nothing new: no empty digest, and the next one starts from now.
            self.store.record_delivery(id, search.checked_until, now, 0, None).await.map_err(|e| e.to_string())?;
            return Ok(false);
        }
        let mail = self.alert_mail(&search, &owner.name, &owner.email, &hits);
        crate::jobs::deliver(&mailer, &mail).await?;
        let recorded =
            self.store.record_delivery(id, search.checked_until, now, hits.len() as i64, None).await.map_err(|e| e.to_string())?;
        if !recorded {
            tracing::warn!(saved_search = id, "another node recorded this digest's period first");
        }
        Ok(true)
    }

    /// What the saved search finds, new or changed since it was last checked, as its
    /// owner may see it now. `Err` says why the search cannot be run.
    async fn new_for(&self, search: &SavedSearch, now: DateTime<Utc>) -> Result<Vec<SearchHit>, String> {
        let mut request = request_from_query(&search.query, DIGEST_ITEMS).map_err(|e| match e {
            ServiceError::Invalid(errors) => errors.iter().map(|f| format!("{} {}", f.field, f.message)).collect::<Vec<_>>().join("; "),
            other => other.to_string(),
        })?;
        let actor = self.actor(search.user_id).await.map_err(|e| e.to_string())?;
        let teams = self.store.teams().await.map_err(|e| e.to_string())?;
        if let Some(gone) = request.teams.iter().find(|t| !teams.iter().any(|x| x.id == **t)) {
            return Err(format!("team {gone} no longer exists"));
        }
        request.sort = SortOrder::Recency;
        request.offset = 0;
        request.facets = false;
        let results = self.search(&actor, request).await.map_err(|e| e.to_string())?;
        Ok(results.hits.into_iter().filter(|h| h.updated_at > search.checked_until && h.updated_at <= now).collect())
    }

    fn alert_mail(&self, search: &SavedSearch, name: &str, email: &str, hits: &[SearchHit]) -> Mail {
        let mut body = format!("Hello {name},\n\nNew or updated in Signpost for your saved search \"{}\":\n\n", search.name);
        for h in hits {
            let kind = h.kind.as_str().replace('_', " ");
            let about = if h.snippet.is_empty() { h.summary.clone() } else { h.snippet.clone() };
            body.push_str(&format!("- {} ({kind}, {})\n", h.title, h.updated_at.format("%-d %B")));
            if !about.trim().is_empty() {
                body.push_str(&format!("  {}\n", about.trim()));
            }
            // Through a redirect that checks the reader may still see it, and counts the open.
            body.push_str(&format!("  {}\n\n", self.mail_link(&format!("/alerts/open/{}/{}", search.id, h.id), "search")));
        }
        let settings = self.mail_link("/alerts", "Saved searches");
        body.push_str(&format!(
            "You get this because you saved this search ({}). Change how often, or stop it: {settings}\n",
            search.frequency.describe().to_lowercase()
        ));
        let subject = format!("Signpost: {} new for \"{}\"", hits.len(), search.name);
        Mail::text(email.to_string(), subject, body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn each_frequency_has_its_period_once_its_time_has_come() {
        let wednesday_six = Utc.with_ymd_and_hms(2026, 12, 2, 6, 30, 0).unwrap();
        let wednesday_eight = Utc.with_ymd_and_hms(2026, 12, 2, 8, 15, 0).unwrap();
        assert_eq!(alert_period(AlertFrequency::AsItHappens, wednesday_six).as_deref(), Some("2026-12-02T06"));
        assert_eq!(alert_period(AlertFrequency::Daily, wednesday_six), None, "not before seven");
        assert_eq!(alert_period(AlertFrequency::Daily, wednesday_eight).as_deref(), Some("2026-12-02"));
        assert_eq!(alert_period(AlertFrequency::Weekly, wednesday_eight).as_deref(), Some("2026-11-30"), "the Monday");
        assert_eq!(alert_period(AlertFrequency::Monthly, wednesday_eight).as_deref(), Some("2026-12-01"));
        assert_eq!(alert_period(AlertFrequency::Paused, wednesday_eight), None);
    }
}
