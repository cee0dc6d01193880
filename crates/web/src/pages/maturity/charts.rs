//! The maturity diagrams, drawn on the server as SVG with a text alternative and the
//! figures as a table: the river (each team's current and target level per category),
//! the stairs (teams on the step they stand on, per category), the heatmap and trends.
use maud::{Markup, html};

use crate::pages::charts::{CHAR_W, FONT, legend, shown_labels};
use crate::pages::layout::{long_date, table_head};
use signpost_services::maturity::{MaturityOverview, TeamRow};

const PALETTE: [&str; 8] = ["#005eb8", "#007f3b", "#d5281b", "#330072", "#7c2855", "#00a499", "#425563", "#ed8b00"];
const WIDTH: f64 = 640.0;
/// Names along the bottom are turned this far, so long category names fit side by side.
const SLANT: f64 = 35.0;

/// Room on the left for the longest of `labels`, up to 40% of the drawing.
fn left_for<'a>(labels: impl Iterator<Item = &'a str>) -> f64 {
    let longest = labels.map(|l| l.chars().count()).max().unwrap_or(0) as f64;
    (longest * CHAR_W + 14.0).clamp(40.0, WIDTH * 0.4)
}

/// Room at the bottom for slanted names up to `chars` long.
fn bottom_for(chars: usize) -> f64 {
    chars as f64 * CHAR_W * SLANT.to_radians().sin() + FONT + 16.0
}

/// Room on the left so that the first of `n` slanted names (`chars` long), ending under
/// the middle of its column, does not run off the drawing.
fn left_for_slant(left: f64, chars: usize, n: usize) -> f64 {
    let slot = (WIDTH - left - 10.0) / n.max(1) as f64;
    let reach = chars as f64 * CHAR_W * SLANT.to_radians().cos() - slot / 2.0 + 4.0;
    left.max(reach).min(WIDTH * 0.5)
}

/// A category's name, slanted, ending under `x`.
fn slanted(x: f64, y: f64, name: &str) -> Markup {
    html! {
        text x=(x) y=(y) font-size=(FONT) text-anchor="end" fill="#4c6272" transform={ "rotate(-" (SLANT) " " (x) " " (y) ")" } { (name) }
    }
}

fn team_key(teams: &[TeamRow]) -> Markup {
    let items: Vec<(&str, &str)> = teams.iter().enumerate().map(|(i, t)| (t.team.as_str(), colour(i))).collect();
    legend(&items)
}

fn colour(i: usize) -> &'static str {
    PALETTE[i % PALETTE.len()]
}

fn figure(id: &str, title: &str, summary: &str, key: Markup, height: f64, svg: Markup, table: Markup) -> Markup {
    html! {
        figure class="signpost-chart" id=(id) {
            h3 class="nhsuk-heading-s" id={ (id) "-title" } { (title) }
            p class="nhsuk-body-s" id={ (id) "-desc" } { (summary) }
            (key)
            div class="signpost-chart__canvas" tabindex="0" role="group" aria-label="The chart (scroll sideways on a narrow screen)" {
                svg xmlns="http://www.w3.org/2000/svg" viewBox={ "0 0 " (WIDTH) " " (height) } width="100%" role="img"
                    aria-labelledby={ (id) "-title " (id) "-desc" } focusable="false" { (svg) }
            }
            details class="nhsuk-details" {
                summary class="nhsuk-details__summary" { span class="nhsuk-details__summary-text" { "Show the figures as a table" } }
                div class="nhsuk-details__text" { (table) }
            }
        }
    }
}

/// Team by category, "current → target".
fn levels_table(o: &MaturityOverview, caption: &str) -> Markup {
    html! {
        table class="nhsuk-table" {
            caption class="nhsuk-table__caption nhsuk-u-visually-hidden" { (caption) }
            thead class="nhsuk-table__head" { tr { th scope="col" { "Category" } @for t in &o.teams { th scope="col" { (t.team) } } } }
            tbody class="nhsuk-table__body" {
                @for c in &o.model.categories {
                    tr class="nhsuk-table__row" {
                        th scope="row" class="nhsuk-table__cell" { (c.name) }
                        @for t in &o.teams {
                            td class="nhsuk-table__cell" {
                                @if let Some(r) = t.latest.rating(&c.name) { (r.current) " → " (r.target) }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn level_labels(o: &MaturityOverview) -> Vec<String> {
    (1..=o.model.top()).map(|l| o.model.level_label(l)).collect()
}

fn y_axis(o: &MaturityOverview, left: f64, y: &dyn Fn(f64) -> f64) -> Markup {
    html! {
        @for level in 1..=o.model.top() {
            line x1=(left) x2=(WIDTH - 10.0) y1=(y(f64::from(level))) y2=(y(f64::from(level))) stroke="#d8dde0" {}
            text x=(left - 6.0) y=(y(f64::from(level)) + 5.0) font-size=(FONT) text-anchor="end" fill="#4c6272" { (o.model.level_label(level)) }
        }
    }
}

/// The river: per category (named along the bottom), each team's current level joined by a line, its target as a ring.
pub fn river(o: &MaturityOverview) -> Markup {
    let n = o.model.categories.len().max(1);
    let labels = level_labels(o);
    let first = o.model.categories.first().map_or(0, |c| c.name.chars().count());
    let left = left_for_slant(left_for(labels.iter().map(String::as_str)), first, n);
    let longest = o.model.categories.iter().map(|c| c.name.chars().count()).max().unwrap_or(0);
    let (top_pad, plot) = (12.0, 220.0);
    let height = top_pad + plot + bottom_for(longest);
    let slot = (WIDTH - left - 10.0) / n as f64;
    let x = |i: usize| left + slot * i as f64 + slot / 2.0;
    let levels = f64::from(o.model.top().max(2));
    let y = move |level: f64| top_pad + plot - (level - 1.0) / (levels - 1.0) * (plot - 20.0) - 10.0;
    let summary =
        format!("Current level (dots joined by a line) and target (rings) of {} teams in each of the {} categories.", o.teams.len(), n);
    let svg = html! {
        (y_axis(o, left, &y))
        @for (i, c) in o.model.categories.iter().enumerate() { (slanted(x(i) + 4.0, top_pad + plot + 14.0, &c.name)) }
        @for (ti, t) in o.teams.iter().enumerate() {
            @let offset = (ti as f64 - (o.teams.len() as f64 - 1.0) / 2.0) * 4.0;
            @let points: Vec<String> = o.model.categories.iter().enumerate()
                .filter_map(|(i, c)| t.latest.rating(&c.name).map(|r| format!("{:.1},{:.1}", x(i) + offset, y(f64::from(r.current)))))
                .collect();
            polyline points=(points.join(" ")) fill="none" stroke=(colour(ti)) stroke-width="2" {}
            @for (i, c) in o.model.categories.iter().enumerate() {
                @if let Some(r) = t.latest.rating(&c.name) {
                    circle cx=(x(i) + offset) cy=(y(f64::from(r.current))) r="4" fill=(colour(ti)) { title { (t.team) ", " (c.name) ": now " (r.current) } }
                    circle cx=(x(i) + offset) cy=(y(f64::from(r.target))) r="6" fill="none" stroke=(colour(ti)) stroke-width="2" { title { (t.team) ", " (c.name) ": target " (r.target) } }
                }
            }
        }
    };
    figure(
        "river",
        "River diagram: where each team is and wants to be",
        &summary,
        team_key(&o.teams),
        height,
        svg,
        levels_table(o, "Current and target level by team and category"),
    )
}

/// The heatmap: teams by category, darker where the current level is higher.
pub fn heatmap(o: &MaturityOverview) -> Markup {
    let rows = o.teams.len().max(1) as f64;
    let n = o.model.categories.len().max(1) as f64;
    let first = o.model.categories.first().map_or(0, |c| c.name.chars().count());
    let left = left_for_slant(left_for(o.teams.iter().map(|t| t.team.as_str())), first, n as usize);
    let cell_w = (WIDTH - left - 10.0) / n;
    let cell_h = 30.0;
    let longest = o.model.categories.iter().map(|c| c.name.chars().count()).max().unwrap_or(0);
    let height = rows * cell_h + bottom_for(longest);
    let top = f64::from(o.model.top().max(1));
    let fill = |level: u8| {
        let shades = ["#e8edee", "#c7dcf0", "#84b2dd", "#2f7ec7", "#005eb8", "#003087"];
        let i = ((f64::from(level) / top) * (shades.len() - 1) as f64).round() as usize;
        shades[i.min(shades.len() - 1)]
    };
    let ink = |level: u8| if f64::from(level) / top > 0.55 { "#ffffff" } else { "#212b32" };
    let summary = format!(
        "The current level of each of {} teams in each category, darker for higher levels; the table below gives the figures.",
        o.teams.len()
    );
    let svg = html! {
        @for (ti, t) in o.teams.iter().enumerate() {
            text x=(left - 6.0) y=(ti as f64 * cell_h + 20.0) font-size=(FONT) text-anchor="end" fill="#212b32" { (t.team) }
            @for (ci, c) in o.model.categories.iter().enumerate() {
                @if let Some(r) = t.latest.rating(&c.name) {
                    rect x=(left + ci as f64 * cell_w) y=(ti as f64 * cell_h) width=(cell_w - 2.0) height=(cell_h - 2.0) fill=(fill(r.current)) { title { (t.team) ", " (c.name) ": " (r.current) } }
                    text x=(left + ci as f64 * cell_w + cell_w / 2.0) y=(ti as f64 * cell_h + 20.0) font-size=(FONT) text-anchor="middle" fill=(ink(r.current)) { (r.current) }
                }
            }
        }
        @for (ci, c) in o.model.categories.iter().enumerate() { (slanted(left + ci as f64 * cell_w + cell_w / 2.0 + 4.0, rows * cell_h + 14.0, &c.name)) }
    };
    figure(
        "heatmap",
        "Organisation heatmap",
        &summary,
        html! {},
        height,
        svg,
        levels_table(o, "Current and target level by team and category"),
    )
}

/// The stairs: for each category, the teams standing on each step, so a team can see
/// who is a step or two above. Drawn in HTML, not SVG, so names wrap on their step
/// instead of running off it.
pub fn stairs(o: &MaturityOverview) -> Markup {
    let top = o.model.top().max(1);
    let summary = "For each category, the teams on the step of their current level; a team can learn from those on the step of its target. The suggestions below say who.";
    let table = html! {
        table class="nhsuk-table" {
            caption class="nhsuk-table__caption nhsuk-u-visually-hidden" { "Who could help whom" }
            (table_head(&["Category", "Team", "Could learn from"]))
            tbody class="nhsuk-table__body" {
                @for h in &o.helpers {
                    tr class="nhsuk-table__row" { td class="nhsuk-table__cell" { (h.category) } td class="nhsuk-table__cell" { (h.to_team) " (" (h.to_level) " → " (h.to_target) ")" } td class="nhsuk-table__cell" { (h.from_team) " (" (h.from_level) ")" } }
                }
            }
        }
    };
    html! {
        figure class="signpost-chart" id="stairs" {
            h3 class="nhsuk-heading-s" { "Stairs diagram: level against ambition" }
            p class="nhsuk-body-s" { (summary) }
            @for c in &o.model.categories {
                h4 class="nhsuk-heading-xs nhsuk-u-margin-bottom-1" { (c.name) }
                ol class="signpost-stairs" {
                    @for step in 1..=top {
                        @let here: Vec<&str> = o.teams.iter().filter(|t| t.latest.rating(&c.name).is_some_and(|r| r.current == step)).map(|t| t.team.as_str()).collect();
                        li class={ "signpost-stairs__step signpost-stairs__step--" (step.min(6)) } {
                            span class="signpost-stairs__level" { (o.model.level_label(step)) }
                            @if here.is_empty() { span class="nhsuk-u-visually-hidden" { ": no team" } }
                            @else { ul { @for t in here { li { (t) } } } }
                        }
                    }
                }
            }
            details class="nhsuk-details" {
                summary class="nhsuk-details__summary" { span class="nhsuk-details__summary-text" { "Show who could help whom as a table" } }
                div class="nhsuk-details__text" { (table) }
            }
        }
    }
}

/// Trends: each team's mean current level at each of its assessments, placed in time,
/// with each month named once along the bottom.
pub fn trends(o: &MaturityOverview) -> Markup {
    use chrono::Datelike;
    let mut dates: Vec<chrono::NaiveDate> = o.teams.iter().flat_map(|t| t.history.iter().map(|a| a.held_on)).collect();
    dates.sort();
    dates.dedup();
    let (first, last) = (dates.first().copied().unwrap_or_default(), dates.last().copied().unwrap_or_default());
    let labels = level_labels(o);
    let left = left_for(labels.iter().map(String::as_str));
    let (top_pad, plot) = (12.0, 200.0);
    let height = top_pad + plot + FONT + 24.0;
    let span = (last - first).num_days().max(1) as f64;
    let inner = WIDTH - left - 50.0;
    let x = move |d: chrono::NaiveDate| left + 20.0 + inner * ((d - first).num_days() as f64 / span);
    let mut months: Vec<chrono::NaiveDate> = dates.iter().filter_map(|d| d.with_day(1)).collect();
    months.dedup();
    let shown = shown_labels(months.len(), inner / months.len().max(1) as f64, 8);
    let levels = f64::from(o.model.top().max(2));
    let y = move |level: f64| top_pad + plot - (level - 1.0) / (levels - 1.0) * (plot - 20.0) - 10.0;
    let summary = format!("The average current level of each team at each of its assessments, over {} dates.", dates.len());
    let svg = html! {
        (y_axis(o, left, &y))
        @for (i, m) in months.iter().enumerate() {
            @if shown(i) { text x=(x(*m).max(left + 20.0)) y=(height - 12.0) font-size=(FONT) text-anchor="middle" fill="#4c6272" { (m.format("%b %Y")) } }
        }
        @for (ti, t) in o.teams.iter().enumerate() {
            @let points: Vec<String> = t.history.iter().map(|a| format!("{:.1},{:.1}", x(a.held_on), y(a.mean_current()))).collect();
            polyline points=(points.join(" ")) fill="none" stroke=(colour(ti)) stroke-width="2" {}
            @for a in &t.history { circle cx=(x(a.held_on)) cy=(y(a.mean_current())) r="4" fill=(colour(ti)) { title { (t.team) ", " (long_date(a.held_on)) ": " (format!("{:.1}", a.mean_current())) } } }
        }
    };
    let table = html! {
        table class="nhsuk-table" {
            caption class="nhsuk-table__caption nhsuk-u-visually-hidden" { "Average level by team and date" }
            (table_head(&["Team", "Held on", "Average current level"]))
            tbody class="nhsuk-table__body" {
                @for t in &o.teams { @for a in &t.history {
                    tr class="nhsuk-table__row" { td class="nhsuk-table__cell" { (t.team) } td class="nhsuk-table__cell" { (long_date(a.held_on)) } td class="nhsuk-table__cell" { (format!("{:.1}", a.mean_current())) } }
                } }
            }
        }
    };
    figure("trends", "Trends", &summary, team_key(&o.teams), height, svg, table)
}
