//! The mail relay's settings, from flags, `SIGNPOST_*` variables and the configuration
//! file (flags and variables win), turned into a checked mailer.
use std::path::PathBuf;

use clap::Args;
use signpost_mail::{Relay, RelayCheck, RelayOptions, SmtpMailer, StartTls};

/// How to reach the mail relay.
#[derive(Args, Debug, Default)]
pub struct MailArgs {
    /// The SMTP relay: smtp://HOST:PORT (STARTTLS when offered, required when logging in)
    /// or smtps://HOST:PORT (TLS from the start). Without it, no mail is sent.
    #[arg(long, env = "SIGNPOST_SMTP_URL", global = true)]
    pub smtp_url: Option<String>,
    /// STARTTLS on an smtp:// relay: required, opportunistic or never.
    #[arg(long, env = "SIGNPOST_SMTP_STARTTLS", global = true)]
    pub smtp_starttls: Option<String>,
    /// The account to log in to the relay as (NHSmail: the sending mailbox's address).
    #[arg(long, env = "SIGNPOST_SMTP_USERNAME", global = true)]
    pub smtp_username: Option<String>,
    /// Its password (better in SIGNPOST_SMTP_PASSWORD or the configuration file than on the command line).
    #[arg(long, env = "SIGNPOST_SMTP_PASSWORD", hide_env_values = true, global = true)]
    pub smtp_password: Option<String>,
    /// A PEM file of certificate authorities to trust for the relay, beside the system's.
    #[arg(long, env = "SIGNPOST_SMTP_CA_FILE", global = true)]
    pub smtp_ca_file: Option<PathBuf>,
    /// The address mail comes from [default: the login's address, or signpost@localhost].
    #[arg(long, env = "SIGNPOST_MAIL_FROM", global = true)]
    pub mail_from: Option<String>,
}

/// The same settings as the configuration file holds them.
#[derive(Debug, Default)]
pub struct MailConfig {
    /// See [`MailArgs::smtp_url`].
    pub smtp_url: Option<String>,
    /// See [`MailArgs::smtp_starttls`].
    pub smtp_starttls: Option<String>,
    /// See [`MailArgs::smtp_username`].
    pub smtp_username: Option<String>,
    /// See [`MailArgs::smtp_password`].
    pub smtp_password: Option<String>,
    /// See [`MailArgs::smtp_ca_file`].
    pub smtp_ca_file: Option<PathBuf>,
    /// See [`MailArgs::mail_from`].
    pub mail_from: Option<String>,
    /// Whether From must be the login's own address (default true when the login is an address).
    pub smtp_from_must_match_login: Option<bool>,
}

/// The mailer the settings describe, or `None` when no relay is configured.
pub fn mailer(args: MailArgs, config: MailConfig) -> anyhow::Result<Option<SmtpMailer>> {
    let Some(url) = args.smtp_url.or(config.smtp_url) else { return Ok(None) };
    let starttls = args.smtp_starttls.or(config.smtp_starttls).map(|t| StartTls::parse(&t)).transpose()?;
    let options = RelayOptions {
        starttls,
        username: args.smtp_username.or(config.smtp_username),
        password: args.smtp_password.or(config.smtp_password),
        ca_file: args.smtp_ca_file.or(config.smtp_ca_file),
        from: args.mail_from.or(config.mail_from),
        from_must_match_login: config.smtp_from_must_match_login,
    };
    let relay = Relay::parse(&url, options)?;
    Ok(Some(SmtpMailer::new(relay)?))
}

/// Connects to the relay once at start-up: a refused login or TLS is an error to fix
/// now; a relay that cannot be reached only delays mail, which waits in the queue.
pub async fn check(mailer: &SmtpMailer) -> anyhow::Result<()> {
    let relay = mailer.relay();
    match mailer.check().await.map_err(|e| anyhow::anyhow!("{e}; check the smtp_* settings"))? {
        RelayCheck::Ready => {
            let login = relay.login().map(|u| format!(", logged in as {u}")).unwrap_or_default();
            eprintln!("Mail goes through {} as {}{login}", relay.address(), relay.from());
        }
        RelayCheck::Unreachable(why) => {
            tracing::warn!(relay = %relay.address(), error = %why, "the mail relay cannot be reached now; mail waits in the queue until it can");
        }
    }
    Ok(())
}
