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

/// How a bar chart's series share a label's slot.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Bars {
    /// Parts of one whole, in one bar (knowledge by review state).
    Stacked,
    /// Different things side by side (sessions beside assets: two units never share a bar).
    Grouped,
}

/// A bar chart.
pub struct BarChart<'a> {
    /// Unique on the page; ids inside the chart start with it.
    pub id: &'a str,
    /// Heading above the chart.
    pub title: &'a str,
    /// The text alternative: what the chart shows, in a sentence or two.
    pub summary: String,
    /// One label per bar, e.g. "Mar 2026".
    pub labels: Vec<String>,
    /// The series, bottom or left first.
    pub series: Vec<Series<'a>>,
    /// Stacked or side by side.
    pub bars: Bars,
}

/// Text in a chart, in the drawing's units: the drawing is never narrower than
/// `MIN_DRAWN` pixels (it scrolls sideways instead), so text is never under 14 px.
pub const FONT: f64 = 16.0;
/// The narrowest a drawing is shown, in pixels (see `signpost.css`).
pub const MIN_DRAWN: f64 = 560.0;
/// Roughly how wide one character of chart text is, in the drawing's units.
pub const CHAR_W: f64 = 8.8;

/// A chart's key as an HTML list under its heading: it wraps like any text, so names
/// never overlap, however many there are and however narrow the screen.
pub fn legend(items: &[(&str, &str)]) -> Markup {
    html! {
        ul class="signpost-legend" {
            @for (name, colour) in items {
                li { svg class="signpost-legend__swatch" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16" width="16" height="16" aria-hidden="true" focusable="false" { rect width="16" height="16" fill=(colour) {} } (name) }
            }
        }
    }
}

/// Which of `n` evenly spaced labels `width` units apart can be shown without
/// touching, each up to `chars` characters: every k-th, always including the last.
pub fn shown_labels(n: usize, slot: f64, chars: usize) -> impl Fn(usize) -> bool {
    let need = chars as f64 * CHAR_W + 8.0;
    let every = (need / slot.max(1.0)).ceil().max(1.0) as usize;
    move |i| n <= 1 || (n - 1 - i).is_multiple_of(every)
}

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 260.0;
const LEFT: f64 = 44.0;
const BOTTOM: f64 = 40.0;
const TOP: f64 = 14.0;

/// A round number at or above `max` for the top of the scale.
fn scale_top(max: i64) -> i64 {
    let max = max.max(1);
    let magnitude = 10_i64.pow(max.ilog10());
    [1, 2, 5, 10].iter().map(|m| m * magnitude).find(|v| *v >= max).unwrap_or(max)
}

impl BarChart<'_> {
    /// The chart, its text alternative and its table.
    pub fn render(&self) -> Markup {
        let n = self.labels.len();
        let stacked = self.bars == Bars::Stacked;
        let peaks: Vec<i64> = (0..n)
            .map(|i| {
                let values = self.series.iter().map(|s| s.values[i]);
                if stacked { values.sum() } else { values.max().unwrap_or(0) }
            })
            .collect();
        let top = scale_top(peaks.iter().copied().max().unwrap_or(0));
        let plot_h = HEIGHT - BOTTOM - TOP;
        let slot = (WIDTH - LEFT) / n.max(1) as f64;
        let bar_w = slot * 0.6;
        let y = |v: i64| HEIGHT - BOTTOM - plot_h * v as f64 / top as f64;
        let mut bars = Vec::new();
        for (i, label) in self.labels.iter().enumerate() {
            let x = LEFT + slot * i as f64 + (slot - bar_w) / 2.0;
            let mut base = 0;
            let width = if stacked { bar_w } else { bar_w / self.series.len().max(1) as f64 };
            for (k, s) in self.series.iter().enumerate().filter(|(_, s)| s.values[i] > 0) {
                let v = s.values[i];
                let (from, to) = if stacked { (base, base + v) } else { (0, v) };
                let left = if stacked { x } else { x + width * k as f64 };
                bars.push((left, y(to), y(from) - y(to), width, s.colour, format!("{label}: {v} {}", s.name.to_lowercase())));
                base += v;
            }
        }
        let longest = self.labels.iter().map(|l| l.chars().count()).max().unwrap_or(0);
        let shown = shown_labels(n, slot, longest);
        let key: Vec<(&str, &str)> = self.series.iter().map(|s| (s.name, s.colour)).collect();
        html! {
            figure class="signpost-chart" {
                h3 class="nhsuk-heading-s" id={ (self.id) "-title" } { (self.title) }
                p class="nhsuk-body-s" id={ (self.id) "-desc" } { (self.summary) }
                (legend(&key))
                div class="signpost-chart__canvas" tabindex="0" role="group" aria-label="The chart (scroll sideways on a narrow screen)" {
                    svg xmlns="http://www.w3.org/2000/svg" viewBox={ "0 0 " (WIDTH) " " (HEIGHT) } width="100%" role="img"
                        aria-labelledby={ (self.id) "-title " (self.id) "-desc" } focusable="false" {
                        @for tick in [0, top / 2, top] {
                            line x1=(LEFT) x2=(WIDTH) y1=(y(tick)) y2=(y(tick)) stroke="#d8dde0" {}
                            text x=(LEFT - 6.0) y=(y(tick) + 5.0) font-size=(FONT) text-anchor="end" fill="#4c6272" { (tick) }
                        }
                        @for (x, top_y, height, width, colour, tip) in &bars {
                            rect x=(x) y=(top_y) width=(width) height=(height) fill=(colour) { title { (tip) } }
                        }
                        @for (i, label) in self.labels.iter().enumerate() {
                            @if shown(i) {
                                text x=(LEFT + slot * i as f64 + slot / 2.0) y=(HEIGHT - BOTTOM + 20.0) font-size=(FONT) text-anchor="middle" fill="#4c6272" { (label) }
                            }
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
            bars: Bars::Stacked,
        }
        .render()
        .into_string();
        assert!(chart.contains(r#"role="img" aria-labelledby="c-title c-desc""#));
        assert!(chart.contains(">41</td>") && chart.contains(">3</td>"));
        assert!(chart.contains("Feb 2026: 41 in date"));
    }

    #[test]
    fn labels_that_would_touch_are_thinned_from_the_last() {
        let shown = shown_labels(12, 50.0, 8);
        let kept: Vec<usize> = (0..12).filter(|i| shown(*i)).collect();
        assert_eq!(kept, [1, 3, 5, 7, 9, 11], "8 characters need about 78 units; slots are 50");
        let all = shown_labels(3, 200.0, 8);
        assert!((0..3).all(all));
    }
}
