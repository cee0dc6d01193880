//! Outgoing mail through an SMTP relay, behind the domain's [`Mailer`] port.
#![warn(missing_docs)]

use async_trait::async_trait;
use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::AsyncSmtpTransport;
use lettre::{AsyncTransport, Message, Tokio1Executor};
use signpost_domain::ports::{Mail, MailError, Mailer};

/// Sends messages (plain text, with an `.ics` attachment when they carry one) to one SMTP relay.
pub struct SmtpMailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl SmtpMailer {
    /// A mailer for `smtp://HOST:PORT` (port 25 when left out), sending as `from`.
    pub fn new(url: &str, from: &str) -> Result<Self, MailError> {
        let rest =
            url.strip_prefix("smtp://").ok_or_else(|| MailError(format!("the mail relay {url:?} must look like smtp://host:port")))?;
        let (host, port) = match rest.trim_end_matches('/').rsplit_once(':') {
            Some((h, p)) => (h, p.parse::<u16>().map_err(|_| MailError(format!("the port in {url:?} is not a number")))?),
            None => (rest.trim_end_matches('/'), 25),
        };
        if host.is_empty() {
            return Err(MailError(format!("the mail relay {url:?} names no host")));
        }
        let from = from.parse::<Mailbox>().map_err(|e| MailError(format!("the sender {from:?} is not an email address: {e}")))?;
        // An internal relay without TLS: the connection stays on the organisation's network.
        let transport = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host).port(port).build();
        Ok(SmtpMailer { transport, from })
    }
}

#[async_trait]
impl Mailer for SmtpMailer {
    async fn send(&self, mail: &Mail) -> Result<(), MailError> {
        let to = mail.to.parse::<Mailbox>().map_err(|e| MailError(format!("{:?} is not an email address: {e}", mail.to)))?;
        let builder = Message::builder().from(self.from.clone()).to(to).subject(&mail.subject).message_id(mail.message_id.clone());
        let message = match &mail.calendar {
            None => builder.header(ContentType::TEXT_PLAIN).body(mail.body.clone()),
            Some(ics) => {
                let calendar = ContentType::parse("text/calendar; charset=utf-8; method=PUBLISH")
                    .map_err(|e| MailError(format!("calendar content type: {e}")))?;
                builder.multipart(
                    MultiPart::mixed()
                        .singlepart(SinglePart::plain(mail.body.clone()))
                        .singlepart(Attachment::new("invite.ics".to_string()).body(ics.clone(), calendar)),
                )
            }
        }
        .map_err(|e| MailError(e.to_string()))?;
        self.transport.send(message).await.map(|_| ()).map_err(|e| MailError(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relay_addresses_are_checked_before_anything_is_sent() {
        assert!(SmtpMailer::new("smtp://relay.trust.nhs.uk:2525", "signpost@trust.nhs.uk").is_ok());
        assert!(SmtpMailer::new("smtp://relay.trust.nhs.uk", "signpost@trust.nhs.uk").is_ok(), "port 25 by default");
        let refused = |url: &str, from: &str| SmtpMailer::new(url, from).err().map(|e| e.0).unwrap_or_default();
        assert!(refused("relay.trust.nhs.uk", "a@b.uk").contains("smtp://host:port"));
        assert!(refused("smtp://relay:twenty", "a@b.uk").contains("not a number"));
        assert!(refused("smtp://relay:25", "not an address").contains("not an email address"));
    }
}
