//! The evidence service: members ask for literature searches, knowledge specialists
//! take them from a queue, record the search database by database, write an evidence
//! summary from what they found and deliver it; weeks later the requester is asked what
//! difference it made, and the answer becomes an impact statement. Everyone concerned
//! hears of each step through notifications (emailed as they choose).
mod delivery;
mod figures;
mod similar;
pub mod strategy;

pub use delivery::{AppraisalChoice, FollowUpInput};
pub use figures::EvidenceFigures;
pub use similar::{EarlierRequest, SimilarWork};

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use signpost_domain::assets::Asset;
use signpost_domain::audit::AuditRecord;
use signpost_domain::communities::Notification;
use signpost_domain::evidence::{Audience, EvidenceRequest, Pico, Purpose, RequestState, SearchRecord};
use signpost_domain::notifications::Category;
use signpost_domain::people::{Actor, Role, User};
use signpost_domain::{FieldError, StoreError, UserId};
use utoipa::ToSchema;

use crate::validate::{check_text, read_date, split_list};
use crate::{ServiceError, Signpost, policy};

/// People a requester may name to see the result.
pub const MAX_SHARED: usize = 20;
/// Databases searched for one request.
pub const MAX_SEARCHES: usize = 50;
/// Weeks after delivery the requester is asked what difference it made, unless set.
pub const DEFAULT_FOLLOW_UP_WEEKS: u32 = 4;
/// The setting that holds the number of weeks.
const FOLLOW_UP_SETTING: &str = "evidence_follow_up_weeks";

/// A request as the member writes it.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RequestInput {
    /// The question.
    pub question: String,
    /// Population, patient or problem.
    #[serde(default)]
    pub population: String,
    /// Intervention.
    #[serde(default)]
    pub intervention: String,
    /// Comparison.
    #[serde(default)]
    pub comparison: String,
    /// Outcome.
    #[serde(default)]
    pub outcome: String,
    /// `patient_care`, `service_change`, `policy`, `education` or `research`.
    pub purpose: String,
    /// Needed by, such as `2026-12-14` or `14/12/2026`.
    pub deadline: String,
    /// `named`, `team` or `organisation`.
    pub audience: String,
    /// Email addresses of people who should see the request and its result, separated by commas or lines.
    #[serde(default)]
    pub shared_with: String,
}

/// One database's search as the specialist records it.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SearchInput {
    /// Database, such as MEDLINE.
    pub database: String,
    /// Platform, such as Ovid.
    #[serde(default)]
    pub platform: String,
    /// When it was run.
    pub run_on: String,
    /// Publication dates searched.
    #[serde(default)]
    pub date_limits: String,
    /// Other limits.
    #[serde(default)]
    pub limits: String,
    /// The strategy, one line each, each ending with its number of results.
    pub lines: String,
}

/// What the reader may do with a request.
#[derive(Debug, Clone, Copy, Default, Serialize, ToSchema)]
pub struct RequestPermissions {
    /// Take it from the queue.
    pub take: bool,
    /// Record searches, write the summary and deliver.
    pub work: bool,
    /// Withdraw it.
    pub withdraw: bool,
    /// Answer the follow-up.
    pub follow_up: bool,
}

/// A request with the names and the summary the reader may see.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RequestView {
    /// The request.
    pub request: EvidenceRequest,
    /// Who asked.
    pub requester: User,
    /// The specialist searching.
    pub specialist: Option<User>,
    /// The people named to see it.
    pub shared: Vec<User>,
    /// The evidence summary, if the reader may see it.
    pub summary: Option<Asset>,
    /// What the reader may do.
    pub may: RequestPermissions,
}

/// A line of the queue or of someone's own list.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RequestRow {
    /// The request.
    pub request: EvidenceRequest,
    /// Who asked.
    pub requester: String,
    /// Who is searching.
    pub specialist: Option<String>,
}

fn missing() -> ServiceError {
    ServiceError::NotFound("the evidence request".into())
}

fn short(text: &str, max: usize) -> String {
    let t: String = text.chars().take(max).collect();
    if t.len() < text.len() { format!("{}\u{2026}", t.trim_end()) } else { t }
}

/// The request's address, for notifications.
pub(crate) fn link(id: i64) -> String {
    if id == 0 { signpost_domain::evidence::NEW_REQUEST_LINK.to_string() } else { format!("/evidence/requests/{id}") }
}

/// What a request is about in a notification: its question, cut short.
pub(crate) fn about(r: &EvidenceRequest) -> String {
    format!("\u{201c}{}\u{201d}", short(&r.question, 80))
}

/// A notice to each of `people` about the request.
pub(crate) fn notices(people: impl IntoIterator<Item = UserId>, r: &EvidenceRequest, text: &str, now: DateTime<Utc>) -> Vec<Notification> {
    people.into_iter().map(|u| Notification::new(u, text, link(r.id), now).about(Category::EvidenceRequest)).collect()
}

impl Signpost {
    /// A request the actor may read, or not-found.
    pub(crate) async fn readable_request(&self, actor: &Actor, id: i64) -> Result<EvidenceRequest, ServiceError> {
        let request = match self.store.evidence_request(id).await {
            Err(StoreError::NotFound) => return Err(missing()),
            other => other?,
        };
        policy::ensure_can_see_request(actor, &request).map_err(|_| missing())?;
        Ok(request)
    }

    async fn named_people(&self, text: &str, requester: UserId, errors: &mut Vec<FieldError>) -> Result<Vec<UserId>, ServiceError> {
        let emails = split_list(text);
        if emails.len() > MAX_SHARED {
            errors.push(FieldError::new("shared_with", format!("name at most {MAX_SHARED} people")));
            return Ok(Vec::new());
        }
        let mut ids = Vec::new();
        for email in emails {
            match self.store.credentials(&email.to_lowercase()).await?.map(|c| c.user) {
                Some(u) if u.disabled_at.is_none() && u.role != Role::Guest => {
                    if u.id != requester && !ids.contains(&u.id) {
                        ids.push(u.id);
                    }
                }
                _ => errors.push(FieldError::new("shared_with", format!("nobody in Signpost has the email address {email}"))),
            }
        }
        Ok(ids)
    }

    /// Asks the library service for a literature search. The specialists are told, and
    /// the requester gets a receipt.
    pub async fn request_evidence(&self, actor: &Actor, input: RequestInput) -> Result<EvidenceRequest, ServiceError> {
        policy::ensure_can_contribute_as_staff(actor)?;
        let mut errors = Vec::new();
        if input.question.trim().is_empty() {
            errors.push(FieldError::new("question", "enter the question you need the evidence to answer"));
        }
        check_text("question", &input.question, false, 2_000, &mut errors);
        for (field, text) in [
            ("population", &input.population),
            ("intervention", &input.intervention),
            ("comparison", &input.comparison),
            ("outcome", &input.outcome),
        ] {
            check_text(field, text, false, 500, &mut errors);
        }
        let purpose = Purpose::parse(&input.purpose).map_err(|e| errors.push(e)).ok();
        let audience = Audience::parse(&input.audience).map_err(|e| errors.push(e)).ok();
        let today = Utc::now().date_naive();
        let deadline = read_date(&input.deadline).filter(|d| *d >= today);
        if deadline.is_none() {
            errors.push(FieldError::new("deadline", "enter the date you need it by, like 14 12 2026, today or later"));
        }
        let shared_with = self.named_people(&input.shared_with, actor.user_id, &mut errors).await?;
        let (Some(purpose), Some(audience), Some(deadline), true) = (purpose, audience, deadline, errors.is_empty()) else {
            return Err(ServiceError::Invalid(errors));
        };
        let now = Utc::now();
        let request = EvidenceRequest {
            id: 0,
            requester_id: actor.user_id,
            question: input.question.trim().to_string(),
            pico: Pico {
                population: input.population.trim().into(),
                intervention: input.intervention.trim().into(),
                comparison: input.comparison.trim().into(),
                outcome: input.outcome.trim().into(),
            },
            purpose,
            deadline,
            audience,
            shared_with,
            state: RequestState::Submitted,
            specialist_id: None,
            summary_id: None,
            searches: Vec::new(),
            reused: Vec::new(),
            created_at: now,
            taken_at: None,
            delivered_at: None,
            follow_up_due: None,
            follow_up: None,
            version: 0,
        };
        let people = self.people_by_id().await?;
        let name = people.get(&actor.user_id).map_or("Someone", |u| u.name.as_str());
        let library: Vec<UserId> = people
            .values()
            .filter(|u| u.role == Role::KnowledgeSpecialist && u.disabled_at.is_none() && u.id != actor.user_id)
            .map(|u| u.id)
            .collect();
        let audit =
            AuditRecord::new(Some(actor.user_id), "evidence.request", format!("asked for a literature search ({})", purpose.as_str()));
        // The request has no id yet: the store puts it into each notice's link.
        let mut notes = notices(library, &request, &format!("{name} asked for a literature search: {}", about(&request)), now);
        notes.extend(notices(
            [actor.user_id],
            &request,
            &format!("Your request for a literature search was received: {}", about(&request)),
            now,
        ));
        let created = self.store.create_evidence_request(&request, &notes, audit).await?;
        Ok(created)
    }

    /// One request with what the reader may see and do.
    pub async fn evidence_request(&self, actor: &Actor, id: i64) -> Result<RequestView, ServiceError> {
        let request = self.readable_request(actor, id).await?;
        let people = self.people_by_id().await?;
        let person = |u: UserId| people.get(&u).cloned();
        let summary = match request.summary_id {
            Some(sid) => match self.store.asset(sid).await {
                Ok(a) if policy::can_view(actor, &a) => Some(a),
                Ok(_) | Err(StoreError::NotFound) => None,
                Err(e) => return Err(e.into()),
            },
            None => None,
        };
        let may = RequestPermissions {
            take: policy::can_take_request(actor, &request),
            work: policy::can_work_on_request(actor, &request),
            withdraw: policy::can_withdraw_request(actor, &request),
            follow_up: policy::can_answer_follow_up(actor, &request),
        };
        Ok(RequestView {
            requester: person(request.requester_id).ok_or_else(missing)?,
            specialist: request.specialist_id.and_then(person),
            shared: request.shared_with.iter().filter_map(|u| person(*u)).collect(),
            summary,
            may,
            request,
        })
    }

    fn rows(people: &HashMap<UserId, User>, requests: Vec<EvidenceRequest>) -> Vec<RequestRow> {
        let name = |u: UserId| people.get(&u).map(|p| p.name.clone()).unwrap_or_default();
        requests
            .into_iter()
            .map(|r| RequestRow { requester: name(r.requester_id), specialist: r.specialist_id.map(name), request: r })
            .collect()
    }

    /// The requests the actor made or was named on, newest first.
    pub async fn my_evidence_requests(&self, actor: &Actor) -> Result<Vec<RequestRow>, ServiceError> {
        policy::ensure_staff(actor)?;
        let mine: Vec<EvidenceRequest> = self
            .store
            .evidence_requests()
            .await?
            .into_iter()
            .filter(|r| r.requester_id == actor.user_id || r.shared_with.contains(&actor.user_id))
            .collect();
        Ok(Self::rows(&self.people_by_id().await?, mine))
    }

    /// The library's queue (knowledge specialists): waiting requests, soonest deadline
    /// first; then those being searched; then those delivered or withdrawn, newest first.
    pub async fn evidence_queue(&self, actor: &Actor) -> Result<Vec<RequestRow>, ServiceError> {
        policy::ensure_specialist(actor)?;
        let mut all = self.store.evidence_requests().await?;
        let rank = |s: RequestState| match s {
            RequestState::Submitted => 0,
            RequestState::Taken => 1,
            RequestState::Delivered | RequestState::Withdrawn => 2,
        };
        all.sort_by(|a, b| {
            rank(a.state).cmp(&rank(b.state)).then_with(|| match rank(a.state) {
                2 => b.id.cmp(&a.id),
                _ => a.deadline.cmp(&b.deadline).then(a.id.cmp(&b.id)),
            })
        });
        Ok(Self::rows(&self.people_by_id().await?, all))
    }

    /// Takes a waiting request (knowledge specialists). Two specialists taking it at
    /// once: the second is told it was taken.
    pub async fn take_evidence_request(&self, actor: &Actor, id: i64) -> Result<EvidenceRequest, ServiceError> {
        let request = self.readable_request(actor, id).await?;
        policy::ensure_specialist(actor)?;
        if !policy::can_take_request(actor, &request) {
            return Err(ServiceError::Conflict("someone has already taken this request".into()));
        }
        let now = Utc::now();
        let taken = EvidenceRequest { state: RequestState::Taken, specialist_id: Some(actor.user_id), taken_at: Some(now), ..request };
        let name = self.store.user(actor.user_id).await?.name;
        let notes =
            notices(taken.watchers(), &taken, &format!("{name} is searching for the evidence you asked for: {}", about(&taken)), now);
        let audit = AuditRecord::new(Some(actor.user_id), "evidence.take", format!("took evidence request {id}"));
        self.store.update_evidence_request(&taken, &notes, audit).await.map_err(|e| match e {
            StoreError::Conflict(_) => ServiceError::Conflict("someone has already taken this request".into()),
            e => e.into(),
        })
    }

    /// Withdraws a request its requester no longer needs; the specialist is told.
    pub async fn withdraw_evidence_request(&self, actor: &Actor, id: i64) -> Result<EvidenceRequest, ServiceError> {
        let request = self.readable_request(actor, id).await?;
        if !policy::can_withdraw_request(actor, &request) {
            return Err(ServiceError::Forbidden("only the person who asked can withdraw a request, before it is delivered".into()));
        }
        let now = Utc::now();
        let withdrawn = EvidenceRequest { state: RequestState::Withdrawn, ..request };
        let notes = match withdrawn.specialist_id {
            Some(s) => notices([s], &withdrawn, &format!("A request you were searching for was withdrawn: {}", about(&withdrawn)), now),
            None => Vec::new(),
        };
        let audit = AuditRecord::new(Some(actor.user_id), "evidence.withdraw", format!("withdrew evidence request {id}"));
        Ok(self.store.update_evidence_request(&withdrawn, &notes, audit).await?)
    }

    /// Records one database's search on a request being searched.
    pub async fn record_search(&self, actor: &Actor, id: i64, input: SearchInput) -> Result<EvidenceRequest, ServiceError> {
        let mut request = self.readable_request(actor, id).await?;
        policy::ensure_can_work_on_request(actor, &request)?;
        if request.searches.len() >= MAX_SEARCHES {
            return Err(ServiceError::TooLarge(format!("a request records at most {MAX_SEARCHES} database searches")));
        }
        let mut errors = Vec::new();
        if input.database.trim().is_empty() {
            errors.push(FieldError::new("database", "enter the database you searched, such as MEDLINE"));
        }
        check_text("database", &input.database, false, 100, &mut errors);
        check_text("platform", &input.platform, false, 100, &mut errors);
        check_text("date_limits", &input.date_limits, false, 100, &mut errors);
        check_text("limits", &input.limits, false, 500, &mut errors);
        let run_on = read_date(&input.run_on).filter(|d| *d <= Utc::now().date_naive());
        if run_on.is_none() {
            errors.push(FieldError::new("run_on", "enter the date the search was run, like 14 12 2026, today or earlier"));
        }
        let lines = strategy::read_lines(&input.lines, "lines").map_err(|e| errors.extend(e)).ok();
        let (Some(run_on), Some(lines), true) = (run_on, lines, errors.is_empty()) else {
            return Err(ServiceError::Invalid(errors));
        };
        request.searches.push(SearchRecord {
            database: input.database.trim().into(),
            platform: input.platform.trim().into(),
            run_on,
            date_limits: input.date_limits.trim().into(),
            limits: input.limits.trim().into(),
            lines,
            recorded_by: actor.user_id,
            recorded_at: Utc::now(),
        });
        let audit = AuditRecord::new(
            Some(actor.user_id),
            "evidence.search",
            format!("recorded a search of {} on request {id}", input.database.trim()),
        );
        Ok(self.store.update_evidence_request(&request, &[], audit).await?)
    }

    /// Removes a search recorded in error (its position on the request, from 0).
    pub async fn remove_search(&self, actor: &Actor, id: i64, position: usize, version: i64) -> Result<EvidenceRequest, ServiceError> {
        let mut request = self.readable_request(actor, id).await?;
        policy::ensure_can_work_on_request(actor, &request)?;
        if request.version != version {
            return Err(ServiceError::Conflict("the request changed since you opened it; look at it again".into()));
        }
        if position >= request.searches.len() {
            return Err(ServiceError::NotFound("that search".into()));
        }
        let gone = request.searches.remove(position);
        let audit = AuditRecord::new(
            Some(actor.user_id),
            "evidence.search.remove",
            format!("removed the search of {} from request {id}", gone.database),
        );
        Ok(self.store.update_evidence_request(&request, &[], audit).await?)
    }

    /// Weeks after delivery the requester is asked what difference it made.
    pub async fn follow_up_weeks(&self) -> Result<u32, ServiceError> {
        let set = self.store.instance_setting(FOLLOW_UP_SETTING).await?;
        Ok(set.and_then(|v| v.parse().ok()).unwrap_or(DEFAULT_FOLLOW_UP_WEEKS))
    }

    /// Changes how many weeks after delivery the follow-up is sent (knowledge specialists).
    pub async fn set_follow_up_weeks(&self, actor: &Actor, weeks: &str) -> Result<u32, ServiceError> {
        policy::ensure_specialist(actor)?;
        let weeks: u32 = weeks
            .trim()
            .parse()
            .ok()
            .filter(|w| (1..=52).contains(w))
            .ok_or_else(|| ServiceError::invalid("weeks", "enter a whole number of weeks from 1 to 52"))?;
        let audit = AuditRecord::new(
            Some(actor.user_id),
            "settings.evidence_follow_up",
            format!("evidence follow-ups sent {weeks} weeks after delivery"),
        );
        self.store.set_instance_setting(FOLLOW_UP_SETTING, &weeks.to_string(), audit).await?;
        Ok(weeks)
    }
}

/// The people who hear how a request moves on: its requester and the people named.
trait Watchers {
    fn watchers(&self) -> Vec<UserId>;
}

impl Watchers for EvidenceRequest {
    fn watchers(&self) -> Vec<UserId> {
        std::iter::once(self.requester_id).chain(self.shared_with.iter().copied()).collect()
    }
}
