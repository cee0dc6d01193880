//! Webhooks per the Standard Webhooks specification (standardwebhooks.com): endpoints
//! and their management here, events from the audit log in [`events`], signing in
//! [`signing`], delivery with retries in [`delivery`] and the address guard in [`guard`].
pub mod delivery;
mod events;
pub mod guard;
pub mod signing;

use chrono::Utc;
use serde::Deserialize;
use signpost_domain::FieldError;
use signpost_domain::audit::AuditRecord;
use signpost_domain::ids::{CommunityId, EndpointId};
use signpost_domain::people::Actor;
use signpost_domain::search::Page;
use signpost_domain::webhooks::{Attempt, EVENTS, Endpoint, Message, is_event};
use utoipa::ToSchema;

use crate::accounts::not_found_as;
use crate::{ServiceError, Signpost, policy};
use guard::AllowList;

/// The instance setting that holds the allow-list.
const ALLOW_LIST: &str = "webhook_allow_list";
/// Endpoints one instance may have.
pub const MAX_ENDPOINTS: usize = 50;
/// The longest address and description.
const MAX_URL: usize = 2_000;
const MAX_DESCRIPTION: usize = 300;
/// How long the secret before a rotation is still signed with.
pub const ROTATION_GRACE: chrono::Duration = chrono::Duration::hours(24);

/// What a person fills in to register or change an endpoint.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct EndpointInput {
    /// Where deliveries go (`https://…`; `http://` only for an allow-listed address).
    pub url: String,
    /// What it is for.
    #[serde(default)]
    pub description: String,
    /// Event types (see `GET /api/v1/webhooks/events`); empty or absent for all.
    #[serde(default)]
    pub events: Vec<String>,
    /// Only this community's events (for its coordinators).
    #[serde(default)]
    pub community_id: Option<CommunityId>,
}

/// The event types, with what each means.
pub fn event_types() -> Vec<(&'static str, &'static str)> {
    EVENTS.iter().map(|(event, _, label)| (*event, *label)).collect()
}

impl Signpost {
    /// The addresses deliveries may go to although they are not public.
    pub async fn webhook_allow_list(&self) -> AllowList {
        delivery::allow_list_from(self.store.instance_setting(ALLOW_LIST).await.ok().flatten())
    }

    /// The allow-list, for an admin.
    pub async fn webhook_allow_list_for(&self, actor: &Actor) -> Result<AllowList, ServiceError> {
        policy::ensure_admin(actor)?;
        Ok(self.webhook_allow_list().await)
    }

    /// Replaces the allow-list (admins only).
    pub async fn set_webhook_allow_list(&self, actor: &Actor, text: &str) -> Result<AllowList, ServiceError> {
        policy::ensure_admin(actor)?;
        if text.len() > 4_000 {
            return Err(ServiceError::invalid("allow_list", "must be 4,000 characters or fewer"));
        }
        let list = AllowList::parse(text)
            .map_err(|bad| ServiceError::invalid("allow_list", format!("these are not addresses or ranges: {}", bad.join(", "))))?;
        let audit = AuditRecord::new(Some(actor.user_id), "webhook.allow_list", format!("allowed {}", list.to_text()));
        self.store.set_instance_setting(ALLOW_LIST, &list.to_text(), audit).await?;
        Ok(list)
    }

    /// The actor's membership of `community`, if any.
    async fn scope_membership(
        &self,
        actor: &Actor,
        community: Option<CommunityId>,
    ) -> Result<Option<signpost_domain::communities::Membership>, ServiceError> {
        match community {
            Some(c) => self.membership_of(c, actor.user_id).await,
            None => Ok(None),
        }
    }

    /// What `actor` may register endpoints for: the whole organisation (admins, `None`)
    /// and each community they may register for, by name.
    pub async fn webhook_scopes(&self, actor: &Actor) -> Result<Vec<(Option<CommunityId>, String)>, ServiceError> {
        let mut out = Vec::new();
        if policy::ensure_may_register_webhook(actor, false, None).is_ok() {
            out.push((None, "The whole organisation".to_string()));
        }
        let memberships = self.store.memberships(None).await?;
        for c in self.store.communities().await? {
            let mine = memberships.iter().find(|m| m.community_id == c.id && m.user_id == actor.user_id);
            if policy::ensure_may_register_webhook(actor, true, mine).is_ok() {
                out.push((Some(c.id), format!("{} (its questions only)", c.name)));
            }
        }
        Ok(out)
    }

    /// Registers an endpoint with a new secret.
    pub async fn register_webhook(&self, actor: &Actor, input: EndpointInput) -> Result<Endpoint, ServiceError> {
        let membership = self.scope_membership(actor, input.community_id).await?;
        policy::ensure_may_register_webhook(actor, input.community_id.is_some(), membership.as_ref())?;
        let input = self.checked(input).await?;
        if let Some(c) = input.community_id
            && !self.store.communities().await?.iter().any(|k| k.id == c)
        {
            return Err(ServiceError::invalid("community_id", format!("there is no community {c}")));
        }
        if self.store.endpoints().await?.len() >= MAX_ENDPOINTS {
            return Err(ServiceError::Conflict(format!("there are already {MAX_ENDPOINTS} endpoints: remove one first")));
        }
        let endpoint = Endpoint {
            id: EndpointId(0),
            url: input.url,
            description: input.description,
            events: input.events,
            community_id: input.community_id,
            owner_id: actor.user_id,
            secret: signing::new_secret(),
            previous_secret: None,
            previous_until: None,
            enabled: true,
            disabled_reason: String::new(),
            failing_since: None,
            created_at: Utc::now(),
            version: 0,
        };
        let audit = AuditRecord::new(Some(actor.user_id), "webhook.register", format!("registered {}", endpoint.url));
        Ok(self.store.create_endpoint(&endpoint, audit).await?)
    }

    /// The endpoints `actor` manages.
    pub async fn webhooks(&self, actor: &Actor) -> Result<Vec<Endpoint>, ServiceError> {
        let mut out = Vec::new();
        for e in self.store.endpoints().await? {
            let membership = self.scope_membership(actor, e.community_id).await?;
            if policy::may_manage_webhook(actor, &e, membership.as_ref()) {
                out.push(e);
            }
        }
        Ok(out)
    }

    /// One endpoint `actor` manages; not found otherwise, so nothing leaks about it.
    pub async fn webhook(&self, actor: &Actor, id: EndpointId) -> Result<Endpoint, ServiceError> {
        let endpoint = self.store.endpoint(id).await.map_err(not_found_as("webhook endpoint"))?;
        let membership = self.scope_membership(actor, endpoint.community_id).await?;
        if policy::may_manage_webhook(actor, &endpoint, membership.as_ref()) {
            Ok(endpoint)
        } else {
            Err(ServiceError::NotFound(format!("webhook endpoint {id}")))
        }
    }

    /// Changes an endpoint's address, description and events, at the version read.
    pub async fn update_webhook(
        &self,
        actor: &Actor,
        id: EndpointId,
        version: i64,
        input: EndpointInput,
    ) -> Result<Endpoint, ServiceError> {
        let current = self.webhook(actor, id).await?;
        let input = self.checked(EndpointInput { community_id: current.community_id, ..input }).await?;
        let next = Endpoint { url: input.url, description: input.description, events: input.events, version, ..current };
        let audit = AuditRecord::new(Some(actor.user_id), "webhook.update", format!("changed endpoint {id} ({})", next.url));
        Ok(self.store.update_endpoint(&next, audit).await?)
    }

    /// Gives an endpoint a new secret; the old one is still signed with for a day, so
    /// the receiver can change over without missing a delivery.
    pub async fn rotate_webhook_secret(&self, actor: &Actor, id: EndpointId, version: i64) -> Result<Endpoint, ServiceError> {
        let current = self.webhook(actor, id).await?;
        let next = Endpoint {
            previous_secret: Some(current.secret.clone()),
            previous_until: Some(Utc::now() + ROTATION_GRACE),
            secret: signing::new_secret(),
            version,
            ..current
        };
        let audit = AuditRecord::new(Some(actor.user_id), "webhook.rotate", format!("rotated the secret of endpoint {id}"));
        Ok(self.store.update_endpoint(&next, audit).await?)
    }

    /// Disables or enables an endpoint; enabling starts its failure count afresh.
    pub async fn set_webhook_enabled(&self, actor: &Actor, id: EndpointId, version: i64, enabled: bool) -> Result<Endpoint, ServiceError> {
        let current = self.webhook(actor, id).await?;
        let reason = if enabled { String::new() } else { "disabled by hand".to_string() };
        let next = Endpoint { enabled, disabled_reason: reason, failing_since: None, version, ..current };
        let action = if enabled { "webhook.enable" } else { "webhook.disable" };
        let audit = AuditRecord::new(Some(actor.user_id), action, format!("{action} endpoint {id}"));
        Ok(self.store.update_endpoint(&next, audit).await?)
    }

    /// Removes an endpoint and its log.
    pub async fn delete_webhook(&self, actor: &Actor, id: EndpointId) -> Result<(), ServiceError> {
        let endpoint = self.webhook(actor, id).await?;
        let audit = AuditRecord::new(Some(actor.user_id), "webhook.delete", format!("removed endpoint {id} ({})", endpoint.url));
        Ok(self.store.delete_endpoint(id, audit).await?)
    }

    /// A page of an endpoint's delivery log, newest first.
    pub async fn webhook_attempts(&self, actor: &Actor, id: EndpointId, offset: i64, limit: i64) -> Result<Page<Attempt>, ServiceError> {
        self.webhook(actor, id).await?;
        let (offset, limit) = (offset.max(0), limit.clamp(1, 100));
        Ok(self.store.attempts(id, offset, limit).await?)
    }

    /// A page of an endpoint's messages, newest first.
    pub async fn webhook_messages(&self, actor: &Actor, id: EndpointId, offset: i64, limit: i64) -> Result<Page<Message>, ServiceError> {
        self.webhook(actor, id).await?;
        let (offset, limit) = (offset.max(0), limit.clamp(1, 100));
        Ok(self.store.messages(id, offset, limit).await?)
    }

    /// Sends a message again, with the same `webhook-id`, so the receiver can tell it
    /// from a new event.
    pub async fn replay_webhook(&self, actor: &Actor, id: EndpointId, message_id: &str) -> Result<(), ServiceError> {
        self.webhook(actor, id).await?;
        let message = self.store.message(message_id).await.map_err(not_found_as("message"))?;
        if message.endpoint_id != id {
            return Err(ServiceError::NotFound(format!("message {message_id}")));
        }
        let job = delivery::delivery_job(message_id, Some(Utc::now().timestamp_micros()));
        let audit = AuditRecord::new(Some(actor.user_id), "webhook.replay", format!("replayed {message_id} to endpoint {id}"));
        Ok(self.store.replay_message(message_id, &job, audit).await?)
    }

    /// The input with its problems named field by field.
    async fn checked(&self, mut input: EndpointInput) -> Result<EndpointInput, ServiceError> {
        let mut errors = Vec::new();
        input.url = input.url.trim().to_string();
        input.description = input.description.trim().to_string();
        if input.url.len() > MAX_URL {
            errors.push(FieldError::new("url", format!("must be {MAX_URL} characters or fewer")));
        } else {
            match reqwest::Url::parse(&input.url) {
                Err(_) => errors.push(FieldError::new("url", "enter the whole address, starting https://")),
                Ok(url) if !url.username().is_empty() || url.password().is_some() => {
                    errors.push(FieldError::new("url", "must not hold a user name or password: receivers check the signature instead"))
                }
                Ok(url) if url.scheme() == "https" && url.host_str().is_some() => {}
                Ok(url) if url.scheme() == "http" && self.allow_listed(&url).await => {}
                Ok(url) if url.scheme() == "http" => {
                    errors.push(FieldError::new("url", "must start https:// (plain http is only for an allow-listed address)"))
                }
                Ok(_) => errors.push(FieldError::new("url", "must start https://")),
            }
        }
        if input.description.chars().count() > MAX_DESCRIPTION {
            errors.push(FieldError::new("description", format!("must be {MAX_DESCRIPTION} characters or fewer")));
        }
        input.events.truncate(EVENTS.len() + 1);
        input.events.sort();
        input.events.dedup();
        if let Some(bad) = input.events.iter().find(|e| !is_event(e)) {
            errors.push(FieldError::new("events", format!("{bad:?} is not an event Signpost sends")));
        }
        if errors.is_empty() { Ok(input) } else { Err(ServiceError::Invalid(errors)) }
    }

    /// Whether the address is a literal on the allow-list.
    async fn allow_listed(&self, url: &reqwest::Url) -> bool {
        let host = url.host_str().unwrap_or_default().trim_start_matches('[').trim_end_matches(']');
        let allow = self.webhook_allow_list().await;
        host.parse::<std::net::IpAddr>().is_ok_and(|ip| allow.0.iter().any(|net| net.contains(&ip)))
    }
}
