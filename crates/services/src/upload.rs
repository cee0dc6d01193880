//! Reading what people upload without letting one file stop the server. Every upload
//! is checked against these limits before it is parsed, and parsed on a blocking
//! thread so a slow file never holds up the async workers. A refused file gets a 413
//! that names the limit it broke.
use std::io::{Cursor, Read};

use calamine::{Cell, Data, Range, Xlsx, open_workbook_from_rs};

use crate::ServiceError;

/// The largest file accepted, as sent.
pub const MAX_UPLOAD_BYTES: usize = 2 * 1024 * 1024;
/// The most entries an archive (an .xlsx is a zip) may hold.
pub const MAX_ARCHIVE_ENTRIES: usize = 200;
/// The largest any one archive entry may be once decompressed.
pub const MAX_ENTRY_BYTES: u64 = 32 * 1024 * 1024;
/// The most a whole archive may decompress to.
pub const MAX_ARCHIVE_BYTES: u64 = 64 * 1024 * 1024;
/// The last row a sheet may use (1-based, as spreadsheets number them).
pub const MAX_SHEET_ROWS: u32 = 10_000;
/// The last column a sheet may use (64 is column BL).
pub const MAX_SHEET_COLUMNS: u32 = 64;
/// The most non-empty cells one sheet may hold.
pub const MAX_SHEET_CELLS: usize = 100_000;

fn mib(bytes: u64) -> String {
    format!("{} MiB", bytes / (1024 * 1024))
}

/// Refuses a file larger than [`MAX_UPLOAD_BYTES`].
pub fn check_size(bytes: &[u8]) -> Result<(), ServiceError> {
    if bytes.len() > MAX_UPLOAD_BYTES {
        return Err(ServiceError::TooLarge(format!("the file is larger than the {} Signpost accepts", mib(MAX_UPLOAD_BYTES as u64))));
    }
    Ok(())
}

/// Refuses an archive with too many entries, or whose entries decompress past the limits.
/// Sizes are counted by decompressing, not read from the headers, which can lie.
pub fn check_archive(bytes: &[u8]) -> Result<(), ServiceError> {
    check_size(bytes)?;
    let not_a_workbook = |e: zip::result::ZipError| ServiceError::invalid("file", format!("this is not an .xlsx workbook ({e})"));
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(not_a_workbook)?;
    if archive.len() > MAX_ARCHIVE_ENTRIES {
        return Err(ServiceError::TooLarge(format!(
            "the workbook holds {} parts; Signpost reads at most {MAX_ARCHIVE_ENTRIES}",
            archive.len()
        )));
    }
    let mut total = 0u64;
    let mut sink = [0u8; 64 * 1024];
    for i in 0..archive.len() {
        let entry = archive.by_index(i).map_err(not_a_workbook)?;
        let name = entry.name().to_string();
        let mut limited = entry.take(MAX_ENTRY_BYTES + 1);
        let mut size = 0u64;
        loop {
            let n = limited.read(&mut sink).map_err(|e| ServiceError::invalid("file", format!("part {name:?} cannot be read ({e})")))?;
            if n == 0 {
                break;
            }
            size += n as u64;
        }
        if size > MAX_ENTRY_BYTES {
            return Err(ServiceError::TooLarge(format!(
                "part {name:?} of the workbook unpacks to more than {}, the most Signpost reads",
                mib(MAX_ENTRY_BYTES)
            )));
        }
        total += size;
        if total > MAX_ARCHIVE_BYTES {
            return Err(ServiceError::TooLarge(format!(
                "the workbook unpacks to more than {}, the most Signpost reads",
                mib(MAX_ARCHIVE_BYTES)
            )));
        }
    }
    Ok(())
}

/// A workbook that has passed [`check_archive`].
pub struct Workbook<'a>(Xlsx<Cursor<&'a [u8]>>);

impl<'a> Workbook<'a> {
    /// Checks the archive's limits, then opens it.
    pub fn open(bytes: &'a [u8]) -> Result<Self, ServiceError> {
        check_archive(bytes)?;
        let book = open_workbook_from_rs(Cursor::new(bytes))
            .map_err(|e| ServiceError::invalid("file", format!("this is not an .xlsx workbook ({e})")))?;
        Ok(Workbook(book))
    }

    /// One sheet's cells, refusing any cell past [`MAX_SHEET_ROWS`] or [`MAX_SHEET_COLUMNS`]
    /// and more than [`MAX_SHEET_CELLS`] cells, cell by cell as they are read: a sheet that
    /// claims to span a million rows is never laid out in memory.
    pub fn sheet(&mut self, name: &str) -> Result<Range<Data>, ServiceError> {
        let missing = || ServiceError::invalid("file", format!("the workbook has no sheet called {name:?}"));
        let mut reader = self.0.worksheet_cells_reader(name).map_err(|_| missing())?;
        let mut cells = Vec::new();
        while let Some(cell) =
            reader.next_cell().map_err(|e| ServiceError::invalid("file", format!("sheet {name:?} cannot be read ({e})")))?
        {
            let (row, column) = cell.get_position();
            if row >= MAX_SHEET_ROWS || column >= MAX_SHEET_COLUMNS {
                return Err(ServiceError::TooLarge(format!(
                    "sheet {name:?} uses row {} column {}; Signpost reads at most {MAX_SHEET_ROWS} rows and {MAX_SHEET_COLUMNS} columns",
                    row as u64 + 1,
                    column as u64 + 1
                )));
            }
            let value = Data::from(cell.get_value().clone());
            if value == Data::Empty {
                continue;
            }
            if cells.len() == MAX_SHEET_CELLS {
                return Err(ServiceError::TooLarge(format!(
                    "sheet {name:?} has more than {MAX_SHEET_CELLS} cells, the most Signpost reads"
                )));
            }
            cells.push(Cell::new((row, column), value));
        }
        Ok(Range::from_sparse(cells))
    }
}

/// Runs `parse` on a blocking thread: parsing a file is CPU work that must not stall the
/// async workers serving everyone else.
pub async fn off_the_workers<T: Send + 'static>(
    parse: impl FnOnce() -> Result<T, ServiceError> + Send + 'static,
) -> Result<T, ServiceError> {
    tokio::task::spawn_blocking(parse).await.map_err(|e| ServiceError::caused("a file could not be read", e))?
}
