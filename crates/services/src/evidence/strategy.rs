//! Reading a search strategy as specialists paste it from a database's search history:
//! Ovid's `1     exp Accidental Falls/     23456`, EBSCOhost's `S1   (MH "Accidental
//! Falls")   12,345`, or typed as `falls prevention | 812`.
use signpost_domain::FieldError;
use signpost_domain::evidence::SearchLine;

/// Lines in one database's strategy.
pub const MAX_LINES: usize = 200;
/// Characters in one line.
const MAX_LINE_CHARS: usize = 2_000;

/// Where the result count starts: the last word, when a tab, a `|` or a gap of two or
/// more spaces comes before it, so a search that ends in a number (`1 or 2`) is never
/// read as its own count.
fn count_start(line: &str) -> Option<usize> {
    let at = line.rfind([' ', '\t', '|'])? + 1;
    let gap = &line[..at];
    let spaces = gap.len() - gap.trim_end_matches(' ').len();
    let before = gap.trim_end_matches(' ').chars().last();
    (at < line.len() && (spaces >= 2 || matches!(before, Some('\t' | '|')))).then_some(at)
}

/// The search history's own line number (`1`, `S1`, `#1`, `1.`), when the line starts
/// with one followed by a tab or a wider gap than a word's.
fn without_line_number(line: &str) -> &str {
    let rest = line.trim_start_matches(['S', 's', '#']);
    let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    if digits == 0 {
        return line;
    }
    let after = rest[digits..].trim_start_matches(['.', ')']);
    let marked = after.len() < rest.len() - digits || line.len() != rest.len();
    if after.starts_with('\t') || after.starts_with("  ") || (marked && after.starts_with(' ')) { after.trim_start() } else { line }
}

/// Reads the lines of a strategy, naming each problem by its line.
pub fn read_lines(text: &str, field: &str) -> Result<Vec<SearchLine>, Vec<FieldError>> {
    let mut lines = Vec::new();
    let mut errors = Vec::new();
    let rows: Vec<(usize, &str)> = text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()).collect();
    if rows.is_empty() {
        return Err(vec![FieldError::new(field, "enter the search lines, one a line, each ending with its number of results")]);
    }
    if rows.len() > MAX_LINES {
        return Err(vec![FieldError::new(field, format!("a strategy has at most {MAX_LINES} lines; this one has {}", rows.len()))]);
    }
    for (i, raw) in rows {
        let n = i + 1;
        let line = raw.trim_end().trim_start_matches('\u{feff}');
        if line.chars().count() > MAX_LINE_CHARS {
            errors.push(FieldError::new(field, format!("line {n} is longer than {MAX_LINE_CHARS} characters")));
            continue;
        }
        let Some(at) = count_start(line) else {
            errors.push(FieldError::new(field, format!("line {n}: end it with its number of results after a tab or \u{201c} | \u{201d}")));
            continue;
        };
        let count: String = line[at..].chars().filter(|c| *c != ',').collect();
        let Ok(results) = count.parse::<u64>() else {
            errors.push(FieldError::new(field, format!("line {n}: \u{201c}{}\u{201d} is not a number of results", &line[at..])));
            continue;
        };
        let search = without_line_number(line[..at].trim_end_matches(['\t', '|', ' ']).trim());
        if search.is_empty() {
            errors.push(FieldError::new(field, format!("line {n}: say what was searched before its number of results")));
            continue;
        }
        lines.push(SearchLine { text: search.to_string(), results });
    }
    if errors.is_empty() { Ok(lines) } else { Err(errors) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Vec<(String, u64)> {
        read_lines(text, "lines").expect("reads").into_iter().map(|l| (l.text, l.results)).collect()
    }

    #[test]
    fn ovid_and_ebsco_histories_are_read_as_pasted() {
        let ovid = "1\texp Accidental Falls/\t23456\n2\t(fall* adj3 prevent*).tw.\t8765\n3     1 or 2     28000\n";
        assert_eq!(
            read(ovid),
            vec![("exp Accidental Falls/".into(), 23456), ("(fall* adj3 prevent*).tw.".into(), 8765), ("1 or 2".into(), 28000)]
        );
        let ebsco = "S1   (MH \"Accidental Falls\")   12,345\r\nS2   S1 AND hospital*   1,020\r\n";
        assert_eq!(read(ebsco), vec![("(MH \"Accidental Falls\")".into(), 12345), ("S1 AND hospital*".into(), 1020)]);
    }

    #[test]
    fn typed_lines_keep_a_leading_number_that_is_part_of_the_search() {
        assert_eq!(read("1 or 2 | 312\nfalls prevention | 812"), vec![("1 or 2".into(), 312), ("falls prevention".into(), 812)]);
        assert_eq!(read("#4 3 and 2 | 9"), vec![("3 and 2".into(), 9)]);
    }

    #[test]
    fn each_problem_names_its_line() {
        let errors = read_lines("falls | 12\nfalls prevention 2\n | 4\nsepsis | many", "lines").expect_err("refused");
        let messages: Vec<&str> = errors.iter().map(|e| e.message.as_str()).collect();
        assert!(messages[0].starts_with("line 2: end it with its number"), "{messages:?}");
        assert!(messages[1].starts_with("line 3: say what was searched"), "{messages:?}");
        assert!(messages[2].starts_with("line 4: \u{201c}many\u{201d} is not a number"), "{messages:?}");
        assert_eq!(errors.len(), 3);
        assert!(read_lines(&"a | 1\n".repeat(MAX_LINES + 1), "lines").is_err());
    }
}
