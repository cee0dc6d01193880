//! Delivering one message: signed, sent once per attempt with the same `webhook-id`,
//! and its outcome handled as the specification advises. 2xx is delivered; a redirect
//! is a failure (the address should be updated instead); 410 disables the endpoint;
//! 429 and 503 are retried no sooner than their `Retry-After`; anything else is retried
//! on the specification's schedule with jitter. An endpoint that has failed every
//! attempt for five days is disabled and its owner emailed.
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use rand::Rng;
use reqwest::header::{HeaderMap, RETRY_AFTER};
use signpost_domain::jobs::{Job, NewJob};
use signpost_domain::ports::Mail;
use signpost_domain::webhooks::{Attempt, AttemptOutcome, Endpoint, Message};

use super::guard::{AllowList, GuardedResolver, refused};
use super::signing::signature_header;
use crate::Signpost;

/// The kind of job that delivers one message (`{"message_id"}`).
pub const WEBHOOK_DELIVERY: &str = "webhook_delivery";
/// The specification's example schedule: the waits before the 2nd to 10th attempts.
pub const SCHEDULE: [Duration; 9] = [
    Duration::from_secs(5),
    Duration::from_secs(5 * 60),
    Duration::from_secs(30 * 60),
    Duration::from_secs(2 * 3600),
    Duration::from_secs(5 * 3600),
    Duration::from_secs(10 * 3600),
    Duration::from_secs(14 * 3600),
    Duration::from_secs(20 * 3600),
    Duration::from_secs(24 * 3600),
];
/// How long a receiver has to answer (the specification suggests 15 to 30 seconds).
const TIMEOUT: Duration = Duration::from_secs(15);
/// How long an endpoint may fail every attempt before it is disabled.
const DISABLE_AFTER: chrono::Duration = chrono::Duration::days(5);
/// How much of a response body the log keeps.
const EXCERPT_BYTES: usize = 1_000;
/// The longest `Retry-After` honoured; a longer one waits this long.
const LONGEST_WAIT: Duration = Duration::from_secs(24 * 3600);

/// The delivery job for a message; replays add a suffix so each is a job of its own.
pub fn delivery_job(message_id: &str, replay: Option<i64>) -> NewJob {
    let key = match replay {
        Some(n) => format!("webhook:{message_id}:replay:{n}"),
        None => format!("webhook:{message_id}"),
    };
    NewJob {
        max_attempts: SCHEDULE.len() as i32 + 1,
        ..NewJob::now(WEBHOOK_DELIVERY, serde_json::json!({ "message_id": message_id }), key)
    }
}

/// What came back, if anything did.
struct Response {
    status: Option<u16>,
    text: String,
    retry_after: Option<Duration>,
}

impl Signpost {
    /// Waits between attempts other than the specification's (tests).
    pub fn with_webhook_delays(mut self, delays: Vec<Duration>) -> Self {
        self.webhook_delays = Arc::from(delays);
        self
    }

    /// Runs one delivery job: one attempt, logged with its outcome in one transaction.
    pub(crate) async fn deliver_webhook(&self, job: &Job) -> Result<bool, String> {
        let id = job.payload["message_id"].as_str().ok_or("the job names no message")?;
        let message = self.store.message(id).await.map_err(|e| e.to_string())?;
        let endpoint = self.store.endpoint(message.endpoint_id).await.map_err(|e| e.to_string())?;
        let now = Utc::now();
        let timestamp = now.timestamp();
        let signature = signature_header(&endpoint.signing_secrets(now), &message.id, timestamp, &message.body);
        let request = format!(
            "POST {}\ncontent-type: application/json\nwebhook-id: {}\nwebhook-timestamp: {timestamp}\nwebhook-signature: {}",
            endpoint.url,
            message.id,
            shortened(&signature)
        );
        let started = Instant::now();
        let response = if endpoint.enabled {
            self.send(&endpoint, &message, timestamp, &signature).await
        } else {
            Response { status: None, text: "not sent: the endpoint is disabled".into(), retry_after: None }
        };
        let delivered = response.status.is_some_and(|s| (200..300).contains(&s));
        let attempt = Attempt {
            id: 0,
            message_id: message.id.clone(),
            event_type: message.event_type.clone(),
            at: now,
            request,
            status: response.status.map(i64::from),
            response: response.text.clone(),
            duration_ms: started.elapsed().as_millis() as i64,
            delivered,
        };
        let outcome = self.outcome(job, &endpoint, &response, delivered).await;
        self.store.record_attempt(job.id, &self.worker, &attempt, endpoint.id, outcome).await.map_err(|e| e.to_string())
    }

    /// Posts the message, through the address guard, without following redirects.
    async fn send(&self, endpoint: &Endpoint, message: &Message, timestamp: i64, signature: &str) -> Response {
        let failed = |text: String| Response { status: None, text, retry_after: None };
        let allow = Arc::new(self.webhook_allow_list().await);
        let Ok(url) = reqwest::Url::parse(&endpoint.url) else { return failed("the address cannot be read".into()) };
        // A literal address is never resolved, so the guard checks it here.
        let literal = url.host_str().and_then(|h| h.trim_start_matches('[').trim_end_matches(']').parse::<std::net::IpAddr>().ok());
        if let Some(ip) = literal.filter(|ip| !allow.permits(*ip)) {
            return failed(refused(ip));
        }
        let client = match reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            // A proxy from the environment would resolve the address itself, past the guard.
            .no_proxy()
            .timeout(TIMEOUT)
            .dns_resolver(Arc::new(GuardedResolver(allow)))
            .user_agent(concat!("Signpost-Webhooks/", env!("CARGO_PKG_VERSION")))
            .build()
        {
            Ok(c) => c,
            Err(e) => return failed(format!("the HTTP client could not start: {e}")),
        };
        let sent = client
            .post(url)
            .header("content-type", "application/json")
            .header("webhook-id", &message.id)
            .header("webhook-timestamp", timestamp.to_string())
            .header("webhook-signature", signature)
            .body(message.body.clone())
            .send()
            .await;
        match sent {
            Ok(mut r) => {
                let status = r.status().as_u16();
                let retry_after = retry_after(r.headers());
                let mut body = Vec::new();
                while body.len() < EXCERPT_BYTES {
                    match r.chunk().await {
                        Ok(Some(chunk)) => body.extend_from_slice(&chunk),
                        _ => break,
                    }
                }
                body.truncate(EXCERPT_BYTES);
                Response { status: Some(status), text: String::from_utf8_lossy(&body).into_owned(), retry_after }
            }
            Err(e) => failed(describe(&e)),
        }
    }

    /// What an attempt leads to.
    async fn outcome(&self, job: &Job, endpoint: &Endpoint, response: &Response, delivered: bool) -> AttemptOutcome {
        if delivered {
            return AttemptOutcome::Delivered;
        }
        if !endpoint.enabled {
            return AttemptOutcome::GiveUp;
        }
        if response.status == Some(410) {
            return self.disabling(endpoint, "the receiver answered 410 Gone: it wants no more deliveries").await;
        }
        let failing_since = endpoint.failing_since.unwrap_or_else(Utc::now);
        if Utc::now() - failing_since >= DISABLE_AFTER {
            return self.disabling(endpoint, "every delivery has failed for five days").await;
        }
        let Some(wait) = self.webhook_delays.get(job.attempts.max(1) as usize - 1).copied() else { return AttemptOutcome::GiveUp };
        // Up to a fifth either way, so receivers that fail together are not retried together.
        let jitter = rand::thread_rng().gen_range(0.8..1.2);
        let mut wait = wait.mul_f64(jitter);
        if matches!(response.status, Some(429 | 503))
            && let Some(asked) = response.retry_after
        {
            wait = wait.max(asked.min(LONGEST_WAIT));
        }
        AttemptOutcome::Retry(Utc::now() + chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::hours(24)))
    }

    /// Disables the endpoint and emails its owner, if they have an address.
    async fn disabling(&self, endpoint: &Endpoint, reason: &str) -> AttemptOutcome {
        let mut then = Vec::new();
        if let Ok(owner) = self.store.user(endpoint.owner_id).await
            && owner.disabled_at.is_none()
        {
            let link = self.mail_link(&format!("/webhooks/{}", endpoint.id), "the endpoint's page");
            let body = format!(
                "Hello {},\n\nSignpost has stopped sending webhooks to {}: {reason}.\n\nEvents are no longer delivered to it. Once the receiver is working, enable the endpoint again and replay what it missed from its delivery log: {link}\n",
                owner.name, endpoint.url
            );
            let mail = Mail::text(owner.email, format!("Webhook endpoint disabled: {}", endpoint.url), body);
            then.push(NewJob::email(&mail, format!("webhook-disabled:{}:{}", endpoint.id, endpoint.version)));
        }
        AttemptOutcome::Disable(reason.to_string(), then)
    }
}

/// `Retry-After` as seconds or as an HTTP date.
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    (at.with_timezone(&Utc) - Utc::now()).to_std().ok()
}

/// A signature header with each signature cut short: the log shows which were sent
/// without keeping a copy anyone could replay.
fn shortened(header: &str) -> String {
    header.split(' ').map(|s| format!("{}…", s.chars().take(12).collect::<String>())).collect::<Vec<_>>().join(" ")
}

/// Why a request failed, in a sentence (the guard's refusal among them).
fn describe(e: &reqwest::Error) -> String {
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        text = format!("{text}: {s}");
        source = s.source();
    }
    if e.is_timeout() { format!("no answer within {} seconds ({text})", TIMEOUT.as_secs()) } else { text }
}

/// The allow-list as an admin saved it.
pub(crate) fn allow_list_from(text: Option<String>) -> AllowList {
    AllowList::parse(&text.unwrap_or_default()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        let mut h = HeaderMap::new();
        h.insert(RETRY_AFTER, "120".parse().unwrap());
        assert_eq!(retry_after(&h), Some(Duration::from_secs(120)));
        let later = (Utc::now() + chrono::Duration::seconds(600)).to_rfc2822();
        h.insert(RETRY_AFTER, later.parse().unwrap());
        let wait = retry_after(&h).unwrap();
        assert!((590..=600).contains(&wait.as_secs()), "{wait:?}");
        assert_eq!(shortened("v1,abcdefghijklmnop v1,qrstuvwxyz0123456"), "v1,abcdefghi… v1,qrstuvwxy…");
    }
}
