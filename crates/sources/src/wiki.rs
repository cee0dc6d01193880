//! Markdown archives from other wikis. Outline exports a folder per collection with
//! `Parent.md` beside a `Parent/` folder of its children; Notion does the same with a
//! 32-hex-digit id after every name; Obsidian links pages by name as `[[Page]]`.
//! Front matter, where there is any, gives the title, tags, author and date.
use chrono::{DateTime, NaiveDate, Utc};

use crate::{Document, Target, links};

/// A document's name from its path: the file name without its extension or Notion id.
pub(crate) fn name_of(path: &str) -> String {
    let file = path.rsplit('/').next().unwrap_or(path);
    let stem = file.rsplit_once('.').map_or(file, |(s, _)| s);
    strip_notion_id(stem).to_string()
}

fn strip_notion_id(name: &str) -> &str {
    match name.rsplit_once(' ') {
        Some((rest, id)) if id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit()) => rest,
        _ => name,
    }
}

fn split_front_matter(text: &str) -> (Option<serde_json::Value>, &str) {
    let normalised = text.strip_prefix("---\n").or_else(|| text.strip_prefix("---\r\n"));
    let Some(rest) = normalised else { return (None, text) };
    let Some(end) = rest.find("\n---") else { return (None, text) };
    let yaml = &rest[..end];
    let body = rest[end + 4..].trim_start_matches(['\r', '\n']);
    match serde_norway::from_str::<serde_json::Value>(yaml) {
        Ok(v) if v.is_object() => (Some(v), body),
        _ => (None, text),
    }
}

fn strings(v: Option<&serde_json::Value>) -> Vec<String> {
    match v {
        Some(serde_json::Value::Array(items)) => items.iter().filter_map(|i| i.as_str()).map(|s| s.trim().to_string()).collect(),
        Some(serde_json::Value::String(s)) => s.split(',').map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect(),
        _ => Vec::new(),
    }
}

fn date(v: Option<&serde_json::Value>) -> Option<DateTime<Utc>> {
    let s = v?.as_str()?;
    DateTime::parse_from_rfc3339(s)
        .map(|d| d.with_timezone(&Utc))
        .ok()
        .or_else(|| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()?.and_hms_opt(12, 0, 0).map(|t| t.and_utc()))
}

pub(crate) fn read(
    path: &str,
    key: String,
    text: &str,
    lookup: &dyn Fn(&str) -> Option<Target>,
    by_name: &dyn Fn(&str) -> Option<String>,
) -> Document {
    let text = text.replace("\r\n", "\n");
    let (meta, body) = split_front_matter(&text);
    let field = |name: &str| meta.as_ref().and_then(|m| m.get(name));
    let mut body = body.to_string();
    let heading = body.lines().find(|l| !l.trim().is_empty()).and_then(|l| l.strip_prefix("# ")).map(|h| h.trim().to_string());
    let title = match (field("title").and_then(|t| t.as_str()), heading) {
        (Some(t), _) => t.trim().to_string(),
        (None, Some(h)) => {
            // The heading is the title; keeping it would show it twice.
            let at = body.find("# ").unwrap_or(0);
            body = body[at..].split_once('\n').map_or(String::new(), |(_, rest)| rest.trim_start_matches('\n').to_string());
            h
        }
        (None, None) => name_of(path),
    };
    let mut doc = Document::new(path, key, title);
    doc.labels = strings(field("tags").or_else(|| field("labels")));
    doc.author = ["author", "created_by", "owner"].iter().find_map(|f| field(f).and_then(|v| v.as_str())).map(str::to_string);
    doc.modified = date(field("updated").or_else(|| field("modified")).or_else(|| field("date")));
    doc.parent = path.rsplit_once('/').and_then(|(dir, _)| match lookup(&format!("{dir}.md")) {
        Some(Target::Document(k)) => Some(k),
        _ => None,
    });
    links::rewrite(&mut doc, &body, lookup, by_name);
    doc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notion_ids_and_extensions_leave_the_name() {
        assert_eq!(name_of("Wiki/Handover guide 1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d.md"), "Handover guide");
        assert_eq!(name_of("Wiki/Handover guide.md"), "Handover guide");
    }

    #[test]
    fn links_wiki_links_and_images_resolve_against_the_archive() {
        let lookup = |p: &str| match p {
            "Ward/Handover.md" => Some(Target::Document("markdown:Ward/Handover.md".into())),
            "Ward/img/chart.png" => Some(Target::File(p.into())),
            _ => None,
        };
        let by_name = |n: &str| n.eq_ignore_ascii_case("handover").then(|| "markdown:Ward/Handover.md".to_string());
        let text = "---\ntitle: Falls\ntags: [falls, safety]\n---\nSee [handover](Handover.md), [[Handover]], [gone](Missing.md) and ![chart](img/chart.png).\n\n```\n[not a link](Handover.md)\n```\n";
        let doc = read("Ward/Falls.md", "k".into(), text, &lookup, &by_name);
        assert_eq!(doc.title, "Falls");
        assert_eq!(doc.labels, ["falls", "safety"]);
        assert_eq!(doc.internal_links, ["markdown:Ward/Handover.md"]);
        assert_eq!(doc.broken_links, ["Missing.md"]);
        assert_eq!(doc.attachments, ["Ward/img/chart.png"]);
        assert!(doc.body.contains("[handover](signpost-import:markdown:Ward/Handover.md)"), "{}", doc.body);
        assert!(doc.body.contains("gone and"), "a broken link keeps its text: {}", doc.body);
        assert!(doc.body.contains("[not a link](Handover.md)"), "code is left alone: {}", doc.body);
    }
}
