//! Links and images in a document's Markdown, resolved against the export's paths.
//! The rewrite goes through comrak's syntax tree, so a link-like string in a code
//! block is left alone and the result is always well-formed Markdown.
use comrak::nodes::{AstNode, NodeLink, NodeValue};
use comrak::{Arena, Options, format_commonmark, parse_document};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};

use crate::{Document, Target};

/// Links to other documents of the same export, until the services know the asset.
pub const LINK_SCHEME: &str = "signpost-import:";
/// Images of the export, until the services have kept them with the asset.
pub const ATTACHMENT_SCHEME: &str = "signpost-attachment:";
/// What a placeholder's key may hold unencoded: enough for keys to stay readable.
const KEY_SAFE: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b':').remove(b'/');

/// The placeholder a link to the document with `key` carries until its asset exists.
pub fn placeholder(key: &str) -> String {
    format!("{LINK_SCHEME}{}", utf8_percent_encode(key, KEY_SAFE))
}

/// The placeholder an image at `path` in the export carries until it is kept.
pub fn attachment_placeholder(path: &str) -> String {
    format!("{ATTACHMENT_SCHEME}{}", utf8_percent_encode(path, KEY_SAFE))
}

/// Replaces every placeholder of `scheme` in `body` with what `to` gives for its key (or `#`).
pub fn replace_placeholders(body: &str, scheme: &str, mut to: impl FnMut(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(body.len());
    let mut rest = body;
    while let Some(at) = rest.find(scheme) {
        out.push_str(&rest[..at]);
        let tail = &rest[at + scheme.len()..];
        let end = tail.find(|c: char| !(c.is_ascii_alphanumeric() || "-_.:/%".contains(c))).unwrap_or(tail.len());
        let key = percent_decode_str(&tail[..end]).decode_utf8_lossy();
        out.push_str(&to(&key).unwrap_or_else(|| "#".into()));
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

/// Replaces every image whose source is an attachment placeholder with what `to` gives
/// for its path and its (Markdown) alt text.
pub fn replace_images(body: &str, mut to: impl FnMut(&str, &str) -> String) -> String {
    let marker = format!("]({ATTACHMENT_SCHEME}");
    let mut out = String::with_capacity(body.len());
    let mut rest = body;
    while let Some(at) = rest.find(&marker) {
        let tail = &rest[at + marker.len()..];
        let Some(start) = rest[..at].rfind("![") else {
            out.push_str(&rest[..at + marker.len()]);
            rest = tail;
            continue;
        };
        let key_end = tail.find(|c: char| !(c.is_ascii_alphanumeric() || "-_.:/%".contains(c))).unwrap_or(tail.len());
        let close = tail[key_end..].find(')').map_or(tail.len(), |i| key_end + i + 1);
        let path = percent_decode_str(&tail[..key_end]).decode_utf8_lossy();
        out.push_str(&rest[..start]);
        out.push_str(&to(&path, &rest[start + 2..at]));
        rest = &tail[close..];
    }
    out.push_str(rest);
    out
}

/// What an image becomes where it cannot be kept (an SVG, a file too large): its
/// place is marked with what it showed.
pub fn image_marker(alt: &str) -> String {
    let alt = alt.trim();
    if alt.is_empty() { "[Image]".to_string() } else { format!("[Image: {alt}]") }
}

fn options() -> Options<'static> {
    let mut o = Options::default();
    o.extension.table = true;
    o.extension.strikethrough = true;
    o.extension.tasklist = true;
    o.extension.wikilinks_title_after_pipe = true;
    o.extension.front_matter_delimiter = None;
    o
}

/// `base` joined with the relative `target`, `..` and `.` resolved; `None` if it climbs out.
pub(crate) fn join(base: &str, target: &str) -> Option<String> {
    let mut parts: Vec<&str> =
        if target.starts_with('/') { Vec::new() } else { base.rsplit_once('/').map_or(Vec::new(), |(dir, _)| dir.split('/').collect()) };
    for part in target.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

fn is_external(url: &str) -> bool {
    url.starts_with('#')
        || url.starts_with("//")
        || url.split_once(':').is_some_and(|(scheme, _)| {
            !scheme.is_empty() && scheme.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c)) && !scheme.contains('/')
        })
}

/// Where a relative `url` in the document at `path` leads.
fn resolve(path: &str, url: &str, lookup: &dyn Fn(&str) -> Option<Target>) -> Option<Target> {
    let bare = url.split(['#', '?']).next().unwrap_or_default();
    if bare.is_empty() {
        return Some(Target::Nowhere);
    }
    let decoded = percent_decode_str(bare).decode_utf8_lossy();
    let joined = join(path, &decoded)?;
    lookup(&joined).or_else(|| lookup(&format!("{joined}.md")))
}

/// Rewrites the Markdown `body` of the document at `doc.path`: links to documents of
/// the export become `signpost-import:KEY` placeholders, images in it `signpost-attachment:PATH`,
/// links that lead nowhere become their text (and are reported), and Obsidian's
/// `[[Page]]` links are looked up by page name.
pub(crate) fn rewrite(doc: &mut Document, body: &str, lookup: &dyn Fn(&str) -> Option<Target>, by_name: &dyn Fn(&str) -> Option<String>) {
    let arena = Arena::new();
    let options = options();
    let root = parse_document(&arena, body, &options);
    let nodes: Vec<&AstNode> = root.descendants().collect();
    for node in nodes {
        let value = node.data.borrow().value.clone();
        match value {
            NodeValue::Link(link) => {
                if is_external(&link.url) {
                    continue;
                }
                match resolve(&doc.path, &link.url, lookup) {
                    Some(Target::Document(key)) => {
                        set_url(node, &link, placeholder(&key));
                        doc.internal_links.push(key);
                    }
                    Some(Target::File(path)) => {
                        doc.attachments.push(path);
                        unwrap(node);
                    }
                    Some(Target::Nowhere) => unwrap(node),
                    None => {
                        doc.broken_links.push(link.url.clone());
                        unwrap(node);
                    }
                }
            }
            NodeValue::Image(link) => {
                if is_external(&link.url) {
                    continue;
                }
                match resolve(&doc.path, &link.url, lookup) {
                    Some(Target::File(path)) => {
                        node.data.borrow_mut().value =
                            NodeValue::Image(Box::new(NodeLink { url: attachment_placeholder(&path), title: link.title.clone() }));
                        doc.attachments.push(path);
                    }
                    _ => {
                        doc.broken_links.push(link.url.clone());
                        unwrap(node);
                    }
                }
            }
            NodeValue::WikiLink(wiki) => {
                let page = wiki.url.split(['#', '|']).next().unwrap_or_default().trim();
                let found = by_name(page).or_else(|| match resolve(&doc.path, page, lookup) {
                    Some(Target::Document(key)) => Some(key),
                    _ => None,
                });
                match found {
                    Some(key) => {
                        let link = NodeLink { url: placeholder(&key), title: String::new() };
                        node.data.borrow_mut().value = NodeValue::Link(Box::new(link));
                        doc.internal_links.push(key);
                    }
                    None => {
                        doc.broken_links.push(format!("[[{}]]", wiki.url));
                        unwrap(node);
                    }
                }
            }
            _ => {}
        }
    }
    let mut out = String::new();
    if format_commonmark(root, &options, &mut out).is_err() {
        out = body.to_string();
    }
    doc.body = out;
    doc.internal_links.sort();
    doc.internal_links.dedup();
    doc.attachments.sort();
    doc.attachments.dedup();
}

fn set_url(node: &AstNode, link: &NodeLink, url: String) {
    node.data.borrow_mut().value = NodeValue::Link(Box::new(NodeLink { url, title: link.title.clone() }));
}

/// Replaces a link with its text.
fn unwrap<'a>(node: &'a AstNode<'a>) {
    let children: Vec<_> = node.children().collect();
    for child in children {
        node.insert_before(child);
    }
    node.detach();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_are_replaced_whole() {
        let body = format!("See ![SBAR \\[card\\]]({}) and ![x](https://e.org/x.png).", attachment_placeholder("a b/c.png"));
        let out = replace_images(&body, |path, alt| format!("<{path}|{alt}>"));
        assert_eq!(out, "See <a b/c.png|SBAR \\[card\\]> and ![x](https://e.org/x.png).");
    }

    #[test]
    fn relative_paths_resolve_and_never_climb_out() {
        assert_eq!(join("a/b/page.md", "../c/d.md").as_deref(), Some("a/c/d.md"));
        assert_eq!(join("a/page.md", "./img/x.png").as_deref(), Some("a/img/x.png"));
        assert_eq!(join("page.md", "../../etc/passwd"), None);
        assert!(is_external("https://example.org") && is_external("mailto:a@b") && is_external("#top"));
        assert!(!is_external("Other%20Page.md") && !is_external("docs/page.md"));
    }
}
