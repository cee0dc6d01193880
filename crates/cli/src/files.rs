//! Import and export file formats: a folder of Markdown files with YAML front
//! matter, and CSV. Parsing happens here, at the edge; every problem names the file
//! and line. The services then validate and write all items in one transaction.
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use signpost_domain::assets::{Status, Visibility};
use signpost_domain::fields::AssetKind;
use signpost_domain::ids::{TeamId, UserId};
use signpost_services::assets::AssetInput;
use signpost_services::transfer::{ExportBundle, ImportItem};

/// A problem with one file, before any content is validated.
#[derive(Debug)]
pub struct FileProblem {
    /// File (and line, where known).
    pub source: String,
    /// What is wrong.
    pub message: String,
}

/// The front matter of an asset file.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter {
    /// Title.
    pub title: String,
    /// Kind.
    pub kind: AssetKind,
    /// Summary.
    #[serde(default)]
    pub summary: String,
    /// Status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<Status>,
    /// Visibility.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visibility: Option<Visibility>,
    /// Team name.
    pub team: String,
    /// Owner's email.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// Tags.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Topics.
    #[serde(default)]
    pub topics: Vec<String>,
    /// Days between reviews.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review_interval_days: Option<i32>,
    /// When it was last confirmed as right (a date or a date-time).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_verified: Option<String>,
    /// When it was first written (a date or a date-time).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<String>,
    /// Emails of the people who may see it when visibility is `named`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub named_viewers: Vec<String>,
    /// The kind's own fields.
    #[serde(default)]
    pub fields: serde_json::Value,
}

fn parse_when(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .ok()
        .or_else(|| NaiveDate::parse_from_str(text, "%Y-%m-%d").ok().and_then(|d| d.and_hms_opt(0, 0, 0)).map(|t| t.and_utc()))
}

fn when(source: &str, name: &str, text: Option<&String>) -> Result<Option<DateTime<Utc>>, FileProblem> {
    text.map(|t| {
        parse_when(t)
            .ok_or_else(|| FileProblem { source: source.to_string(), message: format!("{name} {t:?} is not a date like 2026-03-31") })
    })
    .transpose()
}

fn item(source: String, fm: FrontMatter, body: String) -> Result<ImportItem, FileProblem> {
    let last_verified_at = when(&source, "last_verified", fm.last_verified.as_ref())?;
    let created_at = when(&source, "created", fm.created.as_ref())?;
    Ok(ImportItem {
        input: AssetInput {
            summary: fm.summary,
            body,
            fields: fm.fields,
            tags: fm.tags,
            topics: fm.topics,
            visibility: fm.visibility,
            review_interval_days: fm.review_interval_days,
            status: fm.status,
            ..AssetInput::new(fm.kind, fm.title)
        },
        team: Some(fm.team),
        owner: fm.owner,
        named_viewer_emails: fm.named_viewers,
        last_verified_at,
        created_at,
        source,
    })
}

/// Splits a Markdown file into its YAML front matter and body.
pub fn parse_markdown(source: &str, text: &str) -> Result<ImportItem, FileProblem> {
    let problem = |line: usize, message: String| FileProblem { source: format!("{source} line {line}"), message };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text).replace("\r\n", "\n");
    let Some(rest) = text.strip_prefix("---\n") else {
        return Err(problem(1, "the file must start with YAML front matter between two lines of ---".into()));
    };
    let Some(end) = rest.find("\n---\n").map(|i| i + 1).or_else(|| rest.ends_with("\n---").then(|| rest.len() - 3)) else {
        return Err(problem(1, "the front matter is not closed by a line of ---".into()));
    };
    let yaml = &rest[..end];
    let body = rest[end..].strip_prefix("---").unwrap_or_default().trim_start_matches('\n').to_string();
    let fm: FrontMatter = serde_norway::from_str(yaml).map_err(|e| {
        let line = e.location().map_or(1, |l| l.line() + 1);
        problem(line, format!("front matter: {e}"))
    })?;
    item(source.to_string(), fm, body)
}

fn markdown_files(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.path());
    for e in entries {
        let p = e.path();
        if p.is_dir() {
            markdown_files(&p, out)?;
        } else if p.extension().is_some_and(|x| x.eq_ignore_ascii_case("md")) {
            out.push(p);
        }
    }
    Ok(())
}

/// Reads a folder of Markdown files (recursively) or one CSV file.
pub fn read_import(path: &Path) -> Result<Vec<ImportItem>, Vec<FileProblem>> {
    let io = |e: std::io::Error| vec![FileProblem { source: path.display().to_string(), message: e.to_string() }];
    if path.is_dir() {
        let mut files = Vec::new();
        markdown_files(path, &mut files).map_err(io)?;
        if files.is_empty() {
            return Err(vec![FileProblem { source: path.display().to_string(), message: "no .md files found".into() }]);
        }
        let mut items = Vec::new();
        let mut problems = Vec::new();
        for f in files {
            let name = f.strip_prefix(path).unwrap_or(&f).display().to_string();
            match std::fs::read_to_string(&f) {
                Ok(text) => match parse_markdown(&name, &text) {
                    Ok(i) => items.push(i),
                    Err(p) => problems.push(p),
                },
                Err(e) => problems.push(FileProblem { source: name, message: e.to_string() }),
            }
        }
        if problems.is_empty() { Ok(items) } else { Err(problems) }
    } else if path.extension().is_some_and(|x| x.eq_ignore_ascii_case("csv")) {
        read_csv(path)
    } else {
        Err(vec![FileProblem { source: path.display().to_string(), message: "give a folder of .md files or a .csv file".into() }])
    }
}

/// One CSV row. Lists are separated by `;`; `fields` is JSON.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CsvRow {
    title: String,
    kind: AssetKind,
    #[serde(default)]
    summary: String,
    #[serde(default)]
    body: String,
    team: String,
    #[serde(default)]
    owner: Option<String>,
    #[serde(default)]
    status: Option<Status>,
    #[serde(default)]
    visibility: Option<Visibility>,
    #[serde(default)]
    tags: String,
    #[serde(default)]
    topics: String,
    #[serde(default)]
    review_interval_days: Option<i32>,
    #[serde(default)]
    last_verified: Option<String>,
    #[serde(default)]
    created: Option<String>,
    #[serde(default)]
    fields: String,
}

fn list(s: &str) -> Vec<String> {
    s.split(';').map(str::trim).filter(|s| !s.is_empty()).map(String::from).collect()
}

fn read_csv(path: &Path) -> Result<Vec<ImportItem>, Vec<FileProblem>> {
    let name = path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().to_string());
    let mut reader = csv::Reader::from_path(path).map_err(|e| vec![FileProblem { source: name.clone(), message: e.to_string() }])?;
    let mut items = Vec::new();
    let mut problems = Vec::new();
    for result in reader.deserialize::<CsvRow>() {
        let (line, row) = match result {
            Ok(row) => (0, Ok(row)),
            Err(e) => (e.position().map_or(0, |p| p.line()), Err(e)),
        };
        match row {
            Ok(row) => {
                let source = format!("{name} row {}", items.len() + problems.len() + 1);
                let fields = if row.fields.trim().is_empty() {
                    Ok(serde_json::json!({}))
                } else {
                    serde_json::from_str(&row.fields)
                        .map_err(|e| FileProblem { source: source.clone(), message: format!("fields is not valid JSON: {e}") })
                };
                let fm = fields.map(|fields| FrontMatter {
                    title: row.title,
                    kind: row.kind,
                    summary: row.summary,
                    status: row.status,
                    visibility: row.visibility,
                    team: row.team,
                    owner: row.owner,
                    tags: list(&row.tags),
                    topics: list(&row.topics),
                    review_interval_days: row.review_interval_days,
                    last_verified: row.last_verified,
                    created: row.created,
                    named_viewers: Vec::new(),
                    fields,
                });
                match fm.and_then(|fm| item(source, fm, row.body)) {
                    Ok(i) => items.push(i),
                    Err(p) => problems.push(p),
                }
            }
            Err(e) => problems.push(FileProblem { source: format!("{name} line {line}"), message: e.to_string() }),
        }
    }
    if problems.is_empty() { Ok(items) } else { Err(problems) }
}

fn slug(title: &str) -> String {
    let s: String = title.to_lowercase().chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '-' }).collect();
    s.split('-').filter(|p| !p.is_empty()).take(8).collect::<Vec<_>>().join("-")
}

/// Writes every asset of an export as `KIND/ID-slug.md` under `dir`, in the import format.
pub fn write_markdown(bundle: &ExportBundle, dir: &Path) -> anyhow::Result<usize> {
    let teams: BTreeMap<TeamId, &str> = bundle.teams.iter().map(|t| (t.id, t.name.as_str())).collect();
    let emails: BTreeMap<UserId, &str> = bundle.users.iter().map(|u| (u.id, u.email.as_str())).collect();
    for a in &bundle.assets {
        let fm = FrontMatter {
            title: a.title.clone(),
            kind: a.kind,
            summary: a.summary.clone(),
            status: Some(a.status),
            visibility: Some(a.visibility),
            team: teams.get(&a.team_id).map(|s| s.to_string()).unwrap_or_default(),
            owner: emails.get(&a.owner_id).map(|s| s.to_string()),
            tags: a.tags.clone(),
            topics: a.topics.clone(),
            review_interval_days: Some(a.review_interval_days),
            // Import schedules the next review one interval after this date, so the schedule survives the trip.
            last_verified: Some(
                a.last_verified_at.unwrap_or(a.next_review_at - chrono::Duration::days(i64::from(a.review_interval_days))).to_rfc3339(),
            ),
            created: Some(a.created_at.to_rfc3339()),
            named_viewers: a.named_viewers.iter().filter_map(|u| emails.get(u).map(|s| s.to_string())).collect(),
            fields: serde_json::to_value(&a.fields)?,
        };
        let folder = dir.join(a.kind.as_str());
        std::fs::create_dir_all(&folder)?;
        let yaml = serde_norway::to_string(&fm)?;
        std::fs::write(folder.join(format!("{:05}-{}.md", a.id, slug(&a.title))), format!("---\n{yaml}---\n{}", a.body))?;
    }
    Ok(bundle.assets.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn front_matter_errors_name_the_file_and_line() {
        let text = "---\ntitle: Flu clinic AAR\nkind: lesson\nteam: Vaccination Service\ncolour: blue\n---\nBody\n";
        let err = parse_markdown("lessons/flu.md", text).unwrap_err();
        assert!(err.source.starts_with("lessons/flu.md line "), "{}", err.source);
        assert!(err.message.contains("colour"), "{}", err.message);
    }

    #[test]
    fn a_file_without_front_matter_is_refused() {
        let err = parse_markdown("notes.md", "# Just a heading\n").unwrap_err();
        assert_eq!(err.source, "notes.md line 1");
    }

    #[test]
    fn front_matter_and_body_are_separated() {
        let text = "---\ntitle: Handover guide\nkind: guidance\nteam: Patient Safety\ntags: [sbar]\nlast_verified: 2025-01-31\ncreated: 2024-06-01\n---\n## Why\nBecause.\n";
        let item = parse_markdown("g.md", text).unwrap();
        assert_eq!(item.input.title, "Handover guide");
        assert_eq!(item.input.body, "## Why\nBecause.\n");
        assert_eq!(item.input.tags, vec!["sbar"]);
        assert_eq!(item.last_verified_at.map(|t| t.date_naive().to_string()), Some("2025-01-31".to_string()));
        assert_eq!(item.created_at.map(|t| t.date_naive().to_string()), Some("2024-06-01".to_string()));
    }
}
