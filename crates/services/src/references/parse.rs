//! Reading a reference export (RIS, PubMed/MEDLINE `.nbib`, EndNote XML or BibTeX)
//! into sources. `biblib` parses; before it does, the line-based formats are checked
//! line by line here, because biblib reads past a record cut short or a stray line
//! without complaint, and a librarian needs to know which record and line is wrong
//! before anything is added.
use biblib::{BibParser, Citation, CitationParser, EndNoteXmlParser, PubMedParser, RisParser};
use signpost_domain::FieldError;
use signpost_domain::fields::Source;

use crate::ServiceError;

/// The most records one file may hold: a large database export, in one go.
pub const MAX_RECORDS: usize = 2000;
/// The most problems reported for one file; the rest are counted.
const MAX_PROBLEMS: usize = 20;

/// The reference formats Signpost reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReferenceFormat {
    /// RIS, as Ovid, EBSCOhost, Zotero and EndNote export it.
    Ris,
    /// PubMed's MEDLINE format (`.nbib`).
    Medline,
    /// EndNote's XML export.
    EndNoteXml,
    /// BibTeX (`.bib`).
    Bibtex,
}

impl ReferenceFormat {
    /// What people call it.
    pub fn label(self) -> &'static str {
        match self {
            ReferenceFormat::Ris => "RIS",
            ReferenceFormat::Medline => "PubMed (MEDLINE)",
            ReferenceFormat::EndNoteXml => "EndNote XML",
            ReferenceFormat::Bibtex => "BibTeX",
        }
    }
}

/// One reference read from a file, with where it was.
#[derive(Debug, Clone)]
pub struct ParsedReference {
    /// What it cites.
    pub source: Source,
    /// Its place in the file, from 1.
    pub record: usize,
    /// The line it starts on.
    pub line: usize,
}

/// What is wrong with a file, by record and line.
struct Problems(Vec<String>, usize);

impl Problems {
    fn new() -> Self {
        Problems(Vec::new(), 0)
    }

    fn at(&mut self, record: Option<usize>, line: usize, message: impl Into<String>) {
        if self.0.len() < MAX_PROBLEMS {
            let place = match record {
                Some(r) => format!("record {r}, line {line}"),
                None => format!("line {line}"),
            };
            self.0.push(format!("{place}: {}", message.into()));
        } else {
            self.1 += 1;
        }
    }

    fn into_result(self) -> Result<(), ServiceError> {
        if self.0.is_empty() {
            return Ok(());
        }
        let mut errors: Vec<FieldError> = self.0.into_iter().map(|m| FieldError::new("file", m)).collect();
        if self.1 > 0 {
            errors.push(FieldError::new("file", format!("and {} more problems", self.1)));
        }
        Err(ServiceError::Invalid(errors))
    }
}

/// The file's text: UTF-8 without a byte-order mark, or else Latin-1 (older Ovid and
/// EBSCOhost exports), with every line ending made `\n`.
fn decode(bytes: &[u8]) -> String {
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t.to_string(),
        Err(_) => bytes.iter().map(|&b| b as char).collect(),
    };
    text.trim_start_matches('\u{feff}').replace("\r\n", "\n").replace('\r', "\n")
}

fn detect(text: &str) -> Result<ReferenceFormat, ServiceError> {
    let first = text.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or("");
    if ris_tag(first).is_some_and(|(tag, _)| tag == "TY") {
        Ok(ReferenceFormat::Ris)
    } else if first.starts_with("PMID-") {
        Ok(ReferenceFormat::Medline)
    } else if first.starts_with('<') {
        Ok(ReferenceFormat::EndNoteXml)
    } else if first.starts_with('@') || first.starts_with('%') {
        Ok(ReferenceFormat::Bibtex)
    } else if first.is_empty() {
        Err(ServiceError::invalid("file", "the file is empty"))
    } else {
        Err(ServiceError::invalid(
            "file",
            "line 1: this is not RIS (starting \"TY  - \"), PubMed MEDLINE (starting \"PMID- \"), EndNote XML or BibTeX (starting \"@\")",
        ))
    }
}

/// A RIS tag line, "TY  - JOUR": two characters, two spaces, a hyphen, then a space or
/// nothing (Zotero ends records with "ER  -").
fn ris_tag(line: &str) -> Option<(&str, &str)> {
    let b = line.as_bytes();
    let shaped = b.len() >= 5
        && b[0].is_ascii_uppercase()
        && (b[1].is_ascii_uppercase() || b[1].is_ascii_digit())
        && &b[2..5] == b"  -"
        && (b.len() == 5 || b[5] == b' ');
    shaped.then(|| (&line[..2], line[5..].trim()))
}

/// A MEDLINE tag line, "PMID- 123" or "AU  - Smith J": up to four letters or digits
/// padded with spaces to four, then "- ".
fn medline_tag(line: &str) -> Option<(&str, &str)> {
    let b = line.as_bytes();
    let shaped = b.len() >= 5
        && b[0].is_ascii_uppercase()
        && b[..4].iter().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || *c == b' ')
        && b[4] == b'-'
        && (b.len() == 5 || b[5] == b' ');
    shaped.then(|| (line[..4].trim_end(), line[5..].trim()))
}

fn starts_with_year(value: &str) -> bool {
    value.len() >= 4 && value.as_bytes()[..4].iter().all(u8::is_ascii_digit)
}

/// Checks a RIS file's shape; returns the line each record starts on.
fn check_ris(text: &str, problems: &mut Problems) -> Vec<usize> {
    let mut starts = Vec::new();
    let mut open: Option<(usize, usize)> = None;
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        if line.trim().is_empty() {
            continue;
        }
        match ris_tag(line) {
            Some(("TY", _)) => {
                if let Some((r, l)) = open {
                    problems.at(Some(r), l, format!("the record is not closed with \"ER  -\" before the next one starts on line {n}"));
                }
                starts.push(n);
                open = Some((starts.len(), n));
            }
            Some(("ER", _)) => {
                if open.is_none() {
                    problems.at(None, n, "\"ER  -\" closes a record that was never started with \"TY  - \"");
                }
                open = None;
            }
            Some((tag, value)) => match open {
                None => problems.at(None, n, format!("{tag} is outside a record; each record starts with \"TY  - \"")),
                Some((r, _)) if tag == "PY" && !starts_with_year(value) => {
                    problems.at(Some(r), n, format!("PY must start with a four-digit year, not {value:?}"))
                }
                Some(_) => {}
            },
            // Inside a record, an untagged line continues the one before (a long abstract).
            None if open.is_none() => problems.at(None, n, "this line is outside a record; each record starts with \"TY  - \""),
            None => {}
        }
    }
    if let Some((r, l)) = open {
        problems.at(Some(r), l, "the record is never closed with \"ER  -\"; is the file cut short?");
    }
    starts
}

/// Checks a MEDLINE file's shape; returns the line each record starts on.
fn check_medline(text: &str, problems: &mut Problems) -> Vec<usize> {
    let mut starts = Vec::new();
    let mut open = false;
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        if line.trim().is_empty() {
            open = false;
            continue;
        }
        let record = (!starts.is_empty()).then_some(starts.len());
        match medline_tag(line) {
            Some(("PMID", value)) => {
                starts.push(n);
                open = true;
                if value.is_empty() || value.len() > 9 || !value.bytes().all(|b| b.is_ascii_digit()) {
                    problems.at(Some(starts.len()), n, format!("PMID must be 1 to 9 digits, not {value:?}"));
                }
            }
            Some((tag, _)) if !open => problems.at(record, n, format!("{tag} is outside a record; each record starts with \"PMID- \"")),
            Some(("DP", value)) if !starts_with_year(value) => {
                problems.at(record, n, format!("DP must start with a four-digit year, not {value:?}"))
            }
            Some(_) => {}
            None if open && line.starts_with("      ") => {}
            None => problems.at(record, n, "this line is neither a tag (such as \"TI  - \") nor a continuation indented by six spaces"),
        }
    }
    starts
}

/// The line each BibTeX entry starts on (not `@comment`, `@string` or `@preamble`).
fn bibtex_starts(text: &str) -> Vec<usize> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| {
            let l = l.trim_start().to_ascii_lowercase();
            l.starts_with('@') && !["@comment", "@string", "@preamble"].iter().any(|k| l.starts_with(k))
        })
        .map(|(i, _)| i + 1)
        .collect()
}

/// The line each EndNote `<record>` starts on.
fn xml_starts(text: &str) -> Vec<usize> {
    let mut starts = Vec::new();
    for (i, line) in text.lines().enumerate() {
        starts.extend(std::iter::repeat_n(i + 1, line.matches("<record>").count()));
    }
    starts
}

/// The record a line falls in, given where each record starts.
fn record_at(starts: &[usize], line: usize) -> Option<usize> {
    let n = starts.partition_point(|&s| s <= line);
    (n > 0).then_some(n)
}

/// Reads a reference export, refusing the whole file if any record is wrong.
pub fn parse_references(bytes: &[u8]) -> Result<(ReferenceFormat, Vec<ParsedReference>), ServiceError> {
    let text = decode(bytes);
    let format = detect(&text)?;
    let mut problems = Problems::new();
    let starts = match format {
        ReferenceFormat::Ris => check_ris(&text, &mut problems),
        ReferenceFormat::Medline => check_medline(&text, &mut problems),
        ReferenceFormat::Bibtex => bibtex_starts(&text),
        ReferenceFormat::EndNoteXml => xml_starts(&text),
    };
    if starts.len() > MAX_RECORDS {
        return Err(ServiceError::TooLarge(format!("the file holds {} references; import at most {MAX_RECORDS} at a time", starts.len())));
    }
    problems.into_result()?;
    let parsed = match format {
        ReferenceFormat::Ris => RisParser::new().parse(&text),
        ReferenceFormat::Medline => PubMedParser::new().parse(&text),
        ReferenceFormat::Bibtex => BibParser::new().parse(&text),
        ReferenceFormat::EndNoteXml => EndNoteXmlParser::new().parse(&text),
    };
    let citations = parsed.map_err(|e| {
        let message = e.error.to_string();
        match e.line {
            Some(line) => ServiceError::invalid(
                "file",
                match record_at(&starts, line) {
                    Some(r) => format!("record {r}, line {line}: {message}"),
                    None => format!("line {line}: {message}"),
                },
            ),
            None => ServiceError::invalid("file", format!("the {} file cannot be read: {message}", format.label())),
        }
    })?;
    let mut problems = Problems::new();
    let mut references = Vec::with_capacity(citations.len());
    for (i, citation) in citations.into_iter().enumerate() {
        let (record, line) = (i + 1, starts.get(i).copied().unwrap_or(0));
        let source = to_source(citation, format);
        if source.title.is_empty() {
            problems.at(Some(record), line, "the record has no title");
        }
        references.push(ParsedReference { source, record, line });
    }
    problems.into_result()?;
    if references.is_empty() {
        return Err(ServiceError::invalid("file", format!("the {} file holds no references", format.label())));
    }
    Ok((format, references))
}

fn squeeze(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn present(s: Option<String>) -> Option<String> {
    s.map(|v| squeeze(&v)).filter(|v| !v.is_empty())
}

/// Whether the record came from a MEDLINE database, where the accession number is the
/// PMID (Ovid's "DB  - Ovid MEDLINE(R)", EBSCOhost's "DB  - cmedm").
fn from_medline(c: &Citation) -> bool {
    ["DB", "DP"].iter().filter_map(|k| c.extra_fields.get(*k)).flatten().any(|v| {
        let v = v.to_lowercase();
        v.contains("medline") || v.contains("pubmed") || v == "cmedm"
    })
}

/// Letters with an accent, by LaTeX accent command: the plain letters, then the same
/// letters accented, in the same order.
const ACCENTS: [(char, &str, &str); 7] = [
    ('"', "aeiouyAEIOU", "äëïöüÿÄËÏÖÜ"),
    ('\'', "aeiouyAEIOUcnszCNSZ", "áéíóúýÁÉÍÓÚćńśźĆŃŚŹ"),
    ('`', "aeiouAEIOU", "àèìòùÀÈÌÒÙ"),
    ('^', "aeiouAEIOU", "âêîôûÂÊÎÔÛ"),
    ('~', "anoANO", "ãñõÃÑÕ"),
    ('c', "cCsS", "çÇşŞ"),
    ('v', "cCsSzZrReE", "čČšŠžŽřŘěĚ"),
];

/// Letters LaTeX names by a command, such as `\o` for "ø".
const NAMED: [(&str, &str); 10] =
    [("o", "ø"), ("O", "Ø"), ("aa", "å"), ("AA", "Å"), ("ss", "ß"), ("ae", "æ"), ("AE", "Æ"), ("oe", "œ"), ("l", "ł"), ("L", "Ł")];

/// A BibTeX value as text: `\&` is "&", `{\"u}` and `\"{u}` are "ü", `\textit{x}` is
/// "x", and the braces that protect capitals ("{NHS}") go. LaTeX is a language; this
/// reads the part that reference managers write into bibliographies.
fn decode_latex(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some(e @ ('&' | '%' | '$' | '#' | '_' | '{' | '}')) => out.push(e),
            Some(accent)
                if ACCENTS.iter().any(|(a, _, _)| *a == accent) && (!accent.is_alphabetic() || matches!(chars.peek(), Some('{' | ' '))) =>
            {
                while matches!(chars.peek(), Some('{' | ' ')) {
                    chars.next();
                }
                if let Some(letter) = chars.next() {
                    let (_, plain, marked) = ACCENTS.iter().find(|(a, _, _)| *a == accent).expect("listed");
                    out.push(plain.chars().position(|p| p == letter).and_then(|i| marked.chars().nth(i)).unwrap_or(letter));
                }
            }
            Some(first) if first.is_ascii_alphabetic() => {
                let mut name = first.to_string();
                while let Some(&n) = chars.peek().filter(|n| n.is_ascii_alphabetic()) {
                    name.push(n);
                    chars.next();
                }
                if let Some((_, letter)) = NAMED.iter().find(|(n, _)| *n == name) {
                    out.push_str(letter);
                }
                // Other commands (\textit, \emph) drop; what they applied to stays.
                if chars.peek() == Some(&' ') {
                    chars.next();
                }
            }
            Some(other) => out.push(other),
            None => {}
        }
    }
    out.replace(['{', '}'], "")
}

/// A title as a citation shows it, without the full stop MEDLINE ends every title with.
fn clean_title(title: &str) -> String {
    let title = squeeze(title);
    title.strip_suffix('.').map(str::to_string).unwrap_or(title)
}

fn to_source(mut c: Citation, format: ReferenceFormat) -> Source {
    if format == ReferenceFormat::Bibtex {
        let decode = |v: &mut Option<String>| *v = v.as_deref().map(decode_latex);
        c.title = decode_latex(&c.title);
        for v in [&mut c.journal, &mut c.journal_abbr, &mut c.abstract_text, &mut c.volume, &mut c.issue, &mut c.pages] {
            decode(v);
        }
        for a in &mut c.authors {
            a.name = decode_latex(&a.name);
            decode(&mut a.given_name);
            decode(&mut a.middle_name);
        }
    }
    let pmid = c.pmid.clone().or_else(|| {
        c.accession_number
            .clone()
            .filter(|an| from_medline(&c) && !an.is_empty() && an.len() <= 9 && an.bytes().all(|b| b.is_ascii_digit()))
    });
    let authors = c
        .authors
        .iter()
        .map(|a| {
            let given: Vec<&str> = [a.given_name.as_deref(), a.middle_name.as_deref()].into_iter().flatten().collect();
            if given.is_empty() { squeeze(&a.name) } else { format!("{}, {}", squeeze(&a.name), squeeze(&given.join(" "))) }
        })
        .filter(|a| !a.is_empty())
        .collect();
    let doi = present(c.doi.clone());
    let url = c
        .urls
        .iter()
        .map(|u| u.trim())
        .find(|u| (u.starts_with("https://") || u.starts_with("http://")) && !u.contains("doi.org/"))
        .map(str::to_string);
    Source {
        title: clean_title(&c.title),
        authors,
        journal: present(c.journal.clone()).or_else(|| present(c.journal_abbr.clone())),
        year: c.date.as_ref().map(|d| d.year),
        volume: present(c.volume.clone()),
        issue: present(c.issue.clone()),
        // BibTeX writes ranges "812--819", some databases with an en dash.
        pages: present(c.pages.clone()).map(|p| p.replace("--", "-").replace('–', "-")),
        doi,
        pmid,
        url,
        abstract_text: present(c.abstract_text.clone()),
        appraisal: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(text: &str) -> Vec<String> {
        match parse_references(text.as_bytes()) {
            Err(ServiceError::Invalid(errors)) => errors.into_iter().map(|e| e.message).collect(),
            other => panic!("expected the file to be refused, got {other:?}"),
        }
    }

    #[test]
    fn a_ris_record_cut_short_is_named_with_its_line() {
        let text = "TY  - JOUR\nTI  - One\nPY  - 2020\nER  - \n\nTY  - JOUR\nTI  - Two\nAU  - Smith, J\n";
        assert_eq!(problems(text), ["record 2, line 6: the record is never closed with \"ER  -\"; is the file cut short?"]);
    }

    #[test]
    fn a_ris_year_that_is_not_a_year_is_refused_where_it_is() {
        let text = "TY  - JOUR\nTI  - One\nER  -\nTY  - JOUR\nTI  - Two\nPY  - 20x\nER  -\n";
        assert_eq!(problems(text), ["record 2, line 6: PY must start with a four-digit year, not \"20x\""]);
    }

    #[test]
    fn a_stray_medline_line_is_refused_where_it_is() {
        let text = "PMID- 123\nTI  - A title that\n      wraps\nJUNK here\nAU  - Smith J\n\nPMID- 456\nTI  - Two\n";
        assert_eq!(
            problems(text),
            ["record 1, line 4: this line is neither a tag (such as \"TI  - \") nor a continuation indented by six spaces"]
        );
    }

    #[test]
    fn a_broken_bibtex_entry_names_its_record() {
        let text = "@article{a,\n title={One},\n year={2020}\n}\n\n@article{b,\n title={Two,\n year=2021\n}\n";
        let found = problems(text);
        assert!(found[0].starts_with("record 2, line "), "{found:?}");
    }

    #[test]
    fn a_record_without_a_title_is_refused() {
        let text = "TY  - JOUR\nTI  - One\nER  -\nTY  - JOUR\nPY  - 2020\nJO  - BMJ\nER  -\n";
        assert_eq!(problems(text), ["record 2, line 4: the record has no title"]);
    }

    #[test]
    fn bibtex_escapes_and_accents_read_as_the_letters_they_stand_for() {
        let text = r#"@article{x, title={Care of {NHS} staff: 50\% \& more in M{\"u}nchen and \textit{in vitro}}, journal={Quality \& Safety}, author={M{\"u}ller, Lena and {\O}stergaard, J{\o}rn and Garc\'{i}a, Jos\'e}, pages={1--2}, year={2020}}"#;
        let (_, refs) = parse_references(text.as_bytes()).unwrap();
        let s = &refs[0].source;
        assert_eq!(s.title, "Care of NHS staff: 50% & more in München and in vitro");
        assert_eq!(s.journal.as_deref(), Some("Quality & Safety"));
        assert_eq!(s.authors, ["Müller, Lena", "Østergaard, Jørn", "García, José"]);
        assert_eq!(s.pages.as_deref(), Some("1-2"));
    }

    #[test]
    fn crlf_bom_and_multi_line_abstracts_read_as_one_text() {
        let text = "\u{feff}TY  - JOUR\r\nTI  - Falls after\r\n discharge\r\nAU  - Smith, Jane A.\r\nAU  - Okafor, Chidi\r\nPY  - 2021\r\nSP  - 812\r\nEP  - 819\r\nAB  - Background.\r\nMethods: cohort.\r\nER  -";
        let (format, refs) = parse_references(text.as_bytes()).unwrap();
        assert_eq!(format, ReferenceFormat::Ris);
        let s = &refs[0].source;
        assert_eq!(s.title, "Falls after discharge");
        assert_eq!(s.authors, ["Smith, Jane A.", "Okafor, Chidi"]);
        assert_eq!((s.year, s.pages.as_deref()), (Some(2021), Some("812-819")));
        assert_eq!(s.abstract_text.as_deref(), Some("Background. Methods: cohort."));
    }
}
