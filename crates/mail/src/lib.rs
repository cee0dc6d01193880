//! Outgoing mail through an SMTP relay, behind the domain's [`Mailer`] port: implicit TLS
//! or STARTTLS with the certificate verified (against the system's authorities and an
//! optional CA file), a login where the relay wants one, and pooled connections.
#![warn(missing_docs)]

mod message;
mod relay;

use std::time::Duration;

use async_trait::async_trait;
use lettre::message::Mailbox;
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::transport::smtp::{AsyncSmtpTransport, PoolConfig};
use lettre::{AsyncTransport, Tokio1Executor};
pub use message::as_html;
pub use relay::{Relay, RelayOptions, Security, StartTls};
use signpost_domain::ports::{Mail, MailError, Mailer};

/// What a start-up check of the relay found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RelayCheck {
    /// Connected, upgraded to TLS as configured, and (if configured) logged in.
    Ready,
    /// Could not be reached just now; mail waits in the queue and is retried.
    Unreachable(String),
}

/// Sends messages to one SMTP relay.
pub struct SmtpMailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    relay: Relay,
}

impl SmtpMailer {
    /// A mailer for a relay whose settings [`Relay::parse`] accepted.
    pub fn new(relay: Relay) -> Result<Self, MailError> {
        let tls = || -> Result<TlsParameters, MailError> {
            let mut params = TlsParameters::builder(relay.host.clone());
            if let Some(pem) = &relay.ca_pem {
                let ca =
                    Certificate::from_pem(pem).map_err(|e| MailError(format!("the mail relay's CA file is not a PEM certificate: {e}")))?;
                params = params.add_root_certificate(ca);
            }
            params.build_rustls().map_err(|e| MailError(format!("cannot set up TLS for the mail relay: {e}")))
        };
        let security = match relay.security {
            Security::ImplicitTls => Tls::Wrapper(tls()?),
            Security::Plain(StartTls::Required) => Tls::Required(tls()?),
            Security::Plain(StartTls::Opportunistic) => Tls::Opportunistic(tls()?),
            Security::Plain(StartTls::Never) => Tls::None,
        };
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(relay.host.clone())
            .port(relay.port)
            .tls(security)
            .timeout(Some(Duration::from_secs(30)))
            .pool_config(PoolConfig::new().max_size(4).idle_timeout(Duration::from_secs(60)));
        if let Some((user, password)) = &relay.login {
            builder = builder
                .credentials(Credentials::new(user.clone(), password.clone()))
                .authentication(vec![Mechanism::Plain, Mechanism::Login]);
        }
        Ok(SmtpMailer { transport: builder.build(), from: relay.from.clone(), relay })
    }

    /// A mailer for `smtp://HOST:PORT` with no login, sending as `from`.
    pub fn plain(url: &str, from: &str) -> Result<Self, MailError> {
        SmtpMailer::new(Relay::parse(url, RelayOptions { from: Some(from.to_string()), ..RelayOptions::default() })?)
    }

    /// Connects, upgrades and logs in as configured. A relay that answers but refuses the
    /// TLS or the login is an error (a setting to fix); one that cannot be reached is not,
    /// since mail waits in the queue until it can be.
    pub async fn check(&self) -> Result<RelayCheck, MailError> {
        match self.transport.test_connection().await {
            Ok(true) => Ok(RelayCheck::Ready),
            Ok(false) => Ok(RelayCheck::Unreachable(format!("{} did not answer", self.relay.address()))),
            Err(e) if e.is_permanent() => Err(MailError(match self.relay.login() {
                Some(user) => format!("the mail relay {} refused the login as {user}: {e}", self.relay.address()),
                None => format!("the mail relay {} refused Signpost: {e}", self.relay.address()),
            })),
            Err(e) if e.is_tls() || e.is_client() || tls_refused(&e) => {
                Err(MailError(format!("could not set up TLS with the mail relay {}: {e}", self.relay.address())))
            }
            Err(e) => Ok(RelayCheck::Unreachable(format!("{}: {e}", self.relay.address()))),
        }
    }

    /// The relay's checked settings.
    pub fn relay(&self) -> &Relay {
        &self.relay
    }
}

/// Whether TLS itself failed (an untrusted or mismatched certificate, say), which lettre
/// reports as a connection error with the TLS library's error inside.
fn tls_refused(e: &lettre::transport::smtp::Error) -> bool {
    let mut source = std::error::Error::source(e);
    while let Some(err) = source {
        let inner = err.downcast_ref::<std::io::Error>().and_then(|io| io.get_ref());
        if err.downcast_ref::<rustls::Error>().is_some() || inner.is_some_and(|i| i.downcast_ref::<rustls::Error>().is_some()) {
            return true;
        }
        source = err.source();
    }
    false
}

#[async_trait]
impl Mailer for SmtpMailer {
    async fn send(&self, mail: &Mail) -> Result<(), MailError> {
        let message = message::build(mail, &self.from)?;
        self.transport.send(message).await.map(|_| ()).map_err(|e| MailError(e.to_string()))
    }
}
