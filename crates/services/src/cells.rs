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
}
