//! The thesaurus as CSV: `term,broader,non_preferred,scope_note`, one preferred term a
//! row, several broader or non-preferred terms split by `|`. Problems are named by line.
use signpost_domain::FieldError;
use signpost_domain::thesaurus::{Term, Thesaurus};

use super::split_list;
use crate::ServiceError;

const COLUMNS: [&str; 4] = ["term", "broader", "non_preferred", "scope_note"];

/// Reads a thesaurus from CSV with a header row naming its columns.
pub(super) fn read(text: &str) -> Result<Vec<Term>, ServiceError> {
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| ServiceError::invalid("file", format!("line 1: the header cannot be read ({e})")))?
        .iter()
        .map(|h| h.trim().to_lowercase().replace(' ', "_"))
        .collect();
    let column = |name: &str| header.iter().position(|h| h == name);
    let Some(term_at) = column("term") else {
        return Err(ServiceError::invalid("file", format!("line 1: the header must name the columns {}", COLUMNS.join(", "))));
    };
    let (broader_at, np_at, note_at) = (column("broader"), column("non_preferred"), column("scope_note"));
    let mut terms = Vec::new();
    let mut lines = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line());
            ServiceError::invalid("file", format!("line {line}: {e}"))
        })?;
        let line = record.position().map_or(0, |p| p.line());
        let cell = |at: Option<usize>| at.and_then(|i| record.get(i)).unwrap_or("").to_string();
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        terms.push(Term {
            label: cell(Some(term_at)).split_whitespace().collect::<Vec<_>>().join(" "),
            broader: split_list(&cell(broader_at)),
            non_preferred: split_list(&cell(np_at)),
            scope_note: cell(note_at).trim().to_string(),
        });
        lines.push(line);
        if terms.len() > signpost_domain::thesaurus::MAX_TERMS {
            break;
        }
    }
    let errors = Thesaurus::check(&terms);
    if !errors.is_empty() {
        return Err(ServiceError::Invalid(errors.into_iter().map(|e| at_line(e, &lines)).collect()));
    }
    Ok(terms)
}

/// A problem with `terms[i]` as the line it came from.
fn at_line(e: FieldError, lines: &[u64]) -> FieldError {
    let index = e.field.strip_prefix("terms[").and_then(|rest| rest.split(']').next()).and_then(|i| i.parse::<usize>().ok());
    match index.and_then(|i| lines.get(i)) {
        Some(line) => FieldError::new("file", format!("line {line}: {}", e.message)),
        None => FieldError::new("file", e.message),
    }
}

/// Writes the thesaurus as CSV with a byte-order mark, so spreadsheets read it as UTF-8.
pub(super) fn write(terms: &[Term]) -> Result<String, ServiceError> {
    let rows = terms.iter().map(|t| [t.label.clone(), t.broader.join("|"), t.non_preferred.join("|"), t.scope_note.clone()]);
    crate::cells::csv_file(&COLUMNS, rows)
}
