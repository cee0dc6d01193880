//! The lessons loop: when new work is planned, the past lessons, assets and people
//! most like it, found by the same permission-filtered hybrid search as everything
//! else, with the organisation's usefulness marks lifting what helped before.
use std::collections::HashMap;
use std::collections::hash_map::Entry;

use serde::{Deserialize, Serialize};
use signpost_domain::assets::Status;
use signpost_domain::fields::AssetKind;
use signpost_domain::learning::{Project, ProjectId, UsefulMark};
use signpost_domain::people::{Actor, User};
use signpost_domain::search::{FUNCTION_WORDS, SearchHit, SearchRequest};
use signpost_domain::{AssetId, UserId};
use utoipa::ToSchema;

use crate::search::MAX_QUERY;
use crate::{ServiceError, Signpost, policy};

/// How many lessons, assets and people the loop shows.
pub const SHOWN: usize = 5;
/// How many candidates are re-ranked by usefulness.
const POOL: usize = 20;

/// One item the loop surfaced.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Suggested {
    /// The asset.
    pub asset_id: AssetId,
    /// Its kind.
    pub kind: AssetKind,
    /// Title.
    pub title: String,
    /// Summary.
    pub summary: String,
    /// Who owns it.
    pub owner_id: UserId,
    /// The project it was learned on.
    pub project_id: Option<ProjectId>,
    /// That project's title.
    pub project_title: Option<String>,
    /// Useful marks minus not-useful ones, across every project.
    pub net_useful: i64,
    /// The reader's own mark for this project.
    pub marked: Option<bool>,
    /// Lessons saying nearly the same, folded under this one.
    pub alike: Vec<AlikeLesson>,
}

/// A lesson folded under a near-duplicate that ranked higher.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AlikeLesson {
    /// The asset.
    pub asset_id: AssetId,
    /// Title.
    pub title: String,
}

/// How alike (Sørensen–Dice over letter pairs of title and summary) two lessons must be
/// to be folded together: repeated write-ups of one event, such as the same review
/// held at several sites, differ in a word or two.
const ALIKE_AT: f64 = 0.8;

/// How much of the project's title and subjects a knowledge asset must hold, or the
/// project's whole text of the asset's title, to be shown: a word in common is not enough.
const RELEVANT_AT: f32 = 0.4;

/// Folds each hit into the first earlier one it nearly repeats.
fn fold_alike(hits: Vec<SearchHit>) -> Vec<(SearchHit, Vec<AlikeLesson>)> {
    let text = |h: &SearchHit| format!("{} {}", h.title, h.summary).to_lowercase();
    let mut kept: Vec<(SearchHit, String, Vec<AlikeLesson>)> = Vec::new();
    for h in hits {
        let t = text(&h);
        match kept.iter_mut().find(|(_, k, _)| strsim::sorensen_dice(k, &t) >= ALIKE_AT) {
            Some((_, _, alike)) => alike.push(AlikeLesson { asset_id: h.id, title: h.title }),
            None => kept.push((h, t, Vec::new())),
        }
    }
    kept.into_iter().map(|(h, _, alike)| (h, alike)).collect()
}

/// A person who worked on similar things.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SuggestedPerson {
    /// Who.
    pub user: User,
    /// Why they are suggested.
    pub reasons: Vec<String>,
}

/// What the loop shows for a project.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Suggestions {
    /// Past lessons, most relevant first.
    pub lessons: Vec<Suggested>,
    /// Other knowledge assets.
    pub assets: Vec<Suggested>,
    /// People to talk to.
    pub people: Vec<SuggestedPerson>,
}

/// A person's verdict on a surfaced item.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MarkInput {
    /// The asset surfaced.
    pub asset_id: AssetId,
    /// Useful or not.
    pub useful: bool,
}

/// What the loop searches with: the project's title, tags and description, cut to a
/// query's length. Words such as "our own" are left out: every word of the query can
/// match, and a rare one that only says how the description was written ("our own
/// workforce") would bring up whatever else says "own".
pub fn loop_query(project: &Project) -> String {
    let text = format!("{} {} {}", project.title, project.tags.join(" "), project.description);
    let words: Vec<&str> = text
        .split_whitespace()
        .filter(|w| !FUNCTION_WORDS.contains(&w.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase().as_str()))
        .collect();
    words.join(" ").chars().take(MAX_QUERY).collect()
}

/// Re-ranks by position, lifted by up to three net useful marks and lowered by up to three net not-useful ones.
fn rerank(hits: Vec<SearchHit>, usefulness: &HashMap<AssetId, i64>) -> Vec<SearchHit> {
    let mut ranked: Vec<(f64, SearchHit)> = hits
        .into_iter()
        .enumerate()
        .map(|(i, h)| (i as f64 - 1.5 * usefulness.get(&h.id).copied().unwrap_or(0).clamp(-3, 3) as f64, h))
        .collect();
    ranked.sort_by(|a, b| a.0.total_cmp(&b.0));
    ranked.into_iter().map(|(_, h)| h).collect()
}

impl Signpost {
    pub(crate) async fn loop_search(&self, actor: &Actor, query: &str, kinds: Vec<AssetKind>) -> Result<Vec<SearchHit>, ServiceError> {
        let request =
            SearchRequest { query: query.to_string(), kinds, statuses: vec![Status::Published], limit: POOL, ..SearchRequest::default() };
        Ok(self.search(actor, request).await?.hits)
    }

    /// The past lessons, assets and people most relevant to a project, as the actor may see them.
    pub async fn project_suggestions(&self, actor: &Actor, id: ProjectId) -> Result<Suggestions, ServiceError> {
        let project = self.project(actor, id).await?;
        let query = loop_query(&project);
        let usefulness: HashMap<AssetId, i64> = self.store.usefulness().await?.into_iter().collect();
        let mine: HashMap<AssetId, bool> =
            self.store.marks(id).await?.into_iter().filter(|m| m.user_id == actor.user_id).map(|m| (m.asset_id, m.useful)).collect();
        let lesson_hits = self.loop_search(actor, &query, vec![AssetKind::Lesson]).await?;
        let others: Vec<AssetKind> = AssetKind::ALL.into_iter().filter(|k| *k != AssetKind::Lesson).collect();
        let asset_hits = self.loop_search(actor, &query, others).await?;
        // Only the records and projects of what was found are read, however large the history.
        let ids: Vec<AssetId> = lesson_hits.iter().map(|h| h.id).collect();
        let mut origin: HashMap<AssetId, (ProjectId, String)> = HashMap::new();
        let mut titles: HashMap<ProjectId, String> = HashMap::new();
        let mut own_lessons = Vec::new();
        for record in self.store.lesson_records(Some(&ids)).await? {
            match record.project_id {
                Some(p) if p == id => own_lessons.push(record.asset_id),
                Some(p) => {
                    if let Entry::Vacant(slot) = titles.entry(p) {
                        slot.insert(self.store.project(p).await?.title);
                    }
                    origin.insert(record.asset_id, (p, titles[&p].clone()));
                }
                None => {}
            }
        }
        let lesson_hits = lesson_hits.into_iter().filter(|h| !own_lessons.contains(&h.id)).collect();
        let asset_hits = self.relevant(&project, asset_hits).await?;
        let suggested = |hits: Vec<SearchHit>| -> Vec<Suggested> {
            fold_alike(rerank(hits, &usefulness))
                .into_iter()
                .take(SHOWN)
                .map(|(h, alike)| {
                    let (project_id, project_title) = origin.get(&h.id).cloned().unzip();
                    Suggested {
                        asset_id: h.id,
                        kind: h.kind,
                        owner_id: h.owner_id,
                        project_id,
                        project_title,
                        net_useful: usefulness.get(&h.id).copied().unwrap_or(0),
                        marked: mine.get(&h.id).copied(),
                        alike,
                        title: h.title,
                        summary: h.summary,
                    }
                })
                .collect()
        };
        let lessons = suggested(lesson_hits);
        let assets = suggested(asset_hits);
        let people = self.people_for(actor, &lessons, &assets).await?;
        Ok(Suggestions { lessons, assets, people })
    }

    /// The hits that are about the project, judged both ways by the search engine's word weights.
    async fn relevant(&self, project: &Project, hits: Vec<SearchHit>) -> Result<Vec<SearchHit>, ServiceError> {
        let core = format!("{} {}", project.title, project.tags.join(" "));
        let whole = loop_query(project);
        let texts: Vec<String> = hits.iter().map(|h| format!("{}\n{}", h.title, h.summary)).collect();
        let titles: Vec<String> = hits.iter().map(|h| h.title.clone()).collect();
        let core_in_hit = self.match_texts(&core, texts).await?;
        let title_in_project = self.match_each(titles, &whole).await?;
        Ok(hits
            .into_iter()
            .zip(core_in_hit.iter().zip(&title_in_project))
            .filter(|(_, (a, b))| a.score.max(b.score) >= RELEVANT_AT)
            .map(|(h, _)| h)
            .collect())
    }

    /// The people behind the surfaced items: who wrote them, and who ran or attended sessions on their projects.
    async fn people_for(&self, actor: &Actor, lessons: &[Suggested], assets: &[Suggested]) -> Result<Vec<SuggestedPerson>, ServiceError> {
        let mut reasons: Vec<(UserId, Vec<String>)> = Vec::new();
        let mut add = |who: UserId, why: String| {
            if who == actor.user_id {
                return;
            }
            match reasons.iter_mut().find(|(u, _)| *u == who) {
                Some((_, r)) if !r.contains(&why) => r.push(why),
                Some(_) => {}
                None => reasons.push((who, vec![why])),
            }
        };
        let mut projects_seen = Vec::new();
        for item in lessons.iter().chain(assets) {
            add(item.owner_id, format!("wrote \u{201c}{}\u{201d}", item.title));
            if let (Some(p), Some(title)) = (item.project_id, &item.project_title)
                && !projects_seen.contains(&p)
            {
                projects_seen.push(p);
                for s in self.store.learning_sessions(Some(p)).await? {
                    for who in s.participants.iter().chain(s.facilitator_id.as_ref()) {
                        add(*who, format!("worked on \u{201c}{title}\u{201d}"));
                    }
                }
            }
        }
        reasons.sort_by_key(|r| std::cmp::Reverse(r.1.len()));
        let mut people = Vec::new();
        for (id, reasons) in reasons.into_iter().take(SHOWN) {
            people.push(SuggestedPerson { user: self.store.user(id).await?, reasons });
        }
        Ok(people)
    }

    /// Records whether a surfaced item helped with this project.
    pub async fn mark_suggestion(&self, actor: &Actor, project_id: ProjectId, mark: MarkInput) -> Result<(), ServiceError> {
        self.project(actor, project_id).await?;
        policy::ensure_can_contribute(actor)?;
        let visible = match self.store.asset(mark.asset_id).await {
            Ok(asset) => policy::can_view(actor, &asset),
            Err(signpost_domain::StoreError::NotFound) => false,
            Err(e) => return Err(e.into()),
        };
        if !visible {
            return Err(ServiceError::invalid("asset_id", "there is no such asset you can see"));
        }
        self.store.mark(&UsefulMark { project_id, asset_id: mark.asset_id, user_id: actor.user_id, useful: mark.useful }).await?;
        Ok(())
    }
}
