//! A Confluence HTML space export: a folder named for the space, an `index.html`
//! listing the page tree, one HTML file per page (`Title_123456.html`, or `123456.html`
//! in newer exports), `attachments/PAGEID/FILEID.ext` and `styles/site.css`. Each page
//! has its breadcrumbs (`#breadcrumbs`), its title (`#title-text`, prefixed by the space
//! name), who wrote it (`.page-metadata .author`), its content (`#main-content`) and
//! its labels; macros carry `data-macro-name`.
use chrono::{DateTime, NaiveDate, Utc};

use crate::archive::Entry;
use crate::html::{self, attr, has_class, tag, text_of};
use crate::{Document, Limits, Problem, Target};

/// Macros whose rendered HTML reads the same as Markdown.
const FAITHFUL_MACROS: [&str; 10] = ["info", "note", "warning", "tip", "code", "noformat", "panel", "expand", "section", "column"];
/// Macros exports render without `data-macro-name`, known by their class.
const MACRO_CLASSES: [(&str, &str); 4] =
    [("jira-issue", "jira"), ("childpages-macro", "children"), ("toc-macro", "toc"), ("plugin_pagetree", "pagetree")];

pub(crate) fn is_index(path: &str) -> bool {
    path == "index.html" || path.ends_with("/index.html") && path.matches('/').count() == 1
}

/// The space key: the folder the export sits in.
pub(crate) fn space_of(entries: &[Entry]) -> Option<String> {
    entries.iter().find(|e| is_index(&e.name)).and_then(|e| e.name.split_once('/').map(|(space, _)| space.to_string()))
}

/// A page's key from its file name's page id, so a renamed page keeps its key.
pub(crate) fn key(path: &str, space: Option<&str>) -> Option<String> {
    let file = path.rsplit('/').next()?;
    let stem = file.strip_suffix(".html")?;
    if is_index(path) || path.contains("attachments/") || path.contains("styles/") || path.contains("images/") {
        return None;
    }
    let id = stem.rsplit('_').next().filter(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit())).unwrap_or(stem);
    Some(format!("confluence:{}:{id}", space.unwrap_or("-")))
}

pub(crate) fn read(
    path: &str,
    key: String,
    page: &str,
    space: Option<&str>,
    limits: &Limits,
    lookup: &dyn Fn(&str) -> Option<Target>,
) -> Result<Document, Problem> {
    let converter = html::converter();
    let root = converter.html_to_tree(page).map_err(|e| Problem::new(path, e.to_string()))?;
    let nodes = html::elements(path, &root, limits.max_depth)?;
    let by_id = |id: &str| nodes.iter().find(|n| attr(n, "id").as_deref() == Some(id));
    let crumbs: Vec<_> = match by_id("breadcrumbs") {
        Some(list) => html::elements(path, list, limits.max_depth)?.into_iter().filter(|n| tag(n) == "a").collect(),
        None => Vec::new(),
    };
    let space_name = crumbs.first().map(text_of);
    let raw_title = by_id("title-text")
        .map(text_of)
        .or_else(|| nodes.iter().find(|n| tag(n) == "title").map(text_of))
        .unwrap_or_else(|| crate::wiki::name_of(path));
    let title = [space_name.as_deref(), space]
        .into_iter()
        .flatten()
        .find_map(|prefix| raw_title.strip_prefix(&format!("{prefix} : ")))
        .unwrap_or(&raw_title)
        .trim()
        .to_string();
    let mut doc = Document::new(path, key, title);
    doc.parent =
        crumbs.iter().rev().find_map(|a| match attr(a, "href").and_then(|h| crate::links::join(path, &h)).and_then(|p| lookup(&p)) {
            Some(Target::Document(k)) if k != doc.key => Some(k),
            _ => None,
        });
    if let Some(meta) = nodes.iter().find(|n| has_class(n, "page-metadata")) {
        let spans = html::elements(path, meta, limits.max_depth)?;
        doc.author = spans.iter().find(|n| has_class(n, "author")).map(text_of).filter(|a| !a.is_empty());
        doc.modified = modified(&text_of(meta));
    }
    for n in &nodes {
        let in_labels = has_class(n, "label") || attr(n, "rel").as_deref() == Some("tag");
        if tag(n) == "a" && in_labels {
            let label = text_of(n);
            if !label.is_empty() && !doc.labels.contains(&label) {
                doc.labels.push(label);
            }
        }
        let name = attr(n, "data-macro-name").or_else(|| MACRO_CLASSES.iter().find(|(c, _)| has_class(n, c)).map(|(_, m)| m.to_string()));
        if let Some(name) = name.filter(|m| !FAITHFUL_MACROS.contains(&m.as_str())) {
            let what = format!("Confluence macro {name:?}");
            if !doc.unsupported.contains(&what) {
                doc.unsupported.push(what);
            }
        }
    }
    let content = by_id("main-content").or_else(|| nodes.iter().find(|n| tag(n) == "body")).unwrap_or(&root).clone();
    html::to_markdown(&mut doc, &converter, &content, &nodes, lookup);
    Ok(doc)
}

/// "Created by Jane Smith, last modified by Ben Hughes on Mar 03, 2021": the date at the end.
fn modified(meta: &str) -> Option<DateTime<Utc>> {
    let date = meta.rsplit(" on ").next()?.trim();
    NaiveDate::parse_from_str(date, "%b %d, %Y").ok()?.and_hms_opt(12, 0, 0).map(|t| t.and_utc())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_keys_come_from_the_page_id() {
        assert_eq!(key("OPS/Handover-guide_65539.html", Some("OPS")).as_deref(), Some("confluence:OPS:65539"));
        assert_eq!(key("OPS/65539.html", Some("OPS")).as_deref(), Some("confluence:OPS:65539"));
        assert_eq!(key("OPS/index.html", Some("OPS")), None);
        assert_eq!(key("OPS/attachments/65539/1.html", Some("OPS")), None);
        assert_eq!(
            modified("Created by Jane Smith, last modified on Mar 03, 2021").map(|d| d.date_naive().to_string()).as_deref(),
            Some("2021-03-03")
        );
    }
}
