//! Charts drawn on the server as SVG: no script, no inline style. Each has a text
//! alternative saying what it shows and, behind a details element, the table of
//! the figures it is drawn from, so nobody has to read the picture.
use maud::{Markup, html};

/// One coloured series of a bar chart.
pub struct Series<'a> {
    /// Name in the legend and the table's column header.
    pub name: &'a str,
    /// Fill colour from the NHS palette.
    pub colour: &'a str,
    /// One value per label.
    pub values: Vec<i64>,
}

/// A stacked bar chart.
pub struct BarChart<'a> {
    /// Unique on the page; ids inside the chart start with it.
    pub id: &'a str,
    /// Heading above the chart.
    pub title: &'a str,
    /// The text alternative: what the chart shows, in a sentence or two.
    pub summary: String,
    /// One label per bar, e.g. "Mar 2026".
    pub labels: Vec<String>,
    /// The stacked series, bottom first.
    pub series: Vec<Series<'a>>,
}

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 260.0;
const LEFT: f64 = 44.0;
const BOTTOM: f64 = 40.0;
const TOP: f64 = 36.0;

/// A round number at or above `max` for the top of the scale.
fn scale_top(max: i64) -> i64 {
    let max = max.max(1);
    let magnitude = 10_i64.pow(max.ilog10());
    [1, 2, 5, 10].iter().map(|m| m * magnitude).find(|v| *v >= max).unwrap_or(max)
}

impl BarChart<'_> {
    /// The chart, its text alternative and its table.
    pub fn render(&self) -> Markup {
        let totals: Vec<i64> = (0..self.labels.len()).map(|i| self.series.iter().map(|s| s.values[i]).sum()).collect();
        let top = scale_top(totals.iter().copied().max().unwrap_or(0));
        let plot_h = HEIGHT - BOTTOM - TOP;
        let slot = (WIDTH - LEFT) / self.labels.len().max(1) as f64;
        let bar_w = slot * 0.6;
        let y = |v: i64| HEIGHT - BOTTOM - plot_h * v as f64 / top as f64;
        let mut bars = Vec::new();
        for (i, label) in self.labels.iter().enumerate() {
            let x = LEFT + slot * i as f64 + (slot - bar_w) / 2.0;
            let mut base = 0;
            for s in self.series.iter().filter(|s| s.values[i] > 0) {
                let v = s.values[i];
                bars.push((x, y(base + v), y(base) - y(base + v), s.colour, format!("{label}: {v} {}", s.name.to_lowercase())));
                base += v;
            }
        }
        html! {
            figure class="signpost-chart" {
                h3 class="nhsuk-heading-s" id={ (self.id) "-title" } { (self.title) }
                p class="nhsuk-body-s" id={ (self.id) "-desc" } { (self.summary) }
                svg xmlns="http://www.w3.org/2000/svg" viewBox={ "0 0 " (WIDTH) " " (HEIGHT) } width="100%" role="img"
                    aria-labelledby={ (self.id) "-title " (self.id) "-desc" } focusable="false" {
                    @for (i, s) in self.series.iter().enumerate() {
                        rect x=(LEFT + i as f64 * 150.0) y="8" width="14" height="14" fill=(s.colour) {}
                        text x=(LEFT + i as f64 * 150.0 + 20.0) y="20" font-size="13" fill="#212b32" { (s.name) }
                    }
                    @for tick in [0, top / 2, top] {
                        line x1=(LEFT) x2=(WIDTH) y1=(y(tick)) y2=(y(tick)) stroke="#d8dde0" {}
                        text x=(LEFT - 6.0) y=(y(tick) + 4.0) font-size="12" text-anchor="end" fill="#4c6272" { (tick) }
                    }
                    @for (x, top_y, height, colour, tip) in &bars {
                        rect x=(x) y=(top_y) width=(bar_w) height=(height) fill=(colour) { title { (tip) } }
                    }
                    @for (i, label) in self.labels.iter().enumerate() {
                        // Every other month when there are many, so the labels do not overlap.
                        @if i % 2 == (self.labels.len() - 1) % 2 || self.labels.len() <= 6 {
                            text x=(LEFT + slot * i as f64 + slot / 2.0) y=(HEIGHT - BOTTOM + 16.0) font-size="12" text-anchor="middle" fill="#4c6272" { (label) }
                        }
                    }
                }
                details class="nhsuk-details" {
                    summary class="nhsuk-details__summary" { span class="nhsuk-details__summary-text" { "Show the figures as a table" } }
                    div class="nhsuk-details__text" {
                        table class="nhsuk-table" {
                            caption class="nhsuk-table__caption nhsuk-u-visually-hidden" { (self.title) }
                            thead class="nhsuk-table__head" {
                                tr class="nhsuk-table__row" {
                                    th class="nhsuk-table__header" scope="col" { "Month" }
                                    @for s in &self.series { th class="nhsuk-table__header nhsuk-table__header--numeric" scope="col" { (s.name) } }
                                }
                            }
                            tbody class="nhsuk-table__body" {
                                @for (i, label) in self.labels.iter().enumerate() {
                                    tr class="nhsuk-table__row" {
                                        th class="nhsuk-table__header" scope="row" { (label) }
                                        @for s in &self.series { td class="nhsuk-table__cell nhsuk-table__cell--numeric" { (s.values[i]) } }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scale_ends_on_a_round_number_above_the_tallest_bar() {
        assert_eq!(scale_top(0), 1);
        assert_eq!(scale_top(7), 10);
        assert_eq!(scale_top(13), 20);
        assert_eq!(scale_top(200), 200);
        assert_eq!(scale_top(201), 500);
    }

    #[test]
    fn every_figure_is_in_the_table_and_the_picture_has_a_text_alternative() {
        let chart = BarChart {
            id: "c",
            title: "Review status",
            summary: "Most knowledge is in date.".into(),
            labels: vec!["Jan 2026".into(), "Feb 2026".into()],
            series: vec![Series { name: "In date", colour: "#007f3b", values: vec![3, 41] }],
        }
        .render()
        .into_string();
        assert!(chart.contains(r#"role="img" aria-labelledby="c-title c-desc""#));
        assert!(chart.contains(">41</td>") && chart.contains(">3</td>"));
        assert!(chart.contains("Feb 2026: 41 in date"));
    }
}
