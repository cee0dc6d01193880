//! Markdown to safe HTML: comrak renders CommonMark with GitHub extensions and
//! leaves raw HTML out; ammonia then keeps only an allow-list of tags and
//! attributes, so a stored body can never carry script into a page.
use comrak::{Options, markdown_to_html};

/// Renders Markdown as sanitised HTML.
pub fn render(markdown: &str) -> String {
    let mut options = Options::default();
    options.extension.table = true;
    options.extension.strikethrough = true;
    options.extension.autolink = true;
    options.extension.tasklist = true;
    let html = markdown_to_html(markdown, &options);
    ammonia::Builder::default().link_rel(Some("noopener noreferrer nofollow")).clean(&html).to_string()
}

#[cfg(test)]
mod tests {
    use super::render;

    #[test]
    fn markdown_renders_tables_and_emphasis() {
        let html = render("**Key point**\n\n| a | b |\n|---|---|\n| 1 | 2 |\n");
        assert!(html.contains("<strong>Key point</strong>"));
        assert!(html.contains("<table>"));
    }

    #[test]
    fn script_and_event_handlers_never_survive() {
        for payload in [
            "<script>alert(1)</script>",
            "<img src=x onerror=alert(1)>",
            "[click](javascript:alert(1))",
            "<a href=\"javascript:alert(1)\">x</a>",
            "<svg onload=alert(1)>",
            "<iframe src=\"https://example.org\"></iframe>",
        ] {
            let html = render(payload).to_lowercase();
            assert!(!html.contains("<script"), "{payload} -> {html}");
            assert!(!html.contains("onerror"), "{payload} -> {html}");
            assert!(!html.contains("onload"), "{payload} -> {html}");
            assert!(!html.contains("javascript:"), "{payload} -> {html}");
            assert!(!html.contains("<iframe"), "{payload} -> {html}");
        }
    }
}
