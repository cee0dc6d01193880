//! "Who knows about X": people ranked by the skills they declare and by evidence of
//! what they have done (assets written or verified, answers accepted, sessions run or
//! joined, projects led), each piece of evidence fading with age. Evidence comes only
//! from what the searcher may see, so an explanation never reveals a hidden asset.
use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use serde::Serialize;
use signpost_domain::UserId;
use signpost_domain::assets::Status;
use signpost_domain::fields::AssetKind;
use signpost_domain::people::{Actor, User};
use signpost_domain::search::SearchRequest;
use utoipa::ToSchema;

use super::{coverage, terms};
use crate::{ServiceError, Signpost, policy};
use signpost_domain::ids::{AssetId, ProjectId};

/// Evidence loses half its weight every this many days.
const HALF_LIFE_DAYS: f64 = 365.0;
/// Assets considered per search.
const ASSET_POOL: usize = 100;
/// People returned.
const SHOWN: usize = 20;
/// A question, session or project counts when this share of the query's words appear in it.
const MATCH: f64 = 0.5;

/// Kinds of evidence, in the order an explanation lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EvidenceKind {
    /// A declared skill matched.
    Skill,
    /// Wrote (owns) an asset.
    Wrote,
    /// Verified an asset.
    Verified,
    /// Wrote an accepted answer.
    AcceptedAnswer,
    /// Wrote another answer.
    Answer,
    /// Facilitated a session.
    Facilitated,
    /// Took part in a session.
    Joined,
    /// Started a project.
    Project,
}

/// One kind of evidence for one person.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Evidence {
    /// What kind.
    pub kind: EvidenceKind,
    /// How many pieces.
    pub count: usize,
    /// The sentence shown, e.g. "wrote 3 lessons".
    pub text: String,
    /// The most recent piece's title, for a link or a tooltip.
    pub example: String,
}

/// A person who knows about the subject, and why Signpost thinks so.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Expert {
    /// Who.
    pub user: User,
    /// Relevance (higher first); comparable only within one search.
    pub score: f64,
    /// The evidence, strongest kind first.
    pub evidence: Vec<Evidence>,
    /// The evidence in one sentence.
    pub explanation: String,
}

#[derive(Default)]
struct Tally {
    score: f64,
    pieces: BTreeMap<EvidenceKind, Vec<(String, f64)>>,
    kinds: HashMap<AssetKind, usize>,
}

impl Tally {
    fn add(&mut self, kind: EvidenceKind, title: &str, weight: f64) {
        self.score += weight;
        self.pieces.entry(kind).or_default().push((title.to_string(), weight));
    }
}

fn decay(at: DateTime<Utc>, now: DateTime<Utc>) -> f64 {
    let days = (now - at).num_days().max(0) as f64;
    0.5f64.powf(days / HALF_LIFE_DAYS)
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn kind_noun(kind: AssetKind, n: usize) -> &'static str {
    match (kind, n == 1) {
        (AssetKind::Lesson, true) => "lesson",
        (AssetKind::Lesson, false) => "lessons",
        (AssetKind::Guidance, _) => "guidance",
        (AssetKind::PracticeExample, true) => "practice example",
        (AssetKind::PracticeExample, false) => "practice examples",
        (AssetKind::Story, true) => "story",
        (AssetKind::Story, false) => "stories",
        (AssetKind::EvidenceSummary, true) => "evidence summary",
        (AssetKind::EvidenceSummary, false) => "evidence summaries",
        (AssetKind::HowTo, true) => "how-to",
        (AssetKind::HowTo, false) => "how-tos",
        (AssetKind::HandoverNote, true) => "handover note",
        (AssetKind::HandoverNote, false) => "handover notes",
    }
}

fn describe(kind: EvidenceKind, pieces: &[(String, f64)], kinds: &HashMap<AssetKind, usize>) -> String {
    let n = pieces.len();
    match kind {
        EvidenceKind::Skill => {
            format!("lists {} as a skill", pieces.iter().map(|(s, _)| format!("\u{201c}{s}\u{201d}")).collect::<Vec<_>>().join(" and "))
        }
        EvidenceKind::Wrote => {
            let mut parts: Vec<(AssetKind, usize)> = kinds.iter().map(|(k, c)| (*k, *c)).collect();
            parts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.as_str().cmp(b.0.as_str())));
            format!("wrote {}", parts.iter().map(|(k, c)| format!("{c} {}", kind_noun(*k, *c))).collect::<Vec<_>>().join(", "))
        }
        EvidenceKind::Verified => format!("verified {}", plural(n, "asset", "assets")),
        EvidenceKind::AcceptedAnswer => plural(n, "accepted answer", "accepted answers"),
        EvidenceKind::Answer => format!("answered {}", plural(n, "question", "questions")),
        EvidenceKind::Facilitated => format!("facilitated {}", plural(n, "session", "sessions")),
        EvidenceKind::Joined => format!("took part in {}", plural(n, "session", "sessions")),
        EvidenceKind::Project => format!("started {}", plural(n, "project", "projects")),
    }
}

impl Signpost {
    /// People who know about `query`, best first, each with the evidence the actor may see.
    pub async fn find_experts(&self, actor: &Actor, query: &str) -> Result<Vec<Expert>, ServiceError> {
        policy::ensure_staff(actor)?;
        let query = query.trim();
        if query.is_empty() {
            return Err(ServiceError::invalid("q", "enter a subject, like sepsis screening"));
        }
        if query.chars().count() > 200 {
            return Err(ServiceError::invalid("q", "must be 200 characters or fewer"));
        }
        let wanted = terms(query);
        let now = Utc::now();
        let people = self.people_by_id().await?;
        let profiles: HashMap<UserId, _> = self.store.profiles().await?.into_iter().map(|p| (p.user_id, p)).collect();
        let mut tally: HashMap<UserId, Tally> = HashMap::new();

        for (user_id, profile) in &profiles {
            let Some(owner) = people.get(user_id) else { continue };
            if !profile.suggest_me || !policy::can_see_profile(actor, owner, profile) {
                continue;
            }
            for skill in &profile.skills {
                let fit = coverage(&wanted, &terms(skill)).max(coverage(&terms(skill), &wanted));
                if fit >= MATCH {
                    tally.entry(*user_id).or_default().add(EvidenceKind::Skill, skill, 3.0 * fit);
                }
            }
        }

        // The search applies the actor's permissions inside the query: hidden assets never arrive here.
        let request =
            SearchRequest { query: query.to_string(), statuses: vec![Status::Published], limit: ASSET_POOL, ..SearchRequest::default() };
        let hits = self.search(actor, request).await?.hits;
        let strength = |rank: usize| 1.0 / (1.0 + rank as f64 / 10.0);
        for (rank, hit) in hits.iter().enumerate() {
            let t = tally.entry(hit.owner_id).or_default();
            t.add(EvidenceKind::Wrote, &hit.title, 1.0 * strength(rank) * decay(hit.updated_at, now));
            *t.kinds.entry(hit.kind).or_default() += 1;
        }
        let ids: Vec<AssetId> = hits.iter().map(|h| h.id).collect();
        for (asset_id, verifier, at) in self.store.verifications(&ids).await? {
            if let Some(rank) = hits.iter().position(|h| h.id == asset_id) {
                tally.entry(verifier).or_default().add(EvidenceKind::Verified, &hits[rank].title, 0.6 * strength(rank) * decay(at, now));
            }
        }

        let questions: Vec<_> = self
            .store
            .questions(None)
            .await?
            .into_iter()
            .filter(|q| coverage(&wanted, &terms(&format!("{} {} {}", q.title, q.body, q.tags.join(" ")))) >= MATCH)
            .collect();
        if !questions.is_empty() {
            for answer in self.store.answers(None).await? {
                let Some(q) = questions.iter().find(|q| q.id == answer.question_id) else { continue };
                let accepted = q.accepted_answer == Some(answer.id);
                let (kind, weight) = if accepted { (EvidenceKind::AcceptedAnswer, 1.5) } else { (EvidenceKind::Answer, 0.4) };
                tally.entry(answer.author_id).or_default().add(kind, &q.title, weight * decay(answer.created_at, now));
            }
        }

        let projects = self.store.projects().await?;
        let project_fits: HashMap<ProjectId, bool> = projects
            .iter()
            .map(|p| (p.id, coverage(&wanted, &terms(&format!("{} {} {}", p.title, p.description, p.tags.join(" ")))) >= MATCH))
            .collect();
        for p in projects.iter().filter(|p| project_fits[&p.id]) {
            tally.entry(p.created_by).or_default().add(EvidenceKind::Project, &p.title, 0.5 * decay(p.created_at, now));
        }
        for s in self.store.learning_sessions(None).await? {
            let on_subject = s.project_id.is_some_and(|p| project_fits.get(&p).copied().unwrap_or(false))
                || coverage(&wanted, &terms(&s.title)) >= MATCH;
            if !on_subject {
                continue;
            }
            let held = s.held_on.and_hms_opt(12, 0, 0).map(|d| d.and_utc()).unwrap_or(now);
            if let Some(f) = s.facilitator_id {
                tally.entry(f).or_default().add(EvidenceKind::Facilitated, &s.title, 0.8 * decay(held, now));
            }
            for p in s.participants.iter().filter(|p| Some(**p) != s.facilitator_id) {
                tally.entry(*p).or_default().add(EvidenceKind::Joined, &s.title, 0.3 * decay(held, now));
            }
        }

        let mut experts: Vec<Expert> = tally
            .into_iter()
            .filter(|(id, _)| profiles.get(id).is_none_or(|p| p.suggest_me))
            .filter_map(|(id, t)| {
                let user = people.get(&id)?.clone();
                let evidence: Vec<Evidence> = t
                    .pieces
                    .iter()
                    .map(|(kind, pieces)| Evidence {
                        kind: *kind,
                        count: pieces.len(),
                        text: describe(*kind, pieces, &t.kinds),
                        example: pieces.iter().max_by(|a, b| a.1.total_cmp(&b.1)).map(|p| p.0.clone()).unwrap_or_default(),
                    })
                    .collect();
                let explanation = evidence.iter().map(|e| e.text.clone()).collect::<Vec<_>>().join("; ");
                Some(Expert { user, score: t.score, evidence, explanation })
            })
            .collect();
        experts.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.user.name.cmp(&b.user.name)));
        experts.truncate(SHOWN);
        Ok(experts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evidence_fades_by_half_each_year() {
        let now = Utc::now();
        assert!((decay(now, now) - 1.0).abs() < 1e-9);
        assert!((decay(now - chrono::Duration::days(365), now) - 0.5).abs() < 1e-9);
        assert!((decay(now - chrono::Duration::days(730), now) - 0.25).abs() < 1e-9);
    }

    #[test]
    fn explanations_read_as_sentences() {
        let kinds = HashMap::from([(AssetKind::Lesson, 3), (AssetKind::Guidance, 1)]);
        let three = vec![("a".to_string(), 1.0); 3];
        assert_eq!(describe(EvidenceKind::Wrote, &three, &kinds), "wrote 3 lessons, 1 guidance");
        assert_eq!(describe(EvidenceKind::AcceptedAnswer, &three[..2], &kinds), "2 accepted answers");
        assert_eq!(describe(EvidenceKind::Skill, &[("sepsis".into(), 3.0)], &kinds), "lists \u{201c}sepsis\u{201d} as a skill");
    }
}
