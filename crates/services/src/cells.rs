//! Text that people wrote, going into a CSV or a workbook someone else will open. A
//! cell that begins like a formula (`=`, `+`, `-`, `@`, a tab or a carriage return) could
//! run in the reader's spreadsheet program; every CSV and XLSX Signpost writes passes
//! its text through here so it stays text.
use std::borrow::Cow;

use rust_xlsxwriter::{Format, Worksheet, XlsxError};

const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// Whether a spreadsheet program could take `text` for a formula.
pub fn formula_like(text: &str) -> bool {
    text.starts_with(FORMULA_STARTS)
}

/// A CSV cell: formula-like text gets a leading apostrophe, as OWASP advises, so it
/// opens as text.
pub fn csv_cell(text: &str) -> Cow<'_, str> {
    if formula_like(text) { Cow::Owned(format!("'{text}")) } else { Cow::Borrowed(text) }
}

/// Writes `text` as a text cell; formula-like text is marked with the quote prefix, so it
/// shows unchanged, reads back unchanged, and stays text when someone edits the cell.
pub fn write_text(sheet: &mut Worksheet, row: u32, column: u16, text: &str) -> Result<(), XlsxError> {
    if formula_like(text) {
        sheet.write_string_with_format(row, column, text, &Format::new().set_quote_prefix())?;
    } else {
        sheet.write_string(row, column, text)?;
    }
    Ok(())
}

/// A CSV file for a spreadsheet program: a UTF-8 byte-order mark first (without it Excel
/// reads the file as the local code page and shows "Ã©" for "é"), then `header` and
/// `rows`, every cell neutralised.
pub fn csv_file<R, C>(header: &[&str], rows: R) -> Result<String, crate::ServiceError>
where
    R: IntoIterator<Item = C>,
    C: IntoIterator,
    C::Item: AsRef<str>,
{
    let failed = |e: csv::Error| crate::ServiceError::caused("the CSV could not be written", e);
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(header).map_err(failed)?;
    for row in rows {
        w.write_record(row.into_iter().map(|cell| csv_cell(cell.as_ref()).into_owned())).map_err(failed)?;
    }
    let bytes = w.into_inner().map_err(|e| crate::ServiceError::caused("the CSV could not be written", e))?;
    let text = String::from_utf8(bytes).map_err(|e| crate::ServiceError::caused("the CSV is not UTF-8", e))?;
    Ok(format!("\u{feff}{text}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_like_cells_open_as_text() {
        assert_eq!(csv_cell("=HYPERLINK(\"http://evil\")"), "'=HYPERLINK(\"http://evil\")");
        for danger in ["+1", "-1+2", "@SUM(A1)", "\tcmd", "\rcmd"] {
            assert!(csv_cell(danger).starts_with('\''), "{danger:?}");
        }
        assert_eq!(csv_cell("Ward A: 3 lessons"), "Ward A: 3 lessons");
        assert_eq!(csv_cell(""), "");
    }

    #[test]
    fn csv_files_start_with_a_byte_order_mark_and_read_back_without_it() {
        let text = csv_file(&["Title", "Note"], [["Café — ward", "=1+1"]]).unwrap();
        assert!(text.starts_with('\u{feff}'));
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        assert_eq!(reader.headers().unwrap().iter().collect::<Vec<_>>(), ["Title", "Note"]);
        let row = reader.records().next().unwrap().unwrap();
        assert_eq!(row.iter().collect::<Vec<_>>(), ["Café — ward", "'=1+1"]);
    }
}
