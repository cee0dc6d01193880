//! The programme report for a period: a page with charts, CSV and XLSX downloads,
//! and a printable version laid out for the Quality and Improvement Outcomes
//! Framework's outcomes 2 and 6 and as ISO 30401 evidence.
use axum::http::header;
use chrono::{Duration, NaiveDate, Utc};
use serde::Deserialize;
use signpost_domain::impact::ImpactKind;
use signpost_services::report::{OUTCOME_2, ProgrammeReport};

use crate::pages::charts::{BarChart, Bars, Series};
use crate::pages::prelude::*;

/// This area's pages and forms.
pub fn routes() -> Pages {
    Pages::new().page("/reports", show).page("/reports/print", print).page("/reports/report.csv", csv).page("/reports/report.xlsx", xlsx)
}

/// The period, as typed.
#[derive(Debug, Deserialize)]
pub struct Period {
    /// First day, `YYYY-MM-DD`; a year ago by default.
    pub from: Option<String>,
    /// Last day; today by default.
    pub to: Option<String>,
}

impl Period {
    fn texts(&self) -> (String, String) {
        let today = Utc::now().date_naive();
        let from = self.from.clone().filter(|f| !f.trim().is_empty()).unwrap_or_else(|| (today - Duration::days(365)).to_string());
        let to = self.to.clone().filter(|t| !t.trim().is_empty()).unwrap_or_else(|| today.to_string());
        (from, to)
    }

    fn dates(&self) -> Result<(NaiveDate, NaiveDate), Errors> {
        let (from, to) = self.texts();
        let parse = |t: &str| signpost_services::validate::read_date(t);
        let mut errors = Vec::new();
        let (f, t) = (parse(&from), parse(&to));
        if f.is_none() {
            errors.push(("from".to_string(), "Enter the first day as a date like 2026-04-01".to_string()));
        }
        if t.is_none() {
            errors.push(("to".to_string(), "Enter the last day as a date like 2027-03-31".to_string()));
        }
        match (f, t) {
            (Some(f), Some(t)) if f <= t => Ok((f, t)),
            (Some(_), Some(_)) => Err(vec![("to".to_string(), "The last day comes before the first".to_string())]),
            _ => Err(errors),
        }
    }

    fn query(&self) -> String {
        let (from, to) = self.texts();
        format!("from={}&to={}", from.trim(), to.trim())
    }
}

async fn report(s: &AppState, actor: &Actor, period: &Period) -> Result<Result<ProgrammeReport, Errors>, PageError> {
    match period.dates() {
        Ok((from, to)) => Ok(Ok(s.app.programme_report(actor, from, to).await?)),
        Err(errors) => Ok(Err(errors)),
    }
}

fn kpi_chart(r: &ProgrammeReport) -> Markup {
    let chart = BarChart {
        id: "kpis",
        title: "Activity by month",
        summary: format!(
            "Learning sessions held and knowledge assets created each month from {} to {}: {} sessions and {} assets in all.",
            r.from, r.to, r.sessions, r.assets_created
        ),
        labels: r.kpis.iter().map(|k| k.month.clone()).collect(),
        series: vec![
            Series { name: "Sessions", colour: "#005eb8", values: r.kpis.iter().map(|k| k.sessions as i64).collect() },
            Series { name: "Assets created", colour: "#007f3b", values: r.kpis.iter().map(|k| k.assets_created as i64).collect() },
        ],
        // Sessions and assets are different things: side by side, never one stack.
        bars: Bars::Grouped,
    };
    chart.render()
}

/// The impact statements; `site` ("" on screen) makes their links whole for paper.
fn impact_list(r: &ProgrammeReport, site: &str) -> Markup {
    html! {
        @if r.impacts.is_empty() { p { "No impact statements in this period." } }
        @for i in &r.impacts {
            div class="nhsuk-inset-text" {
                p { strong { (i.statement.kind.label()) ": " } "\u{201c}" (i.statement.quote) "\u{201d}" }
                p class="nhsuk-body-s" {
                    (i.statement.attributed_to) @if !i.statement.role.is_empty() { ", " (i.statement.role) }
                    " (" (i.statement.stakeholder.as_str()) "), " (long_date(i.statement.said_on)) ", about "
                    @if i.link.is_empty() { (i.subject_title) } @else { a href={ (site) (i.link) } { (i.subject_title) } }
                }
                @if !i.statement.decision.is_empty() { p class="nhsuk-body-s" { "Decision informed: " (i.statement.decision) } }
            }
        }
    }
}

fn table(caption: &str, head: &[&str], rows: Vec<Vec<String>>) -> Markup {
    html! {
        table class="nhsuk-table" {
            caption class="nhsuk-table__caption" { (caption) }
            thead class="nhsuk-table__head" { tr { @for h in head { th scope="col" { (h) } } } }
            tbody class="nhsuk-table__body" {
                @if rows.is_empty() { tr class="nhsuk-table__row" { td class="nhsuk-table__cell" colspan=(head.len()) { "None in this period." } } }
                @for row in rows { tr class="nhsuk-table__row" { @for c in row { td class="nhsuk-table__cell" { (c) } } } }
            }
        }
    }
}

fn sections(r: &ProgrammeReport) -> Markup {
    html! {
        dl class="nhsuk-summary-list" id="summary" {
            @for (k, v) in r.summary() {
                div class="nhsuk-summary-list__row" { dt class="nhsuk-summary-list__key" { (k) } dd class="nhsuk-summary-list__value" { (v) } }
            }
        }
        (table("Activities by technique and team", &["Technique", "Team", "Sessions"], r.activities.iter().map(|a| vec![a.technique.clone(), a.team.clone(), a.sessions.to_string()]).collect()))
        (table("Contributors recognised by reuse", &["Person", "Assets reused", "Times reused"], r.contributors.iter().map(|c| vec![c.name.clone(), c.assets.to_string(), c.reuse.to_string()]).collect()))
        h2 { "Current awareness" }
        @let a = &r.awareness;
        p { (a.subscribers) " people follow saved searches. In the period " (a.digests) " digests listed " (a.items_delivered) " items, reaching "
            (a.reached) " of " (a.members) " members (" (format!("{:.0}%", a.reach * 100.0)) "); " (a.opens) " links in them were opened." }
        (table("Most followed", &["Topic or words", "Saved searches"], a.most_followed.iter().map(|t| vec![t.term.clone(), t.searches.to_string()]).collect()))
        h2 { "Evidence searches" }
        @let e = &r.evidence;
        dl class="nhsuk-summary-list" id="evidence" {
            @for (k, v) in [
                ("Requests received", e.received.to_string()),
                ("Requests delivered", format!("{} ({} by the date asked for)", e.delivered, e.on_time)),
                ("Median turnaround", e.median_turnaround_days.map(|d| format!("{d:.1} days")).unwrap_or_else(|| "none delivered".into())),
                ("Requests that built on an earlier search", e.reused.to_string()),
                ("Database searches run", e.searches.to_string()),
                ("Follow-ups answered", format!("{} of {} sent; each answer is one of the impact statements in this report", e.follow_ups_answered, e.follow_ups_asked)),
            ] {
                div class="nhsuk-summary-list__row" { dt class="nhsuk-summary-list__key" { (k) } dd class="nhsuk-summary-list__value" { (v) } }
            }
        }
        (table("Randomised coffee trials", &["Programme", "Rounds", "Pairs", "Met", "New connections", "Would do again"], r.coffee.iter().map(|c| vec![
            c.programme.clone(), c.rounds.to_string(), c.groups.to_string(),
            format!("{:.0}%", c.met_share * 100.0), format!("{:.0}%", c.new_connection_share * 100.0), format!("{:.0}%", c.again_share * 100.0),
        ]).collect()))
    }
}

/// `GET /reports?from=&to=`.
pub async fn show(SignedIn(s, actor, viewer): SignedIn, PageQuery(period): PageQuery<Period>) -> PageResult {
    let (from, to) = period.texts();
    let result = report(&s, &actor, &period).await?;
    let errors = result.as_ref().err().cloned().unwrap_or_default();
    let q = period.query();
    let body = html! {
        (error_summary(&errors))
        h1 { "Programme report" }
        p { "What knowledge mobilisation did in a period and what difference it made, for the board, the Quality and Improvement Outcomes Framework and ISO 30401 evidence." }
        p { "See also " a href="/maturity" { "teams' maturity self-assessments" } ", " a href="/showcase" { "the stories showcase" } " and " a href="/risks" { "knowledge at risk" } "." }
        form method="get" action="/reports" novalidate {
            div class="signpost-inline-fields" {
                (Field::new("from", "From").hint("For example, 1/4/2026 or 2026-04-01").errors(&errors).input("text", &from))
                (Field::new("to", "To").hint("For example, 31/3/2027 or 2027-03-31").errors(&errors).input("text", &to))
            }
            button class="nhsuk-button nhsuk-button--secondary" type="submit" { "Show the period" }
        }
        @if let Ok(r) = &result {
            div class="nhsuk-button-group" {
                a class="nhsuk-button" href={ "/reports/print?" (q) } { "Printable report" }
                a class="nhsuk-button nhsuk-button--secondary" href={ "/reports/report.csv?" (q) } download { "Download CSV" }
                a class="nhsuk-button nhsuk-button--secondary" href={ "/reports/report.xlsx?" (q) } download { "Download XLSX" }
            }
            (kpi_chart(r))
            (sections(r))
            h2 { "Impact" }
            p { @for (k, n) in ImpactKind::ALL.iter().zip(&r.impact_counts) { (k.label()) ": " strong { (n) } ". " } }
            (impact_list(r, ""))
        }
    };
    Ok(page("Programme report", Some(&viewer), "", body).into_response())
}

fn period_error(errors: Errors) -> PageError {
    let list = errors.into_iter().map(|(f, m)| signpost_domain::FieldError::new(f, m)).collect();
    ServiceError::Invalid(list).into()
}

/// `GET /reports/report.csv`.
pub async fn csv(SignedIn(s, actor, _): SignedIn, PageQuery(period): PageQuery<Period>) -> PageResult {
    let r = report(&s, &actor, &period).await?.map_err(period_error)?;
    let name = format!("attachment; filename=\"programme-report-{}-{}.csv\"", r.from, r.to);
    Ok(([(header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()), (header::CONTENT_DISPOSITION, name)], r.csv()?).into_response())
}

/// `GET /reports/report.xlsx`.
pub async fn xlsx(SignedIn(s, actor, _): SignedIn, PageQuery(period): PageQuery<Period>) -> PageResult {
    let r = report(&s, &actor, &period).await?.map_err(period_error)?;
    let name = format!("attachment; filename=\"programme-report-{}-{}.xlsx\"", r.from, r.to);
    let kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string();
    Ok(([(header::CONTENT_TYPE, kind), (header::CONTENT_DISPOSITION, name)], r.xlsx()?).into_response())
}

/// `GET /reports/print`: laid out for outcomes 2 and 6 and as ISO 30401 evidence.
/// Paper has no address bar: it names the organisation, who printed it and when, and
/// its links are whole, printed after their text.
pub async fn print(
    SignedIn(s, actor, viewer): SignedIn,
    PageQuery(period): PageQuery<Period>,
    headers: axum::http::HeaderMap,
) -> PageResult {
    let r = report(&s, &actor, &period).await?.map_err(period_error)?;
    let site = s.site_url(&headers);
    let organisation = s
        .app
        .teams(&actor)
        .await?
        .into_iter()
        .find(|t| t.kind == signpost_domain::people::TeamKind::Organisation)
        .map(|t| t.name)
        .unwrap_or_default();
    let title = format!("Knowledge mobilisation report, {} to {}", long_date(r.from), long_date(r.to));
    let body = html! {
        div class="signpost-print" {
        @if !organisation.is_empty() { span class="nhsuk-caption-l" id="organisation" { (organisation) } }
        h1 { (title) }
        p class="nhsuk-body-s" id="printed" { "Prepared by " (viewer.user.name) " on " (long_date(Utc::now().date_naive())) " from Signpost at " a href={ (site) "/reports" } { (site) "/reports" } "." }
        h2 id="outcome-2" { "Outcome 2: working with stakeholders" }
        p { "The Quality and Improvement Outcomes Framework's levels for outcome 2, with the level this period's evidence supports in Signpost's reading (sessions held, and the seniority of those quoted and the decisions they say were informed)." }
        ol id="outcome-2-levels" {
            @for (i, text) in OUTCOME_2.iter().enumerate() {
                li { (text) @if i + 1 == r.outcome_2_level { " " strong class="nhsuk-tag" { "Evidence supports this level" } } }
            }
        }
        (table("Activities by technique and team", &["Technique", "Team", "Sessions"], r.activities.iter().map(|a| vec![a.technique.clone(), a.team.clone(), a.sessions.to_string()]).collect()))
        (table("Decisions informed", &["Decision", "Who", "Level"], r.impacts.iter().filter(|i| i.statement.kind == ImpactKind::InfluencedDecision).map(|i| vec![
            i.statement.decision.clone(), i.statement.attributed_to.clone(), label(i.statement.stakeholder.as_str()),
        ]).collect()))
        h2 id="outcome-6" { "Outcome 6: impact" }
        p { @for (k, n) in ImpactKind::ALL.iter().zip(&r.impact_counts) { (k.label()) ": " strong { (n) } ". " } }
        (impact_list(&r, &site))
        h2 id="iso-30401" { "ISO 30401 evidence" }
        (table("Critical knowledge register", &["Area", "Team", "Held by", "Risk"], r.critical.iter().map(|c| vec![c.topic.clone(), c.team.clone(), c.holders.clone(), c.risk.clone()]).collect()))
        (table("Records of knowledge conveyance", &["Record", "Count"], vec![
            vec!["Learning sessions held".into(), r.sessions.to_string()],
            vec!["Answers given in communities of practice".into(), r.answers.to_string()],
            vec!["Knowledge assets verified".into(), r.assets_verified.to_string()],
            vec!["Handover notes stored from leavers".into(), r.handover_notes.to_string()],
            vec!["Actions closed".into(), r.actions_closed.to_string()],
        ]))
        (table("KPIs over time", &["Month", "Sessions", "Assets created", "Actions closed", "Impact statements"], r.kpis.iter().map(|k| vec![
            k.month.clone(), k.sessions.to_string(), k.assets_created.to_string(), k.actions_closed.to_string(), k.impacts.to_string(),
        ]).collect()))
        }
    };
    Ok(page(&title, Some(&viewer), "", body).into_response())
}
