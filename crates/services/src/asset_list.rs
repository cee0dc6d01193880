//! The knowledge a search finds, as a CSV file or a workbook a person opens in a
//! spreadsheet program: what the search page lists, one asset a row, as far as the
//! person may see it (the search itself filters by permission).
use std::collections::HashMap;

use chrono::{DateTime, Datelike, Utc};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, XlsxError};
use signpost_domain::ids::UserId;
use signpost_domain::people::Actor;
use signpost_domain::search::{SearchHit, SearchRequest};

use crate::search::MAX_OFFSET;
use crate::{ServiceError, Signpost, cells};

/// The most rows one export holds: as deep as a search pages.
pub const MAX_ROWS: usize = MAX_OFFSET;

/// The columns, in order.
const COLUMNS: [&str; 10] = ["Title", "Type", "Status", "Team", "Owner", "Summary", "Last updated", "Next review", "Review", "Link"];

/// A spreadsheet format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableFormat {
    /// Comma-separated values with a byte-order mark.
    Csv,
    /// An Excel workbook.
    Xlsx,
}

/// A file to download.
#[derive(Debug, Clone)]
pub struct Download {
    /// Its file name.
    pub name: String,
    /// Its media type.
    pub content_type: &'static str,
    /// Its bytes.
    pub bytes: Vec<u8>,
}

/// One asset as a row.
struct Row {
    cells: [String; 10],
    updated: DateTime<Utc>,
    review: DateTime<Utc>,
}

impl Signpost {
    /// Every asset `request` finds that `actor` may see, up to [`MAX_ROWS`], in the
    /// search's order, as `format`.
    pub async fn export_asset_list(&self, actor: &Actor, request: SearchRequest, format: TableFormat) -> Result<Download, ServiceError> {
        let hits = self.every_hit(actor, request).await?;
        let teams: HashMap<String, String> = self.teams(actor).await?.into_iter().map(|t| (t.id.to_string(), t.name)).collect();
        let mut owners: HashMap<UserId, String> = HashMap::new();
        for id in hits.iter().map(|h| h.owner_id) {
            if let std::collections::hash_map::Entry::Vacant(slot) = owners.entry(id) {
                slot.insert(self.user(actor, id).await.map(|u| u.name).unwrap_or_default());
            }
        }
        let base = self.public_url.clone().unwrap_or_default();
        let rows: Vec<Row> = hits
            .iter()
            .map(|h| Row {
                cells: [
                    h.title.clone(),
                    words(h.kind.as_str()),
                    words(h.status.as_str()),
                    teams.get(&h.team_id.to_string()).cloned().unwrap_or_default(),
                    owners.get(&h.owner_id).cloned().unwrap_or_default(),
                    h.summary.clone(),
                    h.updated_at.date_naive().to_string(),
                    h.next_review_at.date_naive().to_string(),
                    words(h.review_state.as_str()),
                    format!("{base}/assets/{}", h.id),
                ],
                updated: h.updated_at,
                review: h.next_review_at,
            })
            .collect();
        let (name, content_type, bytes) = match format {
            TableFormat::Csv => {
                ("knowledge.csv", "text/csv; charset=utf-8", cells::csv_file(&COLUMNS, rows.iter().map(|r| &r.cells))?.into_bytes())
            }
            TableFormat::Xlsx => (
                "knowledge.xlsx",
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                workbook(&rows).map_err(|e| ServiceError::caused("the workbook could not be written", e))?,
            ),
        };
        Ok(Download { name: name.into(), content_type, bytes })
    }

    /// The search's hits page by page, without snippets or facets.
    async fn every_hit(&self, actor: &Actor, mut request: SearchRequest) -> Result<Vec<SearchHit>, ServiceError> {
        const PAGE: usize = 100;
        request.snippets = false;
        request.facets = false;
        request.limit = PAGE;
        request.offset = 0;
        let mut hits = Vec::new();
        loop {
            let found = self.search(actor, request.clone()).await?;
            let last = found.hits.len() < PAGE;
            hits.extend(found.hits);
            request.offset += PAGE;
            if last || hits.len() >= MAX_ROWS.min(found.total) || request.offset > MAX_OFFSET {
                hits.truncate(MAX_ROWS);
                return Ok(hits);
            }
        }
    }
}

/// A stable name as the words the pages use: `practice_example` as "Practice example".
fn words(name: &str) -> String {
    let spaced = name.replace('_', " ");
    let mut chars = spaced.chars();
    chars.next().map(|c| c.to_uppercase().collect::<String>() + chars.as_str()).unwrap_or_default()
}

/// The rows as one sheet with a bold header, dates as dates and the filter buttons on.
fn workbook(rows: &[Row]) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet().set_name("Knowledge")?;
    let bold = Format::new().set_bold();
    let day = Format::new().set_num_format("yyyy-mm-dd");
    for (c, h) in COLUMNS.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, *h, &bold)?;
    }
    for (r, row) in rows.iter().enumerate() {
        let r = r as u32 + 1;
        for (c, text) in row.cells.iter().enumerate() {
            match c {
                6 | 7 => {
                    let at = if c == 6 { row.updated } else { row.review };
                    let date = ExcelDateTime::from_ymd(at.year() as u16, at.month() as u8, at.day() as u8)?;
                    sheet.write_datetime_with_format(r, c as u16, &date, &day)?;
                }
                _ => cells::write_text(sheet, r, c as u16, text)?,
            }
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    sheet.autofilter(0, 0, rows.len() as u32, COLUMNS.len() as u16 - 1)?;
    sheet.autofit();
    book.save_to_buffer()
}
