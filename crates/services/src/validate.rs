//! The checks every use case shares on what people type: dates, required and bounded
//! text, lists of tags and skills, and the guard against NHS numbers in anything others
//! will read. Each records its problems with the field they belong to, so a form can
//! show them all at once.
use chrono::NaiveDate;
use signpost_domain::FieldError;

/// A date as people write it in the UK or as a machine does: 14/12/2026,
/// 14 December 2026, 14 Dec 2026 or 2026-12-14. Day before month, never after.
pub fn read_date(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    ["%Y-%m-%d", "%d/%m/%Y", "%d %B %Y", "%d %b %Y", "%d-%m-%Y", "%d.%m.%Y"].iter().find_map(|f| NaiveDate::parse_from_str(text, f).ok())
}

/// Parses an optional date field, recording a problem if it is malformed.
pub(crate) fn parse_date(field: &str, text: &str, errors: &mut Vec<FieldError>) -> Option<NaiveDate> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    read_date(text).ok_or_else(|| errors.push(FieldError::new(field, "must be a real date, like 14 12 2026"))).ok()
}

/// Checks a required one-line text's length, recording a problem if it is out of bounds.
pub(crate) fn check_text(field: &str, text: &str, required: bool, max: usize, errors: &mut Vec<FieldError>) {
    let n = text.trim().chars().count();
    if required && n == 0 {
        errors.push(FieldError::new(field, "is required"));
    } else if n > max {
        errors.push(FieldError::new(field, format!("must be {max} characters or fewer")));
    } else {
        check_identifiers(field, text, errors);
    }
}

/// Refuses text that others will read if it holds what looks like an NHS number: the
/// guard on published knowledge covers every place people write for each other.
pub(crate) fn check_identifiers(field: &str, text: &str, errors: &mut Vec<FieldError>) {
    if let Some(found) = signpost_domain::identifiers::find_nhs_numbers(field, text).first() {
        errors.push(FieldError::new(
            field,
            format!(
                "holds what looks like an NHS number ({}, line {} column {}): remove it; patient identifiers do not belong here",
                found.masked, found.line, found.column
            ),
        ));
    }
}

/// Lower-cases, trims and de-duplicates labels, recording problems with their positions.
pub(crate) fn clean_tags(field: &str, tags: &[String], errors: &mut Vec<FieldError>) -> Vec<String> {
    if tags.len() > MAX_TAGS {
        errors.push(FieldError::new(field, format!("at most {MAX_TAGS}")));
        return Vec::new();
    }
    let mut out: Vec<String> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (i, t) in tags.iter().enumerate() {
        let t = t.trim().to_lowercase();
        if t.is_empty() {
            continue;
        }
        if t.chars().count() > 80 {
            errors.push(FieldError::new(format!("{field}[{i}]"), "must be 80 characters or fewer"));
        } else if seen.insert(t.clone()) {
            out.push(t);
        }
    }
    out
}

/// Most tags on a project, session or lesson.
const MAX_TAGS: usize = 30;

/// Trims, lower-cases and de-duplicates skills or interests, recording problems with their positions.
pub(crate) fn clean_skills(field: &str, skills: &[String], errors: &mut Vec<FieldError>) -> Vec<String> {
    const MAX: usize = 30;
    if skills.len() > MAX {
        errors.push(FieldError::new(field, format!("at most {MAX}")));
        return Vec::new();
    }
    let mut out: Vec<String> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (i, s) in skills.iter().enumerate() {
        let s = s.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
        if s.is_empty() {
            continue;
        }
        if s.chars().count() > 60 {
            errors.push(FieldError::new(format!("{field}[{i}]"), "must be 60 characters or fewer"));
        } else {
            check_identifiers(&format!("{field}[{i}]"), &s, errors);
            if seen.insert(s.clone()) {
                out.push(s);
            }
        }
    }
    out
}

/// Splits a comma- or line-separated list typed into a form.
pub fn split_list(text: &str) -> Vec<String> {
    text.split([',', '\n', ';']).map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect()
}

#[cfg(test)]
mod date_tests {
    #[test]
    fn dates_are_read_as_people_in_the_uk_write_them() {
        let d = chrono::NaiveDate::from_ymd_opt(2026, 12, 14);
        for text in ["2026-12-14", "14/12/2026", "14 December 2026", "14 Dec 2026", " 14/12/2026 "] {
            assert_eq!(super::read_date(text), d, "{text}");
        }
        assert_eq!(super::read_date("12/14/2026"), None, "day before month, never after");
        assert_eq!(super::read_date("31/2/2027"), None);
    }
}
