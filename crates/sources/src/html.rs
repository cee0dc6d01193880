//! HTML to Markdown through htmd, with the DOM walked here first: to refuse nesting
//! deep enough to exhaust the converter's stack, to find the parts of a page that are
//! content, and to make every link and image Markdown can carry.
use std::rc::Rc;

use htmd::{HtmlToMarkdown, Node};
use markup5ever_rcdom::NodeData;

use crate::{Document, Limits, Problem, Target, links};

pub(crate) type Handle = Rc<Node>;

/// Every element under `root` in document order, refusing nesting past `max_depth`.
pub(crate) fn elements(place: &str, root: &Handle, max_depth: usize) -> Result<Vec<Handle>, Problem> {
    let mut out = Vec::new();
    let mut stack = vec![(root.clone(), 0usize)];
    while let Some((node, depth)) = stack.pop() {
        if depth > max_depth {
            return Err(Problem::new(place, format!("nests elements more than {max_depth} deep; no real page does")));
        }
        if matches!(node.data, NodeData::Element { .. }) {
            out.push(node.clone());
        }
        for child in node.children.borrow().iter().rev() {
            stack.push((child.clone(), depth + 1));
        }
    }
    Ok(out)
}

pub(crate) fn tag(node: &Handle) -> &str {
    match &node.data {
        NodeData::Element { name, .. } => &name.local,
        _ => "",
    }
}

pub(crate) fn attr(node: &Handle, name: &str) -> Option<String> {
    match &node.data {
        NodeData::Element { attrs, .. } => attrs.borrow().iter().find(|a| &*a.name.local == name).map(|a| a.value.to_string()),
        _ => None,
    }
}

pub(crate) fn has_class(node: &Handle, class: &str) -> bool {
    attr(node, "class").is_some_and(|c| c.split_whitespace().any(|c| c == class))
}

fn set_attr(node: &Handle, name: &str, value: String) {
    if let NodeData::Element { attrs, .. } = &node.data
        && let Some(a) = attrs.borrow_mut().iter_mut().find(|a| &*a.name.local == name)
    {
        a.value = value.into();
    }
}

/// The text inside a node, whitespace collapsed.
pub(crate) fn text_of(node: &Handle) -> String {
    let mut out = String::new();
    let mut stack = vec![node.clone()];
    while let Some(n) = stack.pop() {
        if let NodeData::Text { contents } = &n.data {
            out.push_str(&contents.borrow());
        }
        for child in n.children.borrow().iter().rev() {
            stack.push(child.clone());
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

pub(crate) fn converter() -> HtmlToMarkdown {
    HtmlToMarkdown::builder().skip_tags(vec!["script", "style", "head", "nav", "noscript", "iframe", "object", "embed"]).build()
}

/// Markdown for the content under `content`, with links and images resolved.
pub(crate) fn to_markdown(
    doc: &mut Document,
    converter: &HtmlToMarkdown,
    content: &Handle,
    nodes: &[Handle],
    lookup: &dyn Fn(&str) -> Option<Target>,
) {
    // Markdown destinations cannot hold spaces; percent-encoding them keeps the link a link.
    for n in nodes {
        for name in ["href", "src"] {
            if let Some(v) = attr(n, name).filter(|v| v.contains(' ')) {
                set_attr(n, name, v.replace(' ', "%20"));
            }
        }
    }
    let markdown = converter.tree_to_markdown(content);
    links::rewrite(doc, &markdown, lookup, &|_| None);
}

/// A standalone HTML document (not from Confluence): its `<title>` or first heading, its body.
pub(crate) fn read_document(
    path: &str,
    key: String,
    html: &str,
    limits: &Limits,
    lookup: &dyn Fn(&str) -> Option<Target>,
) -> Result<Document, Problem> {
    let converter = converter();
    let root = converter.html_to_tree(html).map_err(|e| Problem::new(path, e.to_string()))?;
    let nodes = elements(path, &root, limits.max_depth)?;
    let find = |t: &str| nodes.iter().find(|n| tag(n) == t);
    let title = find("title").or_else(|| find("h1")).map(text_of).filter(|t| !t.is_empty()).unwrap_or_else(|| crate::wiki::name_of(path));
    let content = nodes.iter().find(|n| attr(n, "id").as_deref() == Some("main-content")).or_else(|| find("body")).unwrap_or(&root).clone();
    let mut doc = Document::new(path, key, title);
    to_markdown(&mut doc, &converter, &content, &nodes, lookup);
    Ok(doc)
}
