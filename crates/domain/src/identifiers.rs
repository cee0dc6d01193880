//! The patient-identifier guard: finds NHS numbers in text before it is published.
//!
//! A 10-digit string passes the modulus 11 check about 9% of the time, so a valid
//! check digit alone is not enough. A number is reported when its check digit is
//! valid, it is outside the never-issued test range (999 000 0000 – 999 999 9999),
//! and either a context word ("NHS", "NHS no", "patient") stands near it or it is
//! written in the 3-3-4 layout NHS numbers are printed in.
use serde::Serialize;
use utoipa::ToSchema;

/// An NHS number whose check digit has been verified.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NhsNumber([u8; 10]);

impl NhsNumber {
    /// Parses ten digits, ignoring spaces and hyphens; `None` if the check digit is wrong.
    pub fn parse(s: &str) -> Option<Self> {
        let digits: Vec<u8> = s.bytes().filter(|b| !matches!(b, b' ' | b'-')).collect();
        if digits.len() != 10 || !digits.iter().all(u8::is_ascii_digit) {
            return None;
        }
        let mut d = [0u8; 10];
        for (slot, b) in d.iter_mut().zip(&digits) {
            *slot = b - b'0';
        }
        let sum: u32 = d[..9].iter().enumerate().map(|(i, &x)| u32::from(x) * (10 - i as u32)).sum();
        let check = match 11 - (sum % 11) {
            11 => 0,
            10 => return None,
            c => c,
        };
        (check == u32::from(d[9])).then_some(NhsNumber(d))
    }

    /// True for the test range 999 000 0000 – 999 999 9999, which is never issued.
    pub fn is_test_range(&self) -> bool {
        self.0[..3] == [9, 9, 9]
    }

    /// The number as a person would type it: 943 476 5919.
    pub fn formatted(&self) -> String {
        let s: String = self.0.iter().map(|d| char::from(b'0' + d)).collect();
        format!("{} {} {}", &s[..3], &s[3..6], &s[6..])
    }
}

/// Where a probable NHS number was found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct IdentifierFinding {
    /// The field it is in, e.g. `body` or `fields.what_happened`.
    pub field: String,
    /// Line number within the field, from 1.
    pub line: usize,
    /// Column (in characters) within the line, from 1.
    pub column: usize,
    /// The number with all but its last three digits masked, so the warning does not repeat it.
    pub masked: String,
    /// Why it was judged an NHS number.
    pub reason: String,
}

const CONTEXT_WORDS: [&str; 4] = ["nhs", "patient", "chi no", "hospital no"];
const CONTEXT_BEFORE: usize = 40;
const CONTEXT_AFTER: usize = 25;

/// A probable NHS number: where it is (bytes), the number, and why it was judged one.
struct Probable {
    start: usize,
    end: usize,
    number: NhsNumber,
    context: bool,
    layout: bool,
}

/// Scans one piece of text for probable NHS numbers.
pub fn find_nhs_numbers(field: &str, text: &str) -> Vec<IdentifierFinding> {
    probable_numbers(text)
        .into_iter()
        .map(|p| {
            let before = &text[..p.start];
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            let reason = match (p.context, p.layout) {
                (true, true) => "valid NHS number check digit, written 3-3-4, next to a word like \"NHS\"",
                (true, false) => "valid NHS number check digit next to a word like \"NHS\"",
                _ => "valid NHS number check digit, written 3-3-4 like an NHS number",
            };
            IdentifierFinding { field: field.to_string(), line, column, masked: masked(&p.number), reason: reason.to_string() }
        })
        .collect()
}

fn masked(number: &NhsNumber) -> String {
    let formatted = number.formatted();
    format!("*** *** *{}", &formatted[formatted.len() - 3..])
}

/// `text` with every probable NHS number masked (all but its last three digits), for
/// showing text that was written before the guard could stop it.
pub fn mask_nhs_numbers(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut from = 0;
    for p in probable_numbers(text) {
        out.push_str(&text[from..p.start]);
        out.push_str(&masked(&p.number));
        from = p.end;
    }
    out.push_str(&text[from..]);
    out
}

fn probable_numbers(text: &str) -> Vec<Probable> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_digit() || (i > 0 && bytes[i - 1].is_ascii_digit()) {
            i += 1;
            continue;
        }
        // Collect a run of digits with single spaces or hyphens between groups.
        let start = i;
        let mut end = i;
        let mut digits = 0;
        let mut groups = vec![0usize];
        let mut j = i;
        while j < bytes.len() {
            let b = bytes[j];
            if b.is_ascii_digit() {
                digits += 1;
                *groups.last_mut().expect("groups starts non-empty") += 1;
                end = j + 1;
                j += 1;
            } else if matches!(b, b' ' | b'-') && j + 1 < bytes.len() && bytes[j + 1].is_ascii_digit() && digits < 10 {
                groups.push(0);
                j += 1;
            } else {
                break;
            }
        }
        i = end.max(i + 1);
        if digits != 10 {
            continue;
        }
        let candidate = &text[start..end];
        let Some(number) = NhsNumber::parse(candidate) else {
            continue;
        };
        if number.is_test_range() {
            continue;
        }
        let layout = groups == [3, 3, 4];
        let lo = floor_char_boundary(text, start.saturating_sub(CONTEXT_BEFORE));
        let hi = ceil_char_boundary(text, (end + CONTEXT_AFTER).min(text.len()));
        let window = text[lo..hi].to_lowercase();
        let context = CONTEXT_WORDS.iter().any(|w| window.contains(w));
        if !(context || layout) {
            continue;
        }
        found.push(Probable { start, end, number, context, layout });
    }
    found
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil_char_boundary(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i += 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masking_keeps_the_last_three_digits_and_everything_else() {
        assert_eq!(mask_nhs_numbers("Patient 943 476 5919 seen; ward 12."), "Patient *** *** *919 seen; ward 12.");
        assert_eq!(mask_nhs_numbers("no numbers here"), "no numbers here");
    }

    #[test]
    fn check_digit_accepts_the_documented_example_and_rejects_the_often_quoted_one() {
        assert!(NhsNumber::parse("943 476 5919").is_some());
        assert!(NhsNumber::parse("9434765919").is_some());
        assert!(NhsNumber::parse("987 654 4321").is_none());
        assert!(NhsNumber::parse("943 476 591").is_none());
    }

    #[test]
    fn nhs_number_next_to_context_words_is_found_with_its_position() {
        let text = "Handover went well.\nThe patient's NHS number 943 476 5919 was read aloud.";
        let found = find_nhs_numbers("body", text);
        assert_eq!(found.len(), 1);
        assert_eq!((found[0].line, found[0].column), (2, 26));
        assert_eq!(found[0].masked, "*** *** *919");
        assert!(!found[0].reason.is_empty());
    }

    #[test]
    fn unspaced_number_with_context_is_found_but_not_without() {
        assert_eq!(find_nhs_numbers("body", "NHS no: 9434765919").len(), 1);
        assert!(find_nhs_numbers("body", "Order reference 9434765919 from supplies").is_empty());
    }

    #[test]
    fn bad_check_digit_and_test_range_never_trigger() {
        assert!(find_nhs_numbers("body", "NHS number 987 654 4321").is_empty());
        // 999 000 0000 to 999 999 9999 is never issued: valid-check-digit examples from it must pass.
        let mut test_range_valid = 0;
        for n in (9_990_000_000u64..=9_999_999_999).step_by(7_919) {
            let s = n.to_string();
            let spaced = format!("NHS number {} {} {}", &s[..3], &s[3..6], &s[6..]);
            if NhsNumber::parse(&s).is_some() {
                test_range_valid += 1;
                assert!(find_nhs_numbers("body", &spaced).is_empty(), "{spaced}");
            }
        }
        assert!(test_range_valid > 50);
    }

    #[test]
    fn longer_digit_runs_and_dates_are_not_mistaken_for_numbers() {
        assert!(find_nhs_numbers("body", "NHS trust budget 94347659190 pounds").is_empty());
        assert!(find_nhs_numbers("body", "NHS clinic on 2026-11-23 at 10:00").is_empty());
    }

    #[test]
    fn text_around_multibyte_characters_is_scanned_safely() {
        let found = find_nhs_numbers("title", "NHS № — “943 476 5919” café");
        assert_eq!(found.len(), 1);
    }
}
