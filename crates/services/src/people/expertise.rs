//! "Who knows about X": people ranked by evidence of what they know (skills they
//! declare, knowledge they wrote or verified, answers, sessions, projects), each piece
//! weighed by how well it matches the whole query, judged by the search engine: its
//! relevance for assets, and for the rest its analysis and word weights, a phrase
//! counting more than scattered words and a rare word more than a common one. Evidence
//! fades with age. A person's strongest piece counts in full and each further piece
//! half as much as the one before, so many pieces that brush the subject never outweigh
//! one squarely on it. Evidence comes only from what the searcher may see, so an
//! explanation never reveals a hidden asset.
use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use serde::Serialize;
use signpost_domain::UserId;
use signpost_domain::assets::{Asset, Status};
use signpost_domain::fields::AssetKind;
use signpost_domain::people::{Actor, User};
use signpost_domain::ports::AssetQuery;
use signpost_domain::search::{SearchRequest, TextMatch};
use utoipa::ToSchema;

use crate::{ServiceError, Signpost, policy};

/// Evidence loses half its weight every this many days.
const HALF_LIFE_DAYS: f64 = 365.0;
/// Assets considered per search.
const ASSET_POOL: usize = 100;
/// People returned.
const SHOWN: usize = 20;
/// A piece of evidence counts when it matches the query at least this well (0–1).
const FIT: f32 = 0.5;
/// Each further piece of a person's evidence counts this share of the one before.
const DAMPING: f64 = 0.5;
/// Pieces of each kind shown as links.
const LISTED: usize = 3;

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
    /// Ran a literature search for someone.
    Searched,
}

impl EvidenceKind {
    /// How much a perfectly matching piece of this kind says about what someone knows.
    fn weight(self) -> f64 {
        match self {
            EvidenceKind::AcceptedAnswer => 1.5,
            EvidenceKind::Skill => 1.2,
            EvidenceKind::Wrote => 1.0,
            EvidenceKind::Project | EvidenceKind::Searched => 0.8,
            EvidenceKind::Verified | EvidenceKind::Answer => 0.5,
            EvidenceKind::Facilitated => 0.4,
            EvidenceKind::Joined => 0.2,
        }
    }
}

/// One piece of evidence, to read for oneself.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EvidenceItem {
    /// The asset's, question's, session's or project's title, or the skill.
    pub title: String,
    /// Where it is, such as `/assets/12` or `/questions/3`.
    pub link: String,
    /// Why it matched, such as "mentions “knowledge café”".
    pub why: String,
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
    /// The strongest pieces (at most three), best first; none for skills.
    pub items: Vec<EvidenceItem>,
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

struct Piece {
    kind: EvidenceKind,
    item: EvidenceItem,
    weight: f64,
}

#[derive(Default)]
struct Tally {
    pieces: Vec<Piece>,
    kinds: HashMap<AssetKind, usize>,
}

impl Tally {
    fn add(&mut self, kind: EvidenceKind, title: &str, link: String, why: String, fit: f64) {
        let item = EvidenceItem { title: title.to_string(), link, why };
        self.pieces.push(Piece { kind, item, weight: kind.weight() * fit });
    }

    /// The strongest piece in full, each further one `DAMPING` of the one before.
    fn score(&mut self) -> f64 {
        self.pieces.sort_by(|a, b| b.weight.total_cmp(&a.weight));
        self.pieces.iter().enumerate().map(|(i, p)| p.weight * DAMPING.powi(i as i32)).sum()
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
        (AssetKind::ReadingList, true) => "reading list",
        (AssetKind::ReadingList, false) => "reading lists",
    }
}

fn describe(kind: EvidenceKind, titles: &[&str], kinds: &HashMap<AssetKind, usize>) -> String {
    let n = titles.len();
    match kind {
        EvidenceKind::Skill => {
            format!("lists {} as a skill", titles.iter().map(|s| format!("\u{201c}{s}\u{201d}")).collect::<Vec<_>>().join(" and "))
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
        EvidenceKind::Searched => format!("ran {}", plural(n, "literature search", "literature searches")),
    }
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str()).unwrap_or_default()
}

/// Why a piece matched, in the query's own words.
fn why(m: &TextMatch) -> String {
    let quoted: Vec<String> = m.words.iter().map(|w| format!("\u{201c}{w}\u{201d}")).collect();
    if m.phrase {
        format!("mentions \u{201c}{}\u{201d}", m.words.join(" "))
    } else {
        match quoted.split_last() {
            Some((last, rest)) if !rest.is_empty() => format!("mentions {} and {last}", rest.join(", ")),
            _ => format!("mentions {}", quoted.join("")),
        }
    }
}

/// An asset's searchable words, to judge how well it matches.
fn asset_text(a: &Asset) -> String {
    let mut text = format!("{}\n{}\n{}\n{}", a.title, a.summary, a.tags.join("\n"), a.body);
    for (_, t) in a.fields.texts() {
        text.push('\n');
        text.push_str(&t);
    }
    text
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
        let now = Utc::now();
        let people = self.people_by_id().await?;
        let profiles: HashMap<UserId, _> = self.store.profiles().await?.into_iter().map(|p| (p.user_id, p)).collect();
        let mut tally: HashMap<UserId, Tally> = HashMap::new();

        // A skill matches when the query covers it ("sepsis" for "sepsis screening") or it covers the query.
        let skills: Vec<(UserId, String)> = profiles
            .iter()
            .filter(|(id, p)| p.suggest_me && people.get(id).is_some_and(|owner| policy::can_see_profile(actor, owner, p)))
            .flat_map(|(id, p)| p.skills.iter().map(|s| (*id, s.clone())))
            .collect();
        let names: Vec<String> = skills.iter().map(|(_, s)| s.clone()).collect();
        let forward = self.match_texts(query, names.clone()).await?;
        let backward = self.match_each(names, query).await?;
        for (((user_id, skill), f), b) in skills.iter().zip(&forward).zip(&backward) {
            let m = if b.score > f.score { b } else { f };
            if m.score >= FIT {
                let link = format!("/people/{user_id}");
                tally.entry(*user_id).or_default().add(EvidenceKind::Skill, skill, link, "on their profile".into(), f64::from(m.score));
            }
        }

        // The search applies the actor's permissions inside the query: hidden assets never arrive here.
        let request =
            SearchRequest { query: query.to_string(), statuses: vec![Status::Published], limit: ASSET_POOL, ..SearchRequest::default() };
        let hits = self.search(actor, request).await?.hits;
        let top = hits.first().map_or(1.0, |h| h.score.max(f32::EPSILON));
        let ids: Vec<_> = hits.iter().map(|h| h.id).collect();
        let listed = AssetQuery { ids: Some(ids.clone()), limit: ASSET_POOL as i64, ..AssetQuery::default() };
        let assets: HashMap<_, Asset> =
            self.store.assets(&listed, &policy::view_condition(actor)).await?.items.into_iter().map(|a| (a.id, a)).collect();
        let texts: Vec<String> = hits.iter().map(|h| assets.get(&h.id).map(asset_text).unwrap_or_else(|| h.title.clone())).collect();
        let mut asset_fit = HashMap::new();
        for (hit, m) in hits.iter().zip(self.match_texts(query, texts).await?) {
            if m.score < FIT {
                continue;
            }
            // How well it matches, tempered by the engine's ranking among the candidates.
            let fit = f64::from(m.score) * (0.4 + 0.6 * f64::from(hit.score / top));
            let t = tally.entry(hit.owner_id).or_default();
            t.add(EvidenceKind::Wrote, &hit.title, format!("/assets/{}", hit.id), why(&m), fit * decay(hit.updated_at, now));
            *t.kinds.entry(hit.kind).or_default() += 1;
            asset_fit.insert(hit.id, (hit.title.clone(), why(&m), fit));
        }
        let matched: Vec<_> = asset_fit.keys().copied().collect();
        for (asset_id, verifier, at) in self.store.verifications(&matched).await? {
            if let Some((title, why, fit)) = asset_fit.get(&asset_id) {
                let link = format!("/assets/{asset_id}");
                tally.entry(verifier).or_default().add(EvidenceKind::Verified, title, link, why.clone(), fit * decay(at, now));
            }
        }

        let questions = self.live_questions(None).await?;
        let texts = questions.iter().map(|q| format!("{}\n{}\n{}", q.title, q.body, q.tags.join("\n"))).collect();
        let on_subject: HashMap<_, _> = questions
            .iter()
            .zip(self.match_texts(query, texts).await?)
            .filter(|(_, m)| m.score >= FIT)
            .map(|(q, m)| (q.id, (q, m)))
            .collect();
        if !on_subject.is_empty() {
            for answer in self.live_answers(None).await? {
                let Some((q, m)) = on_subject.get(&answer.question_id) else { continue };
                let kind = if q.accepted_answer == Some(answer.id) { EvidenceKind::AcceptedAnswer } else { EvidenceKind::Answer };
                let fit = f64::from(m.score) * decay(answer.created_at, now);
                tally.entry(answer.author_id).or_default().add(kind, &q.title, format!("/questions/{}", q.id), why(m), fit);
            }
        }

        let projects = self.store.projects().await?;
        let texts = projects.iter().map(|p| format!("{}\n{}\n{}", p.title, p.description, p.tags.join("\n"))).collect();
        let project_fits: HashMap<_, _> = projects.iter().zip(self.match_texts(query, texts).await?).map(|(p, m)| (p.id, (p, m))).collect();
        for (p, m) in project_fits.values().filter(|(_, m)| m.score >= FIT) {
            let fit = f64::from(m.score) * decay(p.created_at, now);
            tally.entry(p.created_by).or_default().add(EvidenceKind::Project, &p.title, format!("/projects/{}", p.id), why(m), fit);
        }

        self.searches_as_evidence(actor, query, now, &mut tally).await?;

        // A session is about its title, its technique and its project.
        let sessions = self.store.learning_sessions(None).await?;
        let technique = |s: &signpost_domain::learning::Session| s.technique_key.replace('-', " ");
        let texts = sessions
            .iter()
            .map(|s| {
                let project = s.project_id.and_then(|id| project_fits.get(&id)).map(|(p, _)| *p);
                let about = project.map(|p| format!("{}\n{}\n{}", p.title, p.description, p.tags.join("\n"))).unwrap_or_default();
                format!("{}\n{}\n{about}", s.title, technique(s))
            })
            .collect();
        for (s, m) in sessions.iter().zip(self.match_texts(query, texts).await?) {
            if m.score < FIT {
                continue;
            }
            let project = s.project_id.and_then(|id| project_fits.get(&id)).map(|(p, _)| p.title.clone());
            let title = match (s.title.trim(), project) {
                ("", Some(p)) => format!("{} for {p}", capitalised(&technique(s))),
                ("", None) => capitalised(&technique(s)),
                (t, _) => t.to_string(),
            };
            let (link, why) = (format!("/sessions/{}", s.id), why(&m));
            let fit = f64::from(m.score) * decay(s.held_on.and_hms_opt(12, 0, 0).map(|d| d.and_utc()).unwrap_or(now), now);
            if let Some(f) = s.facilitator_id {
                tally.entry(f).or_default().add(EvidenceKind::Facilitated, &title, link.clone(), why.clone(), fit);
            }
            for p in s.participants.iter().filter(|p| Some(**p) != s.facilitator_id) {
                tally.entry(*p).or_default().add(EvidenceKind::Joined, &title, link.clone(), why.clone(), fit);
            }
        }

        let mut experts: Vec<Expert> = tally
            .into_iter()
            .filter(|(id, _)| profiles.get(id).is_none_or(|p| p.suggest_me))
            .filter_map(|(id, mut t)| {
                let user = people.get(&id).filter(|u| u.disabled_at.is_none())?.clone();
                let score = t.score();
                Some(expert(user, score, &t))
            })
            .collect();
        experts.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.user.name.cmp(&b.user.name)));
        experts.truncate(SHOWN);
        Ok(experts)
    }
}

impl Signpost {
    /// A specialist's delivered literature searches, each about its question and strategy.
    /// One counts only where the searcher may read the request or its summary, and is
    /// shown as whichever they may read, so the finder never reveals a private question.
    async fn searches_as_evidence(
        &self,
        actor: &Actor,
        query: &str,
        now: DateTime<Utc>,
        tally: &mut HashMap<UserId, Tally>,
    ) -> Result<(), ServiceError> {
        let delivered: Vec<_> = self
            .store
            .evidence_requests()
            .await?
            .into_iter()
            .filter(|r| r.state == signpost_domain::evidence::RequestState::Delivered && r.specialist_id.is_some())
            .collect();
        let texts = delivered
            .iter()
            .map(|r| {
                let lines = r.searches.iter().flat_map(|s| s.lines.iter().map(|l| l.text.as_str())).collect::<Vec<_>>().join("\n");
                format!("{}\n{}\n{lines}", r.question, r.pico.parts().iter().map(|(_, p)| *p).collect::<Vec<_>>().join("\n"))
            })
            .collect();
        for (r, m) in delivered.iter().zip(self.match_texts(query, texts).await?) {
            if m.score < FIT {
                continue;
            }
            let shown = if policy::can_see_request(actor, r) {
                Some((r.question.clone(), format!("/evidence/requests/{}", r.id)))
            } else {
                match r.summary_id {
                    Some(sid) => match self.store.asset(sid).await {
                        Ok(a) if policy::can_view(actor, &a) => Some((a.title, format!("/assets/{sid}"))),
                        _ => None,
                    },
                    None => None,
                }
            };
            if let (Some((title, link)), Some(specialist)) = (shown, r.specialist_id) {
                let fit = f64::from(m.score) * decay(r.delivered_at.unwrap_or(now), now);
                tally.entry(specialist).or_default().add(EvidenceKind::Searched, &title, link, why(&m), fit);
            }
        }
        Ok(())
    }
}

/// A person's evidence grouped by kind, each kind's strongest pieces first.
fn expert(user: User, score: f64, t: &Tally) -> Expert {
    let mut by_kind: BTreeMap<EvidenceKind, Vec<&Piece>> = BTreeMap::new();
    for p in &t.pieces {
        by_kind.entry(p.kind).or_default().push(p);
    }
    let evidence: Vec<Evidence> = by_kind
        .into_iter()
        .map(|(kind, pieces)| {
            let titles: Vec<&str> = pieces.iter().map(|p| p.item.title.as_str()).collect();
            Evidence {
                kind,
                count: pieces.len(),
                text: describe(kind, &titles, &t.kinds),
                // A skill is its own explanation; the person's page is the link.
                items: if kind == EvidenceKind::Skill { Vec::new() } else { pieces.iter().take(LISTED).map(|p| p.item.clone()).collect() },
            }
        })
        .collect();
    let explanation = evidence.iter().map(|e| e.text.clone()).collect::<Vec<_>>().join("; ");
    Expert { user, score, evidence, explanation }
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
        assert_eq!(describe(EvidenceKind::Wrote, &["a", "b", "c"], &kinds), "wrote 3 lessons, 1 guidance");
        assert_eq!(describe(EvidenceKind::AcceptedAnswer, &["a", "b"], &kinds), "2 accepted answers");
        assert_eq!(describe(EvidenceKind::Skill, &["sepsis"], &kinds), "lists \u{201c}sepsis\u{201d} as a skill");
        let phrase = TextMatch { score: 1.0, phrase: true, words: vec!["knowledge".into(), "café".into()] };
        assert_eq!(why(&phrase), "mentions \u{201c}knowledge café\u{201d}");
        let scattered = TextMatch { score: 0.6, phrase: false, words: vec!["a".into(), "b".into(), "c".into()] };
        assert_eq!(why(&scattered), "mentions \u{201c}a\u{201d}, \u{201c}b\u{201d} and \u{201c}c\u{201d}");
    }

    #[test]
    fn many_loose_pieces_never_outweigh_one_squarely_on_the_subject() {
        let mut loose = Tally::default();
        for i in 0..17 {
            loose.add(EvidenceKind::Wrote, &format!("flu clinic {i}"), String::new(), String::new(), 0.55);
        }
        let mut square = Tally::default();
        square.add(EvidenceKind::AcceptedAnswer, "knowledge café", String::new(), String::new(), 1.0);
        assert!(square.score() > loose.score(), "{} against {}", square.score(), loose.score());
    }
}
