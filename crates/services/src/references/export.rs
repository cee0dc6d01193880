//! Writing sources out as RIS and BibTeX, for a reference manager to import. Written
//! here because the reference crates only read; each writer is a few lines per field.
use std::fmt::Write;

use signpost_domain::fields::Source;

/// The formats sources are exported in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// RIS (`.ris`): EndNote, Zotero, Mendeley, RefWorks.
    Ris,
    /// BibTeX (`.bib`).
    Bibtex,
}

impl ExportFormat {
    /// Reads the file extension asked for.
    pub fn from_extension(ext: &str) -> Option<Self> {
        match ext {
            "ris" => Some(ExportFormat::Ris),
            "bib" => Some(ExportFormat::Bibtex),
            _ => None,
        }
    }

    /// The file extension.
    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::Ris => "ris",
            ExportFormat::Bibtex => "bib",
        }
    }

    /// The media type to serve it as.
    pub fn content_type(self) -> &'static str {
        match self {
            ExportFormat::Ris => "application/x-research-info-systems; charset=utf-8",
            ExportFormat::Bibtex => "application/x-bibtex; charset=utf-8",
        }
    }
}

/// One line per value: a tag line cannot hold a line break.
fn flat(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Sources as RIS, CRLF line ends as the specification has them.
pub fn to_ris(sources: &[Source]) -> String {
    let mut out = String::new();
    for s in sources {
        let mut tag = |t: &str, v: &str| {
            let _ = write!(out, "{t}  - {}\r\n", flat(v));
        };
        tag("TY", if s.journal.is_some() { "JOUR" } else { "GEN" });
        tag("TI", &s.title);
        for a in &s.authors {
            tag("AU", a);
        }
        if let Some(v) = &s.journal {
            tag("T2", v);
        }
        if let Some(y) = s.year {
            tag("PY", &y.to_string());
        }
        for (t, v) in [("VL", &s.volume), ("IS", &s.issue)] {
            if let Some(v) = v {
                tag(t, v);
            }
        }
        if let Some(pages) = &s.pages {
            match pages.split_once('-') {
                Some((start, end)) => {
                    tag("SP", start);
                    tag("EP", end);
                }
                None => tag("SP", pages),
            }
        }
        for (t, v) in [("DO", &s.doi), ("UR", &s.url), ("AB", &s.abstract_text)] {
            if let Some(v) = v {
                tag(t, v);
            }
        }
        if let Some(pmid) = &s.pmid {
            // C2 is where EndNote and Zotero look for a PubMed id.
            tag("C2", pmid);
        }
        out.push_str("ER  - \r\n\r\n");
    }
    out
}

/// A BibTeX value in braces, with the characters BibTeX treats specially escaped.
fn braced(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('{');
    for c in flat(s).chars() {
        match c {
            '{' | '}' | '\\' | '%' | '&' | '$' | '#' | '_' => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out.push('}');
    out
}

/// A citation key such as `smith2021falls`: family name, year, first title word.
fn key(s: &Source, taken: &mut std::collections::HashSet<String>) -> String {
    let word = |t: &str| t.chars().filter(char::is_ascii_alphanumeric).collect::<String>().to_lowercase();
    let family = s.authors.first().and_then(|a| a.split(',').next()).map(word).unwrap_or_default();
    let first = s.title.split_whitespace().map(word).find(|w| w.len() > 3).unwrap_or_default();
    let base =
        format!("{}{}{}", if family.is_empty() { "ref".into() } else { family }, s.year.map(|y| y.to_string()).unwrap_or_default(), first);
    let mut candidate = base.clone();
    let mut n = 1;
    while !taken.insert(candidate.clone()) {
        n += 1;
        candidate = format!("{base}{n}");
    }
    candidate
}

/// Sources as BibTeX entries.
pub fn to_bibtex(sources: &[Source]) -> String {
    let mut out = String::new();
    let mut taken = std::collections::HashSet::new();
    for s in sources {
        let kind = if s.journal.is_some() { "article" } else { "misc" };
        let _ = writeln!(out, "@{kind}{{{},", key(s, &mut taken));
        let mut field = |name: &str, value: &str| {
            let _ = writeln!(out, "  {name} = {},", braced(value));
        };
        field("title", &s.title);
        if !s.authors.is_empty() {
            field("author", &s.authors.join(" and "));
        }
        if let Some(v) = &s.journal {
            field("journal", v);
        }
        if let Some(y) = s.year {
            field("year", &y.to_string());
        }
        for (name, v) in [("volume", &s.volume), ("number", &s.issue)] {
            if let Some(v) = v {
                field(name, v);
            }
        }
        if let Some(p) = &s.pages {
            field("pages", &p.replacen('-', "--", 1));
        }
        for (name, v) in [("doi", &s.doi), ("pmid", &s.pmid), ("url", &s.url), ("abstract", &s.abstract_text)] {
            if let Some(v) = v {
                field(name, v);
            }
        }
        out.push_str("}\n\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::references::parse::parse_references;

    fn sample() -> Vec<Source> {
        vec![Source {
            title: "Falls after discharge: a cohort study of 50% & more, with $5 #1 costs_".into(),
            authors: vec!["Smith, Jane A.".into(), "Okafor, Chidi".into()],
            journal: Some("Age and Ageing".into()),
            year: Some(2021),
            volume: Some("50".into()),
            issue: Some("3".into()),
            pages: Some("812-819".into()),
            doi: Some("10.1093/ageing/afab001".into()),
            pmid: Some("33567890".into()),
            url: None,
            abstract_text: Some("Background: falls are common.".into()),
            appraisal: None,
        }]
    }

    #[test]
    fn ris_and_bibtex_read_back_as_what_was_written() {
        for text in [to_ris(&sample()), to_bibtex(&sample())] {
            let (_, back) = parse_references(text.as_bytes()).unwrap();
            assert_eq!(back.into_iter().map(|r| r.source).collect::<Vec<_>>(), sample(), "{text}");
        }
    }
}
