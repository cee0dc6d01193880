//! Word `.docx` to Markdown through docx-rust: headings from the paragraph styles,
//! lists from the numbering definitions (bullets or numbers, nested by level), tables
//! with the first row as the header, links from the document's relationships, bold and
//! italic runs, and images by their description.
use std::cell::RefCell;
use std::collections::HashMap;
use std::io::Cursor;

use docx_rust::DocxFile;
use docx_rust::document::{BodyContent, Paragraph, ParagraphContent, Run, RunContent, TableCellContent, TableRowContent};

use crate::{Document, Limits, Problem, Target, links};

pub(crate) fn read(
    path: &str,
    key: String,
    bytes: &[u8],
    limits: &Limits,
    lookup: &dyn Fn(&str) -> Option<Target>,
) -> Result<Document, Problem> {
    crate::archive::check_inner_zip(path, bytes, limits.max_word_bytes)?;
    let file =
        DocxFile::from_reader(Cursor::new(bytes)).map_err(|e| Problem::new(path, format!("is not a readable Word document ({e:?})")))?;
    let docx = file.parse().map_err(|e| Problem::new(path, format!("is not a readable Word document ({e:?})")))?;
    let rels: HashMap<String, String> =
        docx.document_rels.iter().flat_map(|r| r.relationships.iter()).map(|r| (r.id.to_string(), r.target.to_string())).collect();
    let bullets = numbering_formats(&docx);
    let writer = Writer { rels: &rels, bullets: &bullets, path, media: RefCell::new(Vec::new()) };
    let mut out = String::new();
    let mut first_heading = None;
    let mut in_list = false;
    for block in &docx.document.body.content {
        match block {
            BodyContent::Paragraph(p) => {
                let (line, heading) = writer.paragraph(p);
                if first_heading.is_none() && heading.is_some_and(|l| l <= 1) {
                    first_heading = Some(line.trim_start_matches('#').trim().to_string());
                    continue;
                }
                let list = writer.is_list(p);
                if in_list && !list {
                    // A list ends at a blank line; without one the paragraph would join its last item.
                    out.push('\n');
                }
                in_list = list;
                out.push_str(&line);
                out.push_str(if list { "\n" } else { "\n\n" });
            }
            BodyContent::Table(t) => {
                in_list = false;
                out.push('\n');
                for (i, row) in t.rows.iter().enumerate() {
                    let cells: Vec<String> = row
                        .cells
                        .iter()
                        .filter_map(|c| match c {
                            TableRowContent::TableCell(cell) => Some(
                                cell.content
                                    .iter()
                                    .map(|TableCellContent::Paragraph(p)| writer.runs(p))
                                    .collect::<Vec<_>>()
                                    .join(" ")
                                    .replace('|', "\\|"),
                            ),
                            _ => None,
                        })
                        .collect();
                    out.push_str(&format!("| {} |\n", cells.join(" | ")));
                    if i == 0 {
                        out.push_str(&format!("|{}\n", " --- |".repeat(cells.len().max(1))));
                    }
                }
                out.push('\n');
            }
            _ => {}
        }
    }
    let core_title = docx.core.as_ref().and_then(|c| match c {
        docx_rust::core::Core::CoreNamespace(c) => c.title.as_ref().map(|t| t.to_string()),
        docx_rust::core::Core::CoreNoNamespace(c) => c.title.as_ref().map(|t| t.to_string()),
    });
    let title = core_title.filter(|t| !t.trim().is_empty()).or(first_heading.clone()).unwrap_or_else(|| crate::wiki::name_of(path));
    let mut doc = Document::new(path, key, title.clone());
    if let Some(h) = first_heading.filter(|h| *h != title) {
        out = format!("# {h}\n\n{out}");
    }
    doc.author = docx.core.as_ref().and_then(|c| match c {
        docx_rust::core::Core::CoreNamespace(c) => c.creator.as_ref().map(|t| t.to_string()),
        docx_rust::core::Core::CoreNoNamespace(c) => c.creator.as_ref().map(|t| t.to_string()),
    });
    links::rewrite(&mut doc, &out, lookup, &|_| None);
    doc.attachments.extend(writer.media.take());
    Ok(doc)
}

/// Which numbering ids are bullets rather than numbers, by (numId, level).
fn numbering_formats(docx: &docx_rust::Docx) -> HashMap<(isize, isize), bool> {
    let mut out = HashMap::new();
    let Some(numbering) = &docx.numbering else { return out };
    for num in &numbering.numberings {
        let (Some(id), Some(abstract_id)) = (num.num_id, num.abstract_num_id.as_ref().and_then(|a| a.value)) else { continue };
        let Some(def) = numbering.abstract_numberings.iter().find(|a| a.abstract_num_id == Some(abstract_id)) else { continue };
        for level in &def.levels {
            let bullet = level.number_format.as_ref().is_none_or(|f| f.value == "bullet");
            out.insert((id, level.i_level.unwrap_or(0)), bullet);
        }
    }
    out
}

/// Word's built-in list styles ("List Bullet", "List Number 2", …) carry their numbering
/// in the style rather than the paragraph: (bullet, depth).
fn list_style(p: &Paragraph) -> Option<(bool, usize)> {
    let style = p.property.as_ref()?.style_id.as_ref()?.value.to_ascii_lowercase();
    let (bullet, rest) = match (style.strip_prefix("listbullet"), style.strip_prefix("listnumber")) {
        (Some(rest), _) => (true, rest),
        (_, Some(rest)) => (false, rest),
        _ => return None,
    };
    let depth = if rest.is_empty() { 0 } else { rest.parse::<usize>().ok()?.saturating_sub(1).min(8) };
    Some((bullet, depth))
}

struct Writer<'a> {
    rels: &'a HashMap<String, String>,
    bullets: &'a HashMap<(isize, isize), bool>,
    path: &'a str,
    media: RefCell<Vec<String>>,
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if "\\`*_[]<>#|".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

impl Writer<'_> {
    fn is_list(&self, p: &Paragraph) -> bool {
        p.property.as_ref().is_some_and(|pp| pp.numbering.as_ref().is_some_and(|n| n.id.is_some())) || list_style(p).is_some()
    }

    /// The paragraph as one Markdown block, and its heading level if it is one.
    fn paragraph(&self, p: &Paragraph) -> (String, Option<usize>) {
        let text = self.runs(p);
        let style = p.property.as_ref().and_then(|pp| pp.style_id.as_ref()).map(|s| s.value.to_string()).unwrap_or_default();
        let level = match style.to_ascii_lowercase().as_str() {
            "title" => Some(1),
            s => s.strip_prefix("heading").and_then(|n| n.parse::<usize>().ok()).map(|n| n.clamp(1, 6)),
        };
        if let Some(level) = level.filter(|_| !text.trim().is_empty()) {
            return (format!("{} {}", "#".repeat(level), text.trim()), Some(level));
        }
        if let Some((bullet, depth)) = list_style(p) {
            let marker = if bullet { "-" } else { "1." };
            return (format!("{}{marker} {}", "   ".repeat(depth), text.trim()), None);
        }
        if let Some(n) = p.property.as_ref().and_then(|pp| pp.numbering.as_ref()) {
            let id = n.id.as_ref().map_or(0, |i| i.value);
            let depth = n.level.as_ref().map_or(0, |l| l.value).clamp(0, 8);
            let bullet = self.bullets.get(&(id, depth)).copied().unwrap_or(true);
            let marker = if bullet { "-" } else { "1." };
            return (format!("{}{marker} {}", "   ".repeat(depth as usize), text.trim()), None);
        }
        (text, None)
    }

    fn runs(&self, p: &Paragraph) -> String {
        let mut out = String::new();
        for c in &p.content {
            match c {
                ParagraphContent::Run(r) => out.push_str(&self.run(r)),
                ParagraphContent::Link(link) => {
                    let text = link.content.as_ref().map(|r| self.run(r)).unwrap_or_default();
                    let target = link.id.as_ref().and_then(|id| self.rels.get(id.as_ref())).cloned();
                    match target {
                        Some(url) => out.push_str(&format!("[{text}](<{url}>)")),
                        None => out.push_str(&text),
                    }
                }
                _ => {}
            }
        }
        out
    }

    fn run(&self, r: &Run) -> String {
        let mut text = String::new();
        for c in &r.content {
            match c {
                RunContent::Text(t) => text.push_str(&escape(&t.text)),
                RunContent::Tab(_) => text.push(' '),
                RunContent::Break(_) => text.push_str("  \n"),
                RunContent::Drawing(d) => {
                    let (descr, embed) = match (&d.inline, &d.anchor) {
                        (Some(i), _) => (
                            i.doc_property.descr.as_ref().or(i.doc_property.name.as_ref()).map(|s| s.to_string()),
                            i.graphic.as_ref().and_then(|g| g.data.children.first()).map(|p| p.fill.blip.embed.to_string()),
                        ),
                        (None, Some(a)) => (
                            a.doc_property.descr.as_ref().or(a.doc_property.name.as_ref()).map(|s| s.to_string()),
                            a.graphic.as_ref().and_then(|g| g.data.children.first()).map(|p| p.fill.blip.embed.to_string()),
                        ),
                        _ => (None, None),
                    };
                    let alt = escape(&descr.unwrap_or_default());
                    match embed.and_then(|e| self.rels.get(&e)) {
                        Some(media) => {
                            let part = format!("{}!word/{}", self.path, media.trim_start_matches('/'));
                            text.push_str(&format!("![{alt}]({})", links::attachment_placeholder(&part)));
                            self.media.borrow_mut().push(part);
                        }
                        None => text.push_str(&links::image_marker(&alt)),
                    }
                }
                _ => {}
            }
        }
        let property = r.property.as_ref();
        let on = |v: Option<Option<bool>>| v.is_some_and(|v| v.unwrap_or(true));
        let bold = on(property.and_then(|p| p.bold.as_ref().map(|b| b.value)));
        let italic = on(property.and_then(|p| p.italics.as_ref().map(|b| b.value)));
        let trimmed = text.trim();
        if trimmed.is_empty() || !(bold || italic) {
            return text;
        }
        let mark = match (bold, italic) {
            (true, true) => "***",
            (true, false) => "**",
            _ => "*",
        };
        // Emphasis markers must touch the text, so the run's spaces go outside them.
        let lead = &text[..text.len() - text.trim_start().len()];
        let tail = &text[text.trim_end().len()..];
        format!("{lead}{mark}{trimmed}{mark}{tail}")
    }
}
