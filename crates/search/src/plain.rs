//! Assets' bodies are Markdown; the index holds what a reader sees, so a snippet never
//! shows `## What we did` and a word inside link syntax is not counted twice.
use comrak::nodes::NodeValue;
use comrak::{Arena, Options, parse_document};

/// The text of a Markdown document, its blocks on separate lines. A heading ends with
/// a full stop, so a snippet that runs it into the next sentence still reads as two.
pub(crate) fn plain_text(markdown: &str) -> String {
    let arena = Arena::new();
    let root = parse_document(&arena, markdown, &Options::default());
    let mut out = String::with_capacity(markdown.len());
    let mut after_heading = false;
    for node in root.descendants() {
        let data = node.data();
        match &data.value {
            NodeValue::Text(t) => out.push_str(t),
            NodeValue::Code(c) => out.push_str(&c.literal),
            NodeValue::CodeBlock(c) => out.push_str(&c.literal),
            NodeValue::SoftBreak | NodeValue::LineBreak => out.push(' '),
            v if v.block() => {
                if after_heading && !out.trim_end().ends_with(['.', '?', '!', ':']) {
                    out.truncate(out.trim_end().len());
                    out.push('.');
                }
                after_heading = matches!(v, NodeValue::Heading(_));
                if !out.is_empty() && !out.ends_with('\n') {
                    out.push('\n');
                }
            }
            _ => {}
        }
    }
    out.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::plain_text;

    #[test]
    fn markdown_becomes_the_words_a_reader_sees() {
        let text = plain_text("## What we did\nWe ran a **walk-in** clinic.\n\n- [Consent form](https://x.nhs.uk) at the door\n- `SBAR`\n");
        assert_eq!(text, "What we did.\nWe ran a walk-in clinic.\nConsent form at the door\nSBAR");
        assert_eq!(plain_text("# Why?\nBecause."), "Why?\nBecause.", "a heading that ends a sentence already is left as it is");
    }
}
