//! A [`Mail`] as a MIME message: plain text and HTML alternatives, an `.ics` attachment
//! when it carries one, and RFC 8058 one-click unsubscribe headers when it has a link.
use lettre::Message;
use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Attachment, Mailbox, MultiPart};
use maud::{Markup, PreEscaped, html};
use signpost_domain::ports::{Mail, MailError};

/// The message `mail` becomes when sent from `from`.
pub fn build(mail: &Mail, from: &Mailbox) -> Result<Message, MailError> {
    let to = mail.to.parse::<Mailbox>().map_err(|e| MailError(format!("{:?} is not an email address: {e}", mail.to)))?;
    let mut builder = Message::builder().from(from.clone()).to(to).subject(&mail.subject).message_id(mail.message_id.clone());
    if let Some(link) = &mail.unsubscribe {
        builder = builder.raw_header(HeaderValue::new(HeaderName::new_from_ascii_str("List-Unsubscribe"), format!("<{link}>"))).raw_header(
            HeaderValue::new(HeaderName::new_from_ascii_str("List-Unsubscribe-Post"), "List-Unsubscribe=One-Click".to_string()),
        );
    }
    let html = match &mail.html {
        Some(html) => html.clone(),
        None => as_html(&mail.body).into_string(),
    };
    let alternatives = MultiPart::alternative_plain_html(mail.body.clone(), html);
    let message = match &mail.calendar {
        None => builder.multipart(alternatives),
        Some(ics) => {
            let calendar = ContentType::parse("text/calendar; charset=utf-8; method=PUBLISH")
                .map_err(|e| MailError(format!("calendar content type: {e}")))?;
            builder.multipart(
                MultiPart::mixed()
                    .multipart(alternatives)
                    .singlepart(Attachment::new("invite.ics".to_string()).body(ics.clone(), calendar)),
            )
        }
    };
    message.map_err(|e| MailError(e.to_string()))
}

/// Plain text as simple HTML: a paragraph per blank-line-separated block, line breaks
/// kept, and web addresses made into links. Everything else is escaped.
pub fn as_html(text: &str) -> Markup {
    let finder = linkify::LinkFinder::new();
    let paragraph = |block: &str| {
        html! {
            p {
                @for (i, line) in block.lines().enumerate() {
                    @if i > 0 { br; }
                    @for span in finder.spans(line) {
                        @match span.kind() {
                            Some(linkify::LinkKind::Url) if span.as_str().starts_with("http") => a href=(span.as_str()) { (span.as_str()) },
                            _ => (span.as_str()),
                        }
                    }
                }
            }
        }
    };
    html! {
        (PreEscaped("<!DOCTYPE html>"))
        html lang="en-GB" {
            head { meta charset="utf-8"; }
            body style="font-family: Arial, sans-serif; font-size: 16px; line-height: 1.5; color: #212b32" {
                @for block in text.split("\n\n").map(str::trim).filter(|b| !b.is_empty()) { (paragraph(block)) }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn formatted(mail: &Mail) -> String {
        let from = "Signpost <signpost@trust.nhs.uk>".parse().unwrap();
        String::from_utf8(build(mail, &from).unwrap().formatted()).unwrap()
    }

    #[test]
    fn every_message_has_a_plain_text_and_an_html_part() {
        let mail =
            Mail::text("amira@trust.nhs.uk", "An action for you", "Hello Amira,\n\nSee https://signpost.trust.nhs.uk/actions/4 <now>.\n");
        let text = formatted(&mail);
        assert!(text.contains("multipart/alternative"), "{text}");
        assert!(text.contains("Content-Type: text/plain; charset=utf-8"), "{text}");
        assert!(text.contains("Content-Type: text/html; charset=utf-8"), "{text}");
        assert!(!text.contains("List-Unsubscribe"), "no unsubscribe link, no header: {text}");
        let html = as_html(&mail.body).into_string();
        assert!(html.contains(r#"<a href="https://signpost.trust.nhs.uk/actions/4">"#), "{html}");
        assert!(html.contains("&lt;now&gt;"), "the text is escaped: {html}");
        assert!(html.contains("<p>Hello Amira,</p>"), "{html}");
    }

    #[test]
    fn one_click_unsubscribe_follows_rfc_8058() {
        let link = "https://signpost.trust.nhs.uk/unsubscribe/abc.def";
        let mail = Mail::text("a@trust.nhs.uk", "Digest", "Body").with_unsubscribe(link);
        let text = formatted(&mail);
        assert!(text.contains(&format!("List-Unsubscribe: <{link}>")), "{text}");
        assert!(text.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"), "{text}");
    }

    #[test]
    fn a_calendar_invitation_rides_beside_the_alternatives() {
        let mail = Mail::text("a@trust.nhs.uk", "Coffee", "Body").with_calendar("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n");
        let text = formatted(&mail);
        assert!(text.contains("multipart/mixed") && text.contains("multipart/alternative"), "{text}");
        assert!(text.contains("filename=\"invite.ics\""), "{text}");
    }
}
