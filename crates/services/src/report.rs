//! The programme report for a period: what knowledge mobilisation did (activities by
//! technique and team, knowledge created, verified, secured and reused, actions closed,
//! coffee trials) and what difference it made (impact statements, decisions informed,
//! the stakeholder level reached), with KPIs by month and the critical knowledge
//! register, as figures for a page, CSV and XLSX.
use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, NaiveDate, Utc};
use serde::Serialize;
use signpost_domain::fields::AssetKind;
use signpost_domain::impact::{ImpactKind, ImpactSubject, StakeholderLevel};
use signpost_domain::learning::{ActionFilter, ProjectStage};
use signpost_domain::people::Actor;
use signpost_domain::{FieldError, UserId};
use utoipa::ToSchema;

use crate::impact::ImpactView;
use crate::{ServiceError, Signpost, policy};
use signpost_domain::ids::{AssetId, ProjectId, TeamId};

/// The Quality and Improvement Outcomes Framework's outcome 2 levels (2019 edition).
pub const OUTCOME_2: [&str; 4] = [
    "Plans to support at least one team with knowledge needs",
    "Working with at least one team using knowledge management tools and techniques",
    "Routinely working with senior stakeholders; some board decisions influenced",
    "The board routinely uses the service; innovative practice",
];

/// Sessions of one technique for one team.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Activity {
    /// The technique's name.
    pub technique: String,
    /// The team (the session's project's), or "Across teams".
    pub team: String,
    /// Sessions held.
    pub sessions: usize,
}

/// One month's key figures.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct KpiMonth {
    /// `YYYY-MM`.
    pub month: String,
    /// Learning sessions held.
    pub sessions: usize,
    /// Assets created.
    pub assets_created: usize,
    /// Actions closed.
    pub actions_closed: usize,
    /// Impact statements said.
    pub impacts: usize,
}

/// A coffee programme's rounds in the period.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CoffeeOutcome {
    /// The programme.
    pub programme: String,
    /// Rounds held.
    pub rounds: usize,
    /// Pairs and trios introduced.
    pub groups: usize,
    /// Feedback forms returned.
    pub responses: usize,
    /// Share of responses that met (0 to 1).
    pub met_share: f64,
    /// Share of meetings between people who had not met before.
    pub new_connection_share: f64,
    /// Share who would do it again.
    pub again_share: f64,
}

/// Someone whose knowledge was reused.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Contributor {
    /// Who.
    pub name: String,
    /// Times their assets were marked useful on projects or said to be used or to have changed practice.
    pub reuse: i64,
    /// How many of their assets were reused.
    pub assets: usize,
}

/// An entry of the critical knowledge register, for ISO 30401 evidence.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CriticalRow {
    /// The area.
    pub topic: String,
    /// Its team.
    pub team: String,
    /// Its holders' names.
    pub holders: String,
    /// Its derived risk in words.
    pub risk: String,
}

/// The programme report.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProgrammeReport {
    /// First day.
    pub from: NaiveDate,
    /// Last day.
    pub to: NaiveDate,
    /// Sessions by technique and team, most first.
    pub activities: Vec<Activity>,
    /// Sessions held.
    pub sessions: usize,
    /// Answers given in communities of practice.
    pub answers: usize,
    /// Assets created.
    pub assets_created: usize,
    /// Assets verified.
    pub assets_verified: usize,
    /// Published assets overdue for review now.
    pub assets_overdue: usize,
    /// Handover notes stored from leavers' plans.
    pub handover_notes: usize,
    /// Leavers' plans closed.
    pub plans_closed: usize,
    /// Actions closed.
    pub actions_closed: usize,
    /// Impact statements said in the period, newest first.
    pub impacts: Vec<ImpactView>,
    /// How many of each kind, in [`ImpactKind::ALL`] order.
    pub impact_counts: Vec<usize>,
    /// The most senior stakeholder quoted.
    pub stakeholder_level: Option<StakeholderLevel>,
    /// The outcome 2 level the evidence supports (0 when none), with [`OUTCOME_2`] for the words.
    pub outcome_2_level: usize,
    /// Coffee trials.
    pub coffee: Vec<CoffeeOutcome>,
    /// Contributors recognised by reuse, most reused first.
    pub contributors: Vec<Contributor>,
    /// Key figures by month.
    pub kpis: Vec<KpiMonth>,
    /// The critical knowledge register.
    pub critical: Vec<CriticalRow>,
    /// Current awareness: subscribers, what digests delivered, reach and opens.
    pub awareness: crate::awareness::AwarenessFigures,
    /// The evidence service: requests received and delivered, turnaround, reuse, follow-ups.
    pub evidence: crate::evidence::EvidenceFigures,
}

/// Ten years: long enough for any programme's story, short enough to chart by month.
const MAX_PERIOD_DAYS: i64 = 3653;

fn share(n: usize, of: usize) -> f64 {
    if of == 0 { 0.0 } else { n as f64 / of as f64 }
}

fn months(from: NaiveDate, to: NaiveDate) -> Vec<String> {
    let mut out = Vec::new();
    let mut d = from.with_day0(0).unwrap_or(from);
    while d <= to {
        out.push(d.format("%Y-%m").to_string());
        match d.checked_add_months(chrono::Months::new(1)) {
            Some(next) => d = next,
            None => break,
        }
    }
    out
}

impl Signpost {
    /// The report for `from` to `to` inclusive (knowledge specialists and admins).
    pub async fn programme_report(&self, actor: &Actor, from: NaiveDate, to: NaiveDate) -> Result<ProgrammeReport, ServiceError> {
        policy::ensure_specialist(actor)?;
        if to < from {
            return Err(ServiceError::Invalid(vec![FieldError::new("to", "the end comes before the start")]));
        }
        if (to - from).num_days() > MAX_PERIOD_DAYS {
            return Err(ServiceError::Invalid(vec![FieldError::new("to", "a report covers ten years at most")]));
        }
        let within = |d: NaiveDate| (from..=to).contains(&d);
        let month_keys = months(from, to);
        let mut kpis: BTreeMap<String, KpiMonth> = month_keys
            .iter()
            .map(|m| (m.clone(), KpiMonth { month: m.clone(), sessions: 0, assets_created: 0, actions_closed: 0, impacts: 0 }))
            .collect();
        let month = |d: NaiveDate| d.format("%Y-%m").to_string();
        let teams: HashMap<TeamId, String> = self.store.teams().await?.into_iter().map(|t| (t.id, t.name)).collect();
        let people = self.people_by_id().await?;
        let techniques: HashMap<String, String> = self.techniques(actor).await?.into_iter().map(|t| (t.key, t.name)).collect();
        let projects: HashMap<ProjectId, signpost_domain::learning::Project> =
            self.store.projects().await?.into_iter().map(|p| (p.id, p)).collect();

        let sessions: Vec<_> = self.store.learning_sessions(None).await?.into_iter().filter(|s| within(s.held_on)).collect();
        let mut by_activity: BTreeMap<(String, String), usize> = BTreeMap::new();
        for s in &sessions {
            let technique = techniques.get(&s.technique_key).cloned().unwrap_or_else(|| s.technique_key.clone());
            let team = s
                .project_id
                .and_then(|p| projects.get(&p))
                .and_then(|p| teams.get(&p.team_id))
                .cloned()
                .unwrap_or_else(|| "Across teams".into());
            *by_activity.entry((technique, team)).or_default() += 1;
            kpis.entry(month(s.held_on)).and_modify(|k| k.sessions += 1);
        }
        let mut activities: Vec<Activity> =
            by_activity.into_iter().map(|((technique, team), sessions)| Activity { technique, team, sessions }).collect();
        activities.sort_by(|a, b| b.sessions.cmp(&a.sessions).then(a.technique.cmp(&b.technique)));

        let midnight = |d: NaiveDate| d.and_time(chrono::NaiveTime::MIN).and_utc();
        let until = to.succ_opt().map_or(chrono::DateTime::<Utc>::MAX_UTC, midnight);
        // Counted by the database month by month from an index: a large organisation's
        // assets are never read into memory for a report.
        let (mut assets_created, mut handover_notes) = (0, 0);
        for kpi in kpis.values_mut() {
            let Ok(first) = NaiveDate::parse_from_str(&format!("{}-01", kpi.month), "%Y-%m-%d") else { continue };
            let end = first.checked_add_months(chrono::Months::new(1)).map_or(until, midnight).min(until);
            for (kind, n) in self.store.assets_created_by_kind(midnight(first.max(from)), end).await? {
                let n = usize::try_from(n).unwrap_or(0);
                kpi.assets_created += n;
                assets_created += n;
                if kind == AssetKind::HandoverNote {
                    handover_notes += n;
                }
            }
        }
        let assets_verified = usize::try_from(self.store.verifications_between(midnight(from), until).await?).unwrap_or(0);
        let assets_overdue = usize::try_from(self.store.published_overdue(Utc::now()).await?).unwrap_or(0);
        let plans_closed =
            self.store.leaver_plans().await?.iter().filter(|p| p.completed_at.is_some_and(|c| within(c.date_naive()))).count();

        let closed: Vec<_> = self
            .store
            .actions(&ActionFilter::default())
            .await?
            .into_iter()
            .filter(|a| a.closed_at.is_some_and(|c| within(c.date_naive())))
            .collect();
        for a in &closed {
            if let Some(c) = a.closed_at {
                kpis.entry(month(c.date_naive())).and_modify(|k| k.actions_closed += 1);
            }
        }
        let answers = self.live_answers(None).await?.iter().filter(|a| within(a.created_at.date_naive())).count();

        let statements: Vec<_> = self.store.impacts().await?.into_iter().filter(|s| within(s.said_on)).collect();
        let mut impacts = Vec::new();
        for s in &statements {
            kpis.entry(month(s.said_on)).and_modify(|k| k.impacts += 1);
            // Counted for the KPIs, but quoted only where the reader may see what it is about.
            if let Ok((subject_title, link)) = self.impact_subject(actor, s.subject).await {
                impacts.push(ImpactView { statement: s.clone(), subject_title, link });
            }
        }
        impacts.sort_by_key(|i| std::cmp::Reverse(i.statement.said_on));
        let impact_counts = ImpactKind::ALL.iter().map(|k| statements.iter().filter(|s| s.kind == *k).count()).collect();
        let stakeholder_level = statements.iter().map(|s| s.stakeholder).max();
        let senior_decision =
            statements.iter().any(|s| s.kind == ImpactKind::InfluencedDecision && s.stakeholder >= StakeholderLevel::Senior);
        let board = statements.iter().filter(|s| s.stakeholder == StakeholderLevel::Board).count();
        let planning = projects.values().any(|p| p.stage == ProjectStage::Planning);
        let outcome_2_level = match () {
            _ if board >= 3 && senior_decision => 4,
            _ if senior_decision => 3,
            _ if !sessions.is_empty() => 2,
            _ if planning => 1,
            _ => 0,
        };

        let mut reuse: HashMap<UserId, (i64, usize)> = HashMap::new();
        let mut per_asset: HashMap<AssetId, i64> = self.store.usefulness().await?.into_iter().filter(|(_, n)| *n > 0).collect();
        for s in statements.iter().filter(|s| s.kind != ImpactKind::InfluencedDecision) {
            if let ImpactSubject::Asset(id) = s.subject {
                *per_asset.entry(id).or_default() += 1;
            }
        }
        let reused: Vec<AssetId> = per_asset.keys().copied().collect();
        let owner: HashMap<AssetId, UserId> = self.store.asset_owners(&reused).await?.into_iter().collect();
        for (asset, n) in per_asset {
            if let Some(o) = owner.get(&asset) {
                let e = reuse.entry(*o).or_default();
                e.0 += n;
                e.1 += 1;
            }
        }
        let mut contributors: Vec<Contributor> = reuse
            .into_iter()
            .map(|(u, (reuse, assets))| Contributor { name: people.get(&u).map(|p| p.name.clone()).unwrap_or_default(), reuse, assets })
            .collect();
        contributors.sort_by(|a, b| b.reuse.cmp(&a.reuse).then(a.name.cmp(&b.name)));

        let mut coffee = Vec::new();
        for p in self.store.programmes().await? {
            let rounds: Vec<_> = self.store.rounds(p.id).await?.into_iter().filter(|r| within(r.held_on)).collect();
            if rounds.is_empty() {
                continue;
            }
            let ids: Vec<i64> = rounds.iter().map(|r| r.id).collect();
            let feedback: Vec<_> = self.store.feedback(p.id).await?.into_iter().filter(|f| ids.contains(&f.round_id)).collect();
            let met = feedback.iter().filter(|f| f.met).count();
            coffee.push(CoffeeOutcome {
                programme: p.name.clone(),
                rounds: rounds.len(),
                groups: rounds.iter().map(|r| r.groups.len()).sum(),
                responses: feedback.len(),
                met_share: share(met, feedback.len()),
                new_connection_share: share(feedback.iter().filter(|f| f.met && !f.met_before).count(), met),
                again_share: share(feedback.iter().filter(|f| f.again).count(), feedback.len()),
            });
        }

        let critical = self
            .risk_register(actor)
            .await?
            .entries
            .into_iter()
            .map(|e| CriticalRow {
                topic: e.area.topic,
                team: e.team,
                holders: e.holders.iter().map(|h| h.name.clone()).collect::<Vec<_>>().join(", "),
                risk: format!("{:?} ({})", e.risk.level, e.explanation.join("; ")),
            })
            .collect();

        let start = from.and_hms_opt(0, 0, 0).map(|t| t.and_utc()).unwrap_or_default();
        let end = to.succ_opt().and_then(|d| d.and_hms_opt(0, 0, 0)).map(|t| t.and_utc()).unwrap_or_default();
        let awareness = self.awareness_figures(start, end).await?;
        let evidence = self.evidence_figures(start, end).await?;
        Ok(ProgrammeReport {
            awareness,
            evidence,
            from,
            to,
            activities,
            sessions: sessions.len(),
            answers,
            assets_created,
            assets_verified,
            assets_overdue,
            handover_notes,
            plans_closed,
            actions_closed: closed.len(),
            impacts,
            impact_counts,
            stakeholder_level,
            outcome_2_level,
            coffee,
            contributors,
            kpis: kpis.into_values().collect(),
            critical,
        })
    }
}

impl ProgrammeReport {
    /// The headline figures as (label, value).
    pub fn summary(&self) -> Vec<(&'static str, String)> {
        vec![
            ("Learning sessions held", self.sessions.to_string()),
            ("Answers given in communities", self.answers.to_string()),
            ("Knowledge assets created", self.assets_created.to_string()),
            ("Knowledge assets verified", self.assets_verified.to_string()),
            ("Published assets overdue for review now", self.assets_overdue.to_string()),
            ("Handover notes stored", self.handover_notes.to_string()),
            ("Leavers' plans closed", self.plans_closed.to_string()),
            ("Actions closed", self.actions_closed.to_string()),
            ("Impact statements", self.impacts.len().to_string()),
            ("Decisions informed", self.impact_counts.get(2).copied().unwrap_or(0).to_string()),
            ("Most senior stakeholder quoted", self.stakeholder_level.map(|l| l.as_str().to_string()).unwrap_or_else(|| "none".into())),
            ("Outcome 2 level the evidence supports", self.outcome_2_level.to_string()),
        ]
    }

    /// Every figure as rows of (section, item, detail, value), for CSV.
    pub fn rows(&self) -> Vec<[String; 4]> {
        let mut out: Vec<[String; 4]> = vec![["Period".into(), self.from.to_string(), self.to.to_string(), String::new()]];
        out.extend(self.summary().into_iter().map(|(k, v)| ["Summary".into(), k.into(), String::new(), v]));
        out.extend(self.activities.iter().map(|a| ["Activities".into(), a.technique.clone(), a.team.clone(), a.sessions.to_string()]));
        for k in &self.kpis {
            for (name, v) in [
                ("Sessions", k.sessions),
                ("Assets created", k.assets_created),
                ("Actions closed", k.actions_closed),
                ("Impact statements", k.impacts),
            ] {
                out.push(["KPIs".into(), k.month.clone(), name.into(), v.to_string()]);
            }
        }
        out.extend(self.impacts.iter().map(|i| {
            let who = format!("{}, {} ({})", i.statement.attributed_to, i.statement.role, i.statement.stakeholder.as_str());
            ["Impact".into(), i.statement.kind.label().into(), format!("{} — {}", i.subject_title, who), i.statement.quote.clone()]
        }));
        out.extend(
            self.contributors.iter().map(|c| ["Contributors".into(), c.name.clone(), format!("{} assets", c.assets), c.reuse.to_string()]),
        );
        out.extend(self.coffee.iter().map(|c| {
            let detail = format!("{} rounds, {} groups, {} responses", c.rounds, c.groups, c.responses);
            ["Coffee".into(), c.programme.clone(), detail, format!("{:.0}% met", c.met_share * 100.0)]
        }));
        let a = &self.awareness;
        for (item, value) in [
            ("Subscribers (people with a saved search not paused)", a.subscribers.to_string()),
            ("Digests emailed", a.digests.to_string()),
            ("Items delivered", a.items_delivered.to_string()),
            ("Members reached (sent at least one item)", format!("{} of {}", a.reached, a.members)),
            ("Reach", format!("{:.0}%", a.reach * 100.0)),
            ("Links opened from digests", a.opens.to_string()),
        ] {
            out.push(["Current awareness".into(), item.into(), String::new(), value]);
        }
        out.extend(
            a.most_followed.iter().map(|t| ["Current awareness".into(), "Most followed".into(), t.term.clone(), t.searches.to_string()]),
        );
        let e = &self.evidence;
        for (item, value) in [
            ("Requests received", e.received.to_string()),
            ("Requests delivered", e.delivered.to_string()),
            ("Delivered by the date asked for", e.on_time.to_string()),
            ("Median turnaround (days)", e.median_turnaround_days.map(|d| format!("{d:.1}")).unwrap_or_default()),
            ("Requests that built on an earlier search", e.reused.to_string()),
            ("Database searches run", e.searches.to_string()),
            ("Follow-ups sent", e.follow_ups_asked.to_string()),
            ("Follow-ups answered (impact statements)", e.follow_ups_answered.to_string()),
        ] {
            out.push(["Evidence searches".into(), item.into(), String::new(), value]);
        }
        out.extend(
            self.critical
                .iter()
                .map(|c| ["Critical knowledge".into(), c.topic.clone(), format!("{}; held by {}", c.team, c.holders), c.risk.clone()]),
        );
        out
    }

    /// The rows as CSV with a header and a byte-order mark.
    pub fn csv(&self) -> Result<String, ServiceError> {
        crate::cells::csv_file(&["Section", "Item", "Detail", "Value"], self.rows())
    }

    /// The rows as a workbook, one sheet per section.
    pub fn xlsx(&self) -> Result<Vec<u8>, ServiceError> {
        let failed = |e: rust_xlsxwriter::XlsxError| ServiceError::caused("the workbook could not be written", e);
        let mut book = rust_xlsxwriter::Workbook::new();
        let bold = rust_xlsxwriter::Format::new().set_bold();
        let mut sections: Vec<(String, Vec<[String; 4]>)> = Vec::new();
        for row in self.rows() {
            match sections.last_mut() {
                Some((name, rows)) if *name == row[0] => rows.push(row),
                _ => sections.push((row[0].clone(), vec![row])),
            }
        }
        for (name, rows) in sections {
            let sheet = book.add_worksheet().set_name(&name).map_err(failed)?;
            // Each sheet's own column names; a column the section never fills is left out.
            let columns: Vec<(usize, &str)> =
                sheet_columns(&name).into_iter().enumerate().filter_map(|(i, h)| h.map(|h| (i + 1, h))).collect();
            for (c, (_, h)) in columns.iter().enumerate() {
                sheet.write_string_with_format(0, c as u16, *h, &bold).map_err(failed)?;
            }
            for (r, row) in rows.iter().enumerate() {
                for (c, (i, _)) in columns.iter().enumerate() {
                    let value = &row[*i];
                    match value.parse::<f64>() {
                        Ok(n) if *i == 3 => {
                            sheet.write_number(r as u32 + 1, c as u16, n).map_err(failed)?;
                        }
                        _ => crate::cells::write_text(sheet, r as u32 + 1, c as u16, value).map_err(failed)?,
                    }
                }
            }
            sheet.autofit();
        }
        book.save_to_buffer().map_err(failed)
    }
}

/// What the item, detail and value columns of a section's rows hold, as the headers of
/// its sheet; `None` where the section leaves that column empty.
fn sheet_columns(section: &str) -> [Option<&'static str>; 3] {
    match section {
        "Period" => [Some("From"), Some("To"), None],
        "Summary" | "Evidence searches" => [Some("Measure"), None, Some("Value")],
        "Activities" => [Some("Technique"), Some("Team"), Some("Sessions")],
        "KPIs" => [Some("Month"), Some("Measure"), Some("Count")],
        "Impact" => [Some("Kind of impact"), Some("About, and who said it"), Some("Statement")],
        "Contributors" => [Some("Person"), Some("Knowledge contributed"), Some("Times reused")],
        "Coffee" => [Some("Programme"), Some("Rounds, groups and responses"), Some("Met")],
        "Current awareness" => [Some("Measure"), Some("Subject"), Some("Value")],
        "Critical knowledge" => [Some("Topic"), Some("Team and who holds it"), Some("Risk")],
        _ => [Some("Item"), Some("Detail"), Some("Value")],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_run_from_the_start_month_to_the_end_even_at_the_last_date_there_is() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        assert_eq!(months(d("2026-01-31"), d("2026-03-01")), ["2026-01", "2026-02", "2026-03"]);
        assert_eq!(months(d("2026-04-10"), d("2026-04-20")), ["2026-04"]);
        let last = NaiveDate::MAX;
        let near = last.checked_sub_days(chrono::Days::new(40)).unwrap();
        assert_eq!(months(near, last).len(), 2, "ends instead of looping when no later month exists");
    }
}
