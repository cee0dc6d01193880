//! The introduction a coffee pair receives: the partner's details and conversation
//! starters as text, and an iCalendar (RFC 5545) invitation to arrange the meeting.
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc, Weekday};
use signpost_domain::people::User;

/// Openers that work between people who have never met.
const STARTERS: [&str; 3] = [
    "What does a typical week look like in your role?",
    "What is something your team has learned recently that others could use?",
    "Who else in the organisation should each of you meet?",
];

/// A partner as the introduction describes them.
#[derive(Debug, Clone)]
pub struct Partner {
    /// Their account.
    pub user: User,
    /// Their team's name.
    pub team: String,
    /// Their line about themselves.
    pub about: String,
    /// Their declared skills and interests, if their profile lets the reader see them.
    pub interests: Vec<String>,
}

/// Conversation starters for a group: shared interests first, then general openers.
pub fn starters(reader_interests: &[String], partners: &[Partner]) -> Vec<String> {
    let mut out = Vec::new();
    for p in partners {
        if let Some(shared) = p.interests.iter().find(|i| reader_interests.contains(i)) {
            out.push(format!("You and {} both list {shared}: what got you into it?", p.user.name));
        } else if let Some(first) = p.interests.first() {
            out.push(format!("Ask {} about {first}.", p.user.name));
        }
    }
    out.extend(STARTERS.iter().map(|s| s.to_string()));
    out
}

/// The introduction's text for one person.
pub fn introduction(programme: &str, reader: &User, partners: &[Partner], starters: &[String], page: &str) -> String {
    let mut text = format!("Hello {},\n\nYour {programme} match for this round:\n", reader.name);
    for p in partners {
        text.push_str(&format!("\n  {}: {}, {} ({})\n  Email: {}\n", p.user.name, p.user.job_title, p.team, p.user.site, p.user.email));
        if !p.about.is_empty() {
            text.push_str(&format!("  In their words: {}\n", p.about));
        }
    }
    text.push_str("\nEither of you can get in touch: 15 to 30 minutes, in person or online. The attached invitation holds a slot you can move.\n\nConversation starters:\n");
    for s in starters {
        text.push_str(&format!("  - {s}\n"));
    }
    text.push_str(&format!("\nAfterwards, tell us how it went: {page}\n"));
    text
}

/// The first weekday at least two days after `from`: a first suggestion, easy to move.
pub fn suggested_day(from: NaiveDate) -> NaiveDate {
    let mut day = from + Duration::days(2);
    while matches!(day.weekday(), Weekday::Sat | Weekday::Sun) {
        day += Duration::days(1);
    }
    day
}

/// Escapes a TEXT value (RFC 5545 §3.3.11).
fn escape(text: &str) -> String {
    text.replace('\\', "\\\\").replace(';', "\\;").replace(',', "\\,").replace("\r\n", "\\n").replace(['\n', '\r'], "\\n")
}

/// Folds a content line at 75 octets, never inside a character (RFC 5545 §3.1).
fn fold(line: &str) -> String {
    let mut out = String::new();
    let mut width = 0;
    for c in line.chars() {
        if width + c.len_utf8() > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += c.len_utf8();
    }
    out.push_str("\r\n");
    out
}

/// An invitation for the group to meet for 30 minutes at 10:00 UTC on `day`.
pub fn calendar(uid: &str, summary: &str, description: &str, day: NaiveDate, people: &[&User], now: DateTime<Utc>) -> String {
    let start = day.and_hms_opt(10, 0, 0).map(|t| t.and_utc()).unwrap_or(now);
    let stamp = |t: DateTime<Utc>| t.format("%Y%m%dT%H%M%SZ").to_string();
    let mut lines = vec![
        "BEGIN:VCALENDAR".to_string(),
        "VERSION:2.0".to_string(),
        "PRODID:-//Signpost//Randomised coffee trials//EN".to_string(),
        "METHOD:PUBLISH".to_string(),
        "BEGIN:VEVENT".to_string(),
        format!("UID:{uid}"),
        format!("DTSTAMP:{}", stamp(now)),
        format!("DTSTART:{}", stamp(start)),
        format!("DTEND:{}", stamp(start + Duration::minutes(30))),
        format!("SUMMARY:{}", escape(summary)),
        format!("DESCRIPTION:{}", escape(description)),
    ];
    for p in people {
        // A parameter value may hold neither quotes nor line breaks (RFC 5545 §3.2).
        let name: String = p.name.chars().filter(|c| !c.is_control()).map(|c| if c == '"' { '\'' } else { c }).collect();
        lines.push(format!("ATTENDEE;CN=\"{name}\";ROLE=REQ-PARTICIPANT:mailto:{}", p.email));
    }
    lines.extend(["END:VEVENT".to_string(), "END:VCALENDAR".to_string()]);
    lines.iter().map(|l| fold(l)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use signpost_domain::ids::UserId;

    #[test]
    fn long_lines_fold_and_text_is_escaped() {
        let folded = fold(&format!("DESCRIPTION:{}", "é".repeat(60)));
        assert!(folded.split("\r\n").all(|l| l.len() <= 75), "{folded:?}");
        assert_eq!(folded.replace("\r\n ", "").trim_end(), format!("DESCRIPTION:{}", "é".repeat(60)));
        assert_eq!(escape("a, b; c\nd\r\ne"), "a\\, b\\; c\\nd\\ne");
        let odd = User { name: "Ann \"Nan\"\r\nBEGIN:VEVENT".into(), ..person() };
        let ics = calendar("u", "s", "d", NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(), &[&odd], Utc::now());
        assert!(ics.contains("ATTENDEE;CN=\"Ann 'Nan'BEGIN:VEVENT\";"), "{ics}");
        assert_eq!(ics.lines().filter(|l| l.starts_with("BEGIN:VEVENT")).count(), 1, "the name stays inside its parameter: {ics}");
    }

    fn person() -> User {
        User {
            id: UserId(1),
            email: "ann@trust.nhs.uk".into(),
            name: "Ann".into(),
            job_title: String::new(),
            profession: String::new(),
            site: String::new(),
            team_id: None,
            role: signpost_domain::people::Role::Member,
            created_at: Utc::now(),
            disabled_at: None,
            line_manager_id: None,
        }
    }

    #[test]
    fn the_suggested_day_is_a_weekday() {
        let friday = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
        assert_eq!(suggested_day(friday), NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(), "Sunday moves to Monday");
        let monday = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        assert_eq!(suggested_day(monday).weekday(), Weekday::Wed);
    }
}
