//! The maturity diagrams, drawn on the server as SVG with a text alternative and the
//! figures as a table: the river (each team's current and target level per category),
//! the stairs (teams on the step they stand on, per category), the heatmap and trends.
use maud::{Markup, html};

use crate::pages::layout::table_head;
use signpost_services::maturity::{MaturityOverview, TeamRow};

const PALETTE: [&str; 8] = ["#005eb8", "#007f3b", "#d5281b", "#330072", "#7c2855", "#00a499", "#425563", "#ed8b00"];
const WIDTH: f64 = 640.0;
const LEFT: f64 = 90.0;

fn colour(i: usize) -> &'static str {
    PALETTE[i % PALETTE.len()]
}

fn figure(id: &str, title: &str, summary: &str, height: f64, svg: Markup, table: Markup) -> Markup {
    html! {
        figure class="signpost-chart" id=(id) {
            h3 class="nhsuk-heading-s" id={ (id) "-title" } { (title) }
            p class="nhsuk-body-s" id={ (id) "-desc" } { (summary) }
            svg xmlns="http://www.w3.org/2000/svg" viewBox={ "0 0 " (WIDTH) " " (height) } width="100%" role="img"
                aria-labelledby={ (id) "-title " (id) "-desc" } focusable="false" { (svg) }
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

fn y_axis(o: &MaturityOverview, y: &dyn Fn(f64) -> f64) -> Markup {
    html! {
        @for level in 1..=o.model.top() {
            line x1=(LEFT) x2=(WIDTH - 10.0) y1=(y(f64::from(level))) y2=(y(f64::from(level))) stroke="#d8dde0" {}
            text x=(LEFT - 6.0) y=(y(f64::from(level)) + 4.0) font-size="12" text-anchor="end" fill="#4c6272" { (o.model.level_label(level)) }
        }
    }
}

fn legend(teams: &[TeamRow], y0: f64) -> Markup {
    html! {
        @for (i, t) in teams.iter().enumerate() {
            rect x=(LEFT + (i % 4) as f64 * 135.0) y=(y0 + (i / 4) as f64 * 18.0) width="12" height="12" fill=(colour(i)) {}
            text x=(LEFT + (i % 4) as f64 * 135.0 + 17.0) y=(y0 + (i / 4) as f64 * 18.0 + 11.0) font-size="12" fill="#212b32" { (t.team) }
        }
    }
}

/// The river: per category (numbered along the bottom), each team's current level joined by a line, its target as a ring.
pub fn river(o: &MaturityOverview) -> Markup {
    let n = o.model.categories.len().max(1);
    let legend_rows = o.teams.len().div_ceil(4) as f64;
    let top_pad = 12.0 + legend_rows * 18.0;
    let plot = 200.0;
    let height = top_pad + plot + 36.0;
    let slot = (WIDTH - LEFT - 10.0) / n as f64;
    let x = |i: usize| LEFT + slot * i as f64 + slot / 2.0;
    let levels = f64::from(o.model.top().max(2));
    let y = move |level: f64| top_pad + plot - (level - 1.0) / (levels - 1.0) * (plot - 20.0) - 10.0;
    let summary = format!(
        "Current level (dots joined by a line) and target (rings) of {} teams in each of the {} categories: {}.",
        o.teams.len(),
        n,
        o.model.categories.iter().enumerate().map(|(i, c)| format!("{} {}", i + 1, c.name)).collect::<Vec<_>>().join("; ")
    );
    let svg = html! {
        (legend(&o.teams, 6.0))
        (y_axis(o, &y))
        @for (i, _) in o.model.categories.iter().enumerate() {
            text x=(x(i)) y=(height - 12.0) font-size="12" text-anchor="middle" fill="#4c6272" { (i + 1) }
        }
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
        height,
        svg,
        levels_table(o, "Current and target level by team and category"),
    )
}

/// The heatmap: teams by category, darker where the current level is higher.
pub fn heatmap(o: &MaturityOverview) -> Markup {
    let rows = o.teams.len().max(1) as f64;
    let n = o.model.categories.len().max(1) as f64;
    let cell_w = (WIDTH - LEFT - 10.0) / n;
    let cell_h = 26.0;
    let height = rows * cell_h + 30.0;
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
            text x=(LEFT - 6.0) y=(ti as f64 * cell_h + 18.0) font-size="12" text-anchor="end" fill="#212b32" { (t.team) }
            @for (ci, c) in o.model.categories.iter().enumerate() {
                @if let Some(r) = t.latest.rating(&c.name) {
                    rect x=(LEFT + ci as f64 * cell_w) y=(ti as f64 * cell_h) width=(cell_w - 2.0) height=(cell_h - 2.0) fill=(fill(r.current)) { title { (t.team) ", " (c.name) ": " (r.current) } }
                    text x=(LEFT + ci as f64 * cell_w + cell_w / 2.0) y=(ti as f64 * cell_h + 17.0) font-size="12" text-anchor="middle" fill=(ink(r.current)) { (r.current) }
                }
            }
        }
        @for (ci, _) in o.model.categories.iter().enumerate() {
            text x=(LEFT + ci as f64 * cell_w + cell_w / 2.0) y=(height - 10.0) font-size="12" text-anchor="middle" fill="#4c6272" { (ci + 1) }
        }
    };
    figure("heatmap", "Organisation heatmap", &summary, height, svg, levels_table(o, "Current and target level by team and category"))
}

/// The stairs: for each category, the teams standing on each step, so a team can see who is a step or two above.
pub fn stairs(o: &MaturityOverview) -> Markup {
    let top = usize::from(o.model.top().max(1));
    let step_w = (WIDTH - 20.0) / top as f64;
    let rise = 18.0;
    let per_category = 40.0 + top as f64 * rise;
    let height = per_category * o.model.categories.len().max(1) as f64;
    let summary = "For each category, the teams on the step of their current level; a team can learn from those on the step of its target. The suggestions below say who.";
    let svg = html! {
        @for (ci, c) in o.model.categories.iter().enumerate() {
            @let base = ci as f64 * per_category + per_category - 8.0;
            text x="10" y=(base - top as f64 * rise - 14.0) font-size="13" font-weight="bold" fill="#212b32" { (ci + 1) ". " (c.name) }
            @for step in 1..=top {
                @let sx = 10.0 + (step - 1) as f64 * step_w;
                @let sy = base - step as f64 * rise;
                rect x=(sx) y=(sy) width=(step_w - 2.0) height=(step as f64 * rise) fill="#e8edee" {}
                @let here: Vec<&str> = o.teams.iter().filter(|t| t.latest.rating(&c.name).is_some_and(|r| usize::from(r.current) == step)).map(|t| t.team.as_str()).collect();
                text x=(sx + 4.0) y=(sy + 13.0) font-size="11" fill="#212b32" { (step) ": " (here.join(", ")) }
            }
        }
    };
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
    figure("stairs", "Stairs diagram: level against ambition", summary, height, svg, table)
}

/// Trends: each team's mean current level at each of its assessments.
pub fn trends(o: &MaturityOverview) -> Markup {
    let mut dates: Vec<chrono::NaiveDate> = o.teams.iter().flat_map(|t| t.history.iter().map(|a| a.held_on)).collect();
    dates.sort();
    dates.dedup();
    let legend_rows = o.teams.len().div_ceil(4) as f64;
    let top_pad = 12.0 + legend_rows * 18.0;
    let plot = 180.0;
    let height = top_pad + plot + 36.0;
    let slot = (WIDTH - LEFT - 10.0) / dates.len().max(1) as f64;
    let x = |d: chrono::NaiveDate| LEFT + slot * dates.iter().position(|x| *x == d).unwrap_or(0) as f64 + slot / 2.0;
    let levels = f64::from(o.model.top().max(2));
    let y = move |level: f64| top_pad + plot - (level - 1.0) / (levels - 1.0) * (plot - 20.0) - 10.0;
    let summary = format!("The average current level of each team at each of its assessments, over {} dates.", dates.len());
    let svg = html! {
        (legend(&o.teams, 6.0))
        (y_axis(o, &y))
        @for d in &dates { text x=(x(*d)) y=(height - 12.0) font-size="11" text-anchor="middle" fill="#4c6272" { (d.format("%b %Y")) } }
        @for (ti, t) in o.teams.iter().enumerate() {
            @let points: Vec<String> = t.history.iter().map(|a| format!("{:.1},{:.1}", x(a.held_on), y(a.mean_current()))).collect();
            polyline points=(points.join(" ")) fill="none" stroke=(colour(ti)) stroke-width="2" {}
            @for a in &t.history { circle cx=(x(a.held_on)) cy=(y(a.mean_current())) r="4" fill=(colour(ti)) { title { (t.team) ", " (a.held_on) ": " (format!("{:.1}", a.mean_current())) } } }
        }
    };
    let table = html! {
        table class="nhsuk-table" {
            caption class="nhsuk-table__caption nhsuk-u-visually-hidden" { "Average level by team and date" }
            (table_head(&["Team", "Held on", "Average current level"]))
            tbody class="nhsuk-table__body" {
                @for t in &o.teams { @for a in &t.history {
                    tr class="nhsuk-table__row" { td class="nhsuk-table__cell" { (t.team) } td class="nhsuk-table__cell" { (a.held_on) } td class="nhsuk-table__cell" { (format!("{:.1}", a.mean_current())) } }
                } }
            }
        }
    };
    figure("trends", "Trends", &summary, height, svg, table)
}
