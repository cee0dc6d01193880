//! References: importing a database or reference-manager export into an evidence
//! summary's sources, with duplicates skipped and shown, and exporting them again.
//! An import is one change to the asset, made against the version the person
//! previewed, so it lands whole or not at all.
pub mod export;
pub mod parse;

use std::collections::HashMap;

use serde::Serialize;
use signpost_domain::assets::Asset;
use signpost_domain::fields::{MAX_SOURCES, Source};
use signpost_domain::ids::AssetId;
use utoipa::ToSchema;

use crate::assets::{AssetInput, AssetView};
use crate::{ServiceError, Signpost};
pub use export::ExportFormat;
pub use parse::{MAX_RECORDS, ReferenceFormat};
use signpost_domain::people::Actor;

/// The largest reference file read. Below the request limit with room to spare, so
/// a page can send a previewed file back to be imported.
pub const MAX_FILE_BYTES: usize = 1920 * 1024;

fn check_file_size(file: &[u8]) -> Result<(), ServiceError> {
    if file.len() > MAX_FILE_BYTES {
        return Err(ServiceError::TooLarge(format!(
            "the file is larger than the {} KB Signpost reads for references; export fewer references at a time",
            MAX_FILE_BYTES / 1024
        )));
    }
    Ok(())
}

/// A reference left out because the summary, or the file, already has it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SkippedReference {
    /// The reference as the file gave it.
    pub source: Source,
    /// Its place in the file, from 1.
    pub record: usize,
    /// Why it was left out, naming what it duplicates.
    pub reason: String,
}

/// What an import adds and what it leaves out.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReferencePlan {
    /// The format the file was read as (RIS, PubMed (MEDLINE), EndNote XML, BibTeX).
    pub format: String,
    /// The references that would be (or were) added, in file order.
    pub adding: Vec<Source>,
    /// The references left out as duplicates.
    pub skipped: Vec<SkippedReference>,
    /// The summary's version: the one a preview was made against, or the one an
    /// import made.
    pub version: i64,
}

/// Words of a title, lower-cased, with punctuation gone: "Falls: after-care." and
/// "falls after care" are the same title.
fn normal_title(title: &str) -> String {
    title.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase).collect::<Vec<_>>().join(" ")
}

/// The keys a duplicate is found by: DOI, PMID, and title with year.
fn keys(s: &Source) -> Vec<(&'static str, String)> {
    let mut keys = Vec::new();
    if let Some(doi) = &s.doi {
        keys.push(("DOI", doi.trim().to_lowercase()));
    }
    if let Some(pmid) = &s.pmid {
        keys.push(("PMID", pmid.trim().trim_start_matches('0').to_string()));
    }
    if let Some(year) = s.year {
        keys.push(("title and year", format!("{} {year}", normal_title(&s.title))));
    }
    keys
}

/// Splits `incoming` into what is new and what duplicates `existing` or an earlier
/// record of the same file.
fn plan(format: &str, existing: &[Source], incoming: Vec<(usize, Source)>, version: i64) -> ReferencePlan {
    let mut seen: HashMap<(&'static str, String), String> = HashMap::new();
    for s in existing {
        for k in keys(s) {
            seen.entry(k).or_insert_with(|| format!("“{}”, already a source", s.title));
        }
    }
    let (mut adding, mut skipped) = (Vec::new(), Vec::new());
    for (record, source) in incoming {
        let source_keys = keys(&source);
        if let Some(((what, _), whom)) = source_keys.iter().find_map(|k| seen.get(k).map(|w| (k, w))) {
            skipped.push(SkippedReference { reason: format!("same {what} as {whom}"), source, record });
            continue;
        }
        for k in source_keys {
            seen.insert(k, format!("record {record} of this file"));
        }
        adding.push(source);
    }
    ReferencePlan { format: format.to_string(), adding, skipped, version }
}

pub(crate) fn sources_of(asset: &Asset) -> &[Source] {
    asset.fields.sources().unwrap_or_default()
}

/// The asset as a change that keeps everything as it is.
pub(crate) fn unchanged(asset: &Asset) -> AssetInput {
    AssetInput {
        fields: serde_json::to_value(&asset.fields).unwrap_or_default(),
        summary: asset.summary.clone(),
        body: asset.body.clone(),
        tags: asset.tags.clone(),
        topics: asset.topics.clone(),
        team_id: Some(asset.team_id),
        visibility: Some(asset.visibility),
        named_viewers: asset.named_viewers.clone(),
        review_interval_days: Some(asset.review_interval_days),
        links: asset.links.clone(),
        expected_version: Some(asset.version),
        ..AssetInput::new(asset.kind, asset.title.clone())
    }
}

impl Signpost {
    /// The evidence summary or reading list references go into, if the actor may change it. Asked
    /// before a byte of an uploaded file is read.
    pub async fn reference_target(&self, actor: &Actor, id: AssetId) -> Result<Asset, ServiceError> {
        let asset = self.editable(actor, id).await?;
        if asset.fields.sources().is_none() {
            return Err(ServiceError::invalid("file", "references are imported into an evidence summary or a reading list"));
        }
        Ok(asset)
    }

    /// What importing `file` into the summary would add and skip; nothing is written.
    pub async fn preview_references(&self, actor: &Actor, id: AssetId, file: Vec<u8>) -> Result<ReferencePlan, ServiceError> {
        let asset = self.reference_target(actor, id).await?;
        check_file_size(&file)?;
        let (format, references) = crate::upload::off_the_workers(move || parse::parse_references(&file)).await?;
        let incoming = references.into_iter().map(|r| (r.record, r.source)).collect();
        Ok(plan(format.label(), sources_of(&asset), incoming, asset.version))
    }

    /// Imports `file` into the summary in one change, made only if the summary is
    /// still at `expected_version` (when given).
    pub async fn import_references(
        &self,
        actor: &Actor,
        id: AssetId,
        file: Vec<u8>,
        expected_version: Option<i64>,
    ) -> Result<(AssetView, ReferencePlan), ServiceError> {
        self.reference_target(actor, id).await?;
        check_file_size(&file)?;
        let (format, references) = crate::upload::off_the_workers(move || parse::parse_references(&file)).await?;
        let incoming = references.into_iter().map(|r| (r.record, r.source)).collect();
        self.add_references(actor, id, format.label(), incoming, expected_version).await
    }

    /// Adds previewed references (each with its record number in the file), skipping
    /// any that the summary has gained meanwhile.
    pub async fn add_references(
        &self,
        actor: &Actor,
        id: AssetId,
        format: &str,
        incoming: Vec<(usize, Source)>,
        expected_version: Option<i64>,
    ) -> Result<(AssetView, ReferencePlan), ServiceError> {
        if incoming.len() > MAX_RECORDS {
            return Err(ServiceError::TooLarge(format!("import at most {MAX_RECORDS} references at a time")));
        }
        let asset = self.reference_target(actor, id).await?;
        if let Some(expected) = expected_version
            && expected != asset.version
        {
            return Err(ServiceError::Conflict("the sources changed after you previewed the import; preview it again".into()));
        }
        let plan = plan(format, sources_of(&asset), incoming, asset.version);
        if plan.adding.is_empty() {
            return Err(ServiceError::invalid("file", "every reference in the file is already a source here"));
        }
        let mut sources = sources_of(&asset).to_vec();
        if sources.len() + plan.adding.len() > MAX_SOURCES {
            return Err(ServiceError::TooLarge(format!("an evidence summary or reading list cites at most {MAX_SOURCES} sources")));
        }
        sources.extend(plan.adding.iter().cloned());
        let mut input = unchanged(&asset);
        input.fields["sources"] = serde_json::to_value(&sources).unwrap_or_default();
        let view = self.update_asset(actor, id, input).await?;
        let plan = ReferencePlan { version: view.asset.version, ..plan };
        Ok((view, plan))
    }

    /// The summary's sources as a file for a reference manager: its name and text.
    pub async fn export_references(&self, actor: &Actor, id: AssetId, format: ExportFormat) -> Result<(String, String), ServiceError> {
        let view = self.asset(actor, id).await?;
        let sources = sources_of(&view.asset);
        let text = match format {
            ExportFormat::Ris => export::to_ris(sources),
            ExportFormat::Bibtex => export::to_bibtex(sources),
        };
        Ok((format!("{}-{id}-sources.{}", view.asset.kind.as_str().replace('_', "-"), format.extension()), text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(title: &str, doi: Option<&str>, pmid: Option<&str>, year: Option<i32>) -> Source {
        Source { title: title.into(), doi: doi.map(Into::into), pmid: pmid.map(Into::into), year, ..Source::default() }
    }

    #[test]
    fn duplicates_are_found_by_doi_pmid_and_title_with_year() {
        let existing = [source("Falls after discharge", Some("10.1/ABC"), None, Some(2021))];
        let incoming = vec![
            (1, source("Another title", Some("10.1/abc"), None, None)),
            (2, source("Falls: after discharge.", None, None, Some(2021))),
            (3, source("Falls after discharge", None, None, Some(2019))),
            (4, source("Pressure ulcers", None, Some("123"), None)),
            (5, source("Pressure ulcers again", None, Some("123"), None)),
        ];
        let p = plan("RIS", &existing, incoming, 3);
        let added: Vec<&str> = p.adding.iter().map(|s| s.title.as_str()).collect();
        assert_eq!(added, ["Falls after discharge", "Pressure ulcers"]);
        let reasons: Vec<(usize, &str)> = p.skipped.iter().map(|s| (s.record, s.reason.as_str())).collect();
        assert_eq!(
            reasons,
            [
                (1, "same DOI as “Falls after discharge”, already a source"),
                (2, "same title and year as “Falls after discharge”, already a source"),
                (5, "same PMID as record 4 of this file"),
            ]
        );
    }
}
