//! Form fields on the NHS.UK design system: label, hint, error message and control,
//! wired together with `aria-describedby` so screen readers announce all three.
use maud::{Markup, html};

/// Problems with a submitted form: (field id, message), in the order the fields appear.
pub type Errors = Vec<(String, String)>;

/// The error for one field, if any; several are joined.
pub fn error_for(errors: &Errors, id: &str) -> Option<String> {
    let found: Vec<&str> = errors.iter().filter(|(f, _)| f == id).map(|(_, m)| m.as_str()).collect();
    (!found.is_empty()).then(|| found.join(". "))
}

/// What every field shares.
pub struct Field<'a> {
    /// Element id, also the name the form sends unless [`Field::name`] says otherwise.
    pub id: &'a str,
    /// The name the form sends, which its errors are keyed by.
    pub name: &'a str,
    /// Visible label.
    pub label: &'a str,
    /// Optional hint under the label.
    pub hint: &'a str,
    /// Its error, if any.
    pub error: Option<String>,
}

impl<'a> Field<'a> {
    /// A field without hint or error.
    pub fn new(id: &'a str, label: &'a str) -> Self {
        Field { id, name: id, label, hint: "", error: None }
    }

    /// Sends the field as `name` (a typed form's field name) while its element keeps `id`.
    pub fn name(self, name: &'a str) -> Self {
        Field { name, ..self }
    }

    /// Adds a hint.
    pub fn hint(self, hint: &'a str) -> Self {
        Field { hint, ..self }
    }

    /// Takes this field's error from the form's errors.
    pub fn errors(self, errors: &Errors) -> Self {
        Field { error: error_for(errors, self.name), ..self }
    }

    /// Takes this field's error from the form's errors under `key` (the element id,
    /// where one page repeats a form per item and only the sent one has problems).
    pub fn errors_at(self, errors: &Errors, key: &str) -> Self {
        Field { error: error_for(errors, key), ..self }
    }

    fn described_by(&self) -> Option<String> {
        let mut ids = Vec::new();
        if !self.hint.is_empty() {
            ids.push(format!("{}-hint", self.id));
        }
        if self.error.is_some() {
            ids.push(format!("{}-error", self.id));
        }
        (!ids.is_empty()).then(|| ids.join(" "))
    }

    fn wrap(&self, control: Markup) -> Markup {
        html! {
            div class={ "nhsuk-form-group" @if self.error.is_some() { " nhsuk-form-group--error" } } {
                label class="nhsuk-label" for=(self.id) { (self.label) }
                @if !self.hint.is_empty() { div class="nhsuk-hint" id={ (self.id) "-hint" } { (self.hint) } }
                @if let Some(m) = &self.error {
                    span class="nhsuk-error-message" id={ (self.id) "-error" } { span class="nhsuk-u-visually-hidden" { "Error: " } (m) }
                }
                (control)
            }
        }
    }

    /// A one-line text input.
    pub fn input(&self, kind: &str, value: &str) -> Markup {
        self.wrap(html! {
            input class={ "nhsuk-input" @if self.error.is_some() { " nhsuk-input--error" } }
                id=(self.id) name=(self.name) type=(kind) value=(value) aria-describedby=[self.described_by()];
        })
    }

    /// A password input; `autocomplete` is `current-password` or `new-password`, so a
    /// password manager fills or suggests the right one. Never pre-filled.
    pub fn password(&self, autocomplete: &str) -> Markup {
        self.wrap(html! {
            input class={ "nhsuk-input nhsuk-u-width-two-thirds" @if self.error.is_some() { " nhsuk-input--error" } }
                id=(self.id) name=(self.name) type="password" autocomplete=(autocomplete) spellcheck="false" aria-describedby=[self.described_by()];
        })
    }

    /// An email address input.
    pub fn email(&self, value: &str) -> Markup {
        self.wrap(html! {
            input class={ "nhsuk-input" @if self.error.is_some() { " nhsuk-input--error" } }
                id=(self.id) name=(self.name) type="email" autocomplete="email" spellcheck="false" value=(value) aria-describedby=[self.described_by()];
        })
    }

    /// A multi-line text area.
    pub fn textarea(&self, rows: u32, value: &str) -> Markup {
        self.wrap(html! {
            textarea class={ "nhsuk-textarea" @if self.error.is_some() { " nhsuk-textarea--error" } }
                id=(self.id) name=(self.name) rows=(rows) aria-describedby=[self.described_by()] { (value) }
        })
    }

    /// A date as three boxes, day, month and year, on the GOV.UK and NHS.UK pattern.
    /// They are sent as `NAME-day`, `NAME-month` and `NAME-year`; the form extractor
    /// puts them back together as `NAME` (see [`combine_dates`]). The day box has the
    /// field's id, so an error summary's link lands on it.
    pub fn date(&self, value: &str) -> Markup {
        let (day, month, year) = date_parts(value);
        let class = |width: u8| {
            format!(
                "nhsuk-input nhsuk-date-input__input nhsuk-input--width-{width}{}",
                if self.error.is_some() { " nhsuk-input--error" } else { "" }
            )
        };
        let parts = [
            ("day", "Day", day, 2, self.id.to_string()),
            ("month", "Month", month, 2, format!("{}-month", self.id)),
            ("year", "Year", year, 4, format!("{}-year", self.id)),
        ];
        html! {
            div class={ "nhsuk-form-group" @if self.error.is_some() { " nhsuk-form-group--error" } } {
                fieldset class="nhsuk-fieldset" role="group" aria-describedby=[self.described_by()] {
                    legend class="nhsuk-fieldset__legend nhsuk-label" { (self.label) }
                    div class="nhsuk-hint" id={ (self.id) "-hint" } { @if self.hint.is_empty() { "For example, 14 12 2026" } @else { (self.hint) } }
                    @if let Some(m) = &self.error {
                        span class="nhsuk-error-message" id={ (self.id) "-error" } { span class="nhsuk-u-visually-hidden" { "Error: " } (m) }
                    }
                    div class="nhsuk-date-input" {
                        @for (part, text, value, width, id) in parts {
                            div class="nhsuk-date-input__item" {
                                div class="nhsuk-form-group" {
                                    label class="nhsuk-label nhsuk-date-input__label" for=(id) { (text) }
                                    input class=(class(width)) id=(id) name={ (self.name) "-" (part) } type="text" inputmode="numeric" value=(value);
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// A drop-down of (value, text) options.
    pub fn select(&self, options: &[(String, String)], selected: &str) -> Markup {
        self.wrap(html! {
            select class={ "nhsuk-select" @if self.error.is_some() { " nhsuk-select--error" } }
                id=(self.id) name=(self.name) aria-describedby=[self.described_by()] {
                @for (value, text) in options {
                    option value=(value) selected[value == selected] { (text) }
                }
            }
        })
    }
}

/// A stored or sent date split into its day, month and year boxes; text that is not
/// a date (sent back after a refusal) is split where it can be.
fn date_parts(value: &str) -> (String, String, String) {
    if let Some(d) = signpost_services::validate::read_date(value) {
        use chrono::Datelike;
        return (d.day().to_string(), d.month().to_string(), d.year().to_string());
    }
    // "2027-02-31" is year-month-day that is not a date; "14/Dec/26" is day/month/year as typed.
    let parts: Vec<String> = value.split(['-', '/']).map(str::to_string).collect();
    match parts.as_slice() {
        [y, m, d] if value.contains('-') => (d.clone(), m.clone(), y.clone()),
        [d, m, y] => (d.clone(), m.clone(), y.clone()),
        _ => (String::new(), String::new(), String::new()),
    }
}

/// Puts dates sent as three boxes (`NAME-day`, `NAME-month`, `NAME-year`) back into
/// one field `NAME`: `2026-12-14` when all three are numbers, nothing when all are
/// empty, and otherwise what was typed (`14/Dec/26`), for the service to refuse with
/// the field's own message.
pub fn combine_dates(pairs: Vec<(String, String)>) -> Vec<(String, String)> {
    // Looked up by name, so the work stays linear in what was sent, however much that is.
    let mut first: std::collections::HashMap<&str, &str> = std::collections::HashMap::with_capacity(pairs.len());
    for (k, v) in &pairs {
        first.entry(k.as_str()).or_insert(v.as_str());
    }
    let value = |key: &str| first.get(key).map(|v| v.trim().to_string()).unwrap_or_default();
    let mut out: Vec<(String, String)> = Vec::new();
    let mut dates = std::collections::HashSet::new();
    for (k, _) in &pairs {
        let Some(name) = k.strip_suffix("-day") else { continue };
        if !dates.insert(name.to_string()) {
            continue;
        }
        let (day, month, year) = (value(k), value(&format!("{name}-month")), value(&format!("{name}-year")));
        let numbers = [&day, &month, &year].iter().all(|p| !p.is_empty() && p.len() <= 4 && p.chars().all(|c| c.is_ascii_digit()));
        let combined = if day.is_empty() && month.is_empty() && year.is_empty() {
            String::new()
        } else if numbers {
            format!("{year:0>4}-{month:0>2}-{day:0>2}")
        } else {
            format!("{day}/{month}/{year}")
        };
        out.push((name.to_string(), combined));
    }
    let part_of_date = |k: &str| ["-day", "-month", "-year"].iter().any(|s| k.strip_suffix(s).is_some_and(|n| dates.contains(n)));
    let rest: Vec<(String, String)> = pairs.iter().filter(|(k, _)| !part_of_date(k)).cloned().collect();
    rest.into_iter().chain(out).collect()
}

/// Declares a page form: the struct its fields are read into (every field defaulted,
/// so a field left out is the service's to refuse, with a message on it) and
/// `NAMES`, the name each field has in the markup, taken from the struct's own field
/// names or from `field as "name"` where the markup needs another (`lesson-title`).
/// Markup writes `Field::new(CloseForm::NAMES.outcome, …)`, so renaming a field
/// without the markup does not compile.
#[macro_export]
macro_rules! page_form {
    ($(#[$meta:meta])* $vis:vis struct $name:ident / $names:ident { $($(#[$fmeta:meta])* $field:ident $(as $rename:literal)? : $ty:ty),* $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Default, Clone, serde::Deserialize)]
        #[serde(default)]
        #[allow(missing_docs)]
        $vis struct $name { $($(#[$fmeta])* $(#[serde(rename = $rename)])? pub $field: $ty),* }

        /// The name of each field of the form in the markup.
        #[allow(missing_docs)]
        $vis struct $names { $(pub $field: &'static str),* }

        impl $name {
            /// The name of each field in the markup.
            pub const NAMES: $names = $names { $($field: $crate::page_form!(@name $field $($rename)?)),* };
        }
    };
    (@name $field:ident $rename:literal) => { $rename };
    (@name $field:ident) => { stringify!($field) };
}

/// A typed form as a page shows it: what was sent, the problems on its fields (keyed
/// by field name), the notice of the change that led here, and, where the page repeats
/// a form per item, the item whose form was sent (the others are shown blank).
#[derive(Debug, Default)]
pub struct FormState<T> {
    /// What was sent, or the defaults.
    pub values: T,
    /// Problems, by field name, in the order the service found them.
    pub errors: Errors,
    /// The success banner's sentence, after a change.
    pub notice: Option<&'static str>,
    /// The item whose form was sent, on a page with a form per item.
    pub item: Option<i64>,
}

impl<T: Default> FormState<T> {
    /// The page as first shown, with the notice of the change that led to it, if any.
    pub fn shown(notice: Option<&'static str>) -> Self {
        FormState { notice, ..FormState::default() }
    }

    /// The form sent back with these problems on its fields.
    pub fn with_errors(values: T, errors: Errors) -> Self {
        FormState { values, errors, ..FormState::default() }
    }

    /// The form sent back with the service's refusal on its fields; anything but a
    /// refusal is the error page.
    pub fn refused(values: T, e: signpost_services::ServiceError) -> Result<Self, super::PageError> {
        Ok(Self::with_errors(values, super::refused_as(e, str::to_string)?))
    }

    /// Marks the form as the one sent for `item`.
    pub fn for_item(self, item: impl Into<i64>) -> Self {
        FormState { item: Some(item.into()), ..self }
    }

    /// The form as sent for `item`, if it was the one sent.
    pub fn sent_for(&self, item: impl Into<i64>) -> Option<&Self> {
        (self.item == Some(item.into())).then_some(self)
    }

    /// The problems with each field name turned into the element id it has on the page
    /// (for the error summary's links when ids carry an item's prefix).
    pub fn errors_at(&self, id: impl Fn(&str) -> String) -> Errors {
        self.errors.iter().map(|(f, m)| (id(f), m.clone())).collect()
    }
}

/// A group of checkboxes, each (name, value, text, checked), under a legend.
pub fn checkboxes(legend: &str, hint: &str, items: &[(&str, &str, String, bool)]) -> Markup {
    html! {
        div class="nhsuk-form-group" {
            fieldset class="nhsuk-fieldset" {
                legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s" { (legend) }
                @if !hint.is_empty() { div class="nhsuk-hint" { (hint) } }
                div class="nhsuk-checkboxes" data-module="nhsuk-checkboxes" {
                    @for (i, (name, value, text, checked)) in items.iter().enumerate() {
                        @let id = format!("{name}-{i}");
                        div class="nhsuk-checkboxes__item" {
                            input class="nhsuk-checkboxes__input" id=(id) name=(name) type="checkbox" value=(value) checked[*checked];
                            label class="nhsuk-label nhsuk-checkboxes__label" for=(id) { (text) }
                        }
                    }
                }
            }
        }
    }
}

/// Yes/no radios for `name`, with its error; `value` is "yes", "no" or "".
pub fn yes_no(name: &str, legend: &str, value: &str, errors: &Errors) -> Markup {
    let error = error_for(errors, name);
    html! {
        div class={ "nhsuk-form-group" @if error.is_some() { " nhsuk-form-group--error" } } {
            fieldset class="nhsuk-fieldset" id=(name) aria-describedby=[error.as_ref().map(|_| format!("{name}-error"))] {
                legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s" { (legend) }
                @if let Some(m) = &error {
                    span class="nhsuk-error-message" id={ (name) "-error" } { span class="nhsuk-u-visually-hidden" { "Error: " } (m) }
                }
                div class="nhsuk-radios nhsuk-radios--inline" data-module="nhsuk-radios" {
                    @for (v, text) in [("yes", "Yes"), ("no", "No")] {
                        div class="nhsuk-radios__item" {
                            input class="nhsuk-radios__input" id={ (name) "-" (v) } name=(name) type="radio" value=(v) checked[value == v];
                            label class="nhsuk-label nhsuk-radios__label" for={ (name) "-" (v) } { (text) }
                        }
                    }
                }
            }
        }
    }
}

/// A form with no fields but its CSRF token: a button that does one thing.
#[derive(Debug, Default, serde::Deserialize)]
pub struct CsrfOnly {}

/// A group of checkboxes sent under one `name`, each (value, text, checked), under a
/// legend that is the section's heading.
pub fn checkbox_list(name: &str, legend: &str, hint: &str, items: &[(String, String, bool)]) -> Markup {
    html! {
        div class="nhsuk-form-group" {
            fieldset class="nhsuk-fieldset" aria-describedby={ (name) "-hint" } {
                legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--m" { h2 class="nhsuk-fieldset__heading" { (legend) } }
                div class="nhsuk-hint" id={ (name) "-hint" } { (hint) }
                div class="nhsuk-checkboxes nhsuk-checkboxes--small" data-module="nhsuk-checkboxes" {
                    @for (i, (value, text, checked)) in items.iter().enumerate() {
                        @let id = if i == 0 { name.to_string() } else { format!("{name}-{i}") };
                        div class="nhsuk-checkboxes__item" {
                            input class="nhsuk-checkboxes__input" id=(id) name=(name) type="checkbox" value=(value) checked[*checked];
                            label class="nhsuk-label nhsuk-checkboxes__label" for=(id) { (text) }
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::combine_dates;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn three_date_boxes_become_one_field() {
        let sent = pairs(&[("title", "x"), ("starts_on-day", "14"), ("starts_on-month", "12"), ("starts_on-year", "2026")]);
        assert_eq!(combine_dates(sent), pairs(&[("title", "x"), ("starts_on", "2026-12-14")]));
        let blank = pairs(&[("ends_on-day", ""), ("ends_on-month", " "), ("ends_on-year", "")]);
        assert_eq!(combine_dates(blank), pairs(&[("ends_on", "")]), "an optional date left empty");
        let typed = pairs(&[("on-day", "14"), ("on-month", "Dec"), ("on-year", "26")]);
        assert_eq!(combine_dates(typed), pairs(&[("on", "14/Dec/26")]), "what was typed, for the service to refuse");
    }
}
