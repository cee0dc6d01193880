//! Where the relay is and how to reach it safely: the `smtp_url` and the options beside
//! it, checked once at start-up so a mistake is an error before any mail is queued.
use std::path::PathBuf;

use lettre::message::Mailbox;
use percent_encoding::percent_decode_str;
use signpost_domain::ports::MailError;

/// Whether a plain `smtp://` connection upgrades to TLS with STARTTLS.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StartTls {
    /// Refuse to go on without TLS (the default when logging in: a password never crosses in clear).
    Required,
    /// Upgrade when the relay offers it (the default for an internal relay on port 25).
    Opportunistic,
    /// Never upgrade (an internal relay with no TLS at all; no login allowed).
    Never,
}

impl StartTls {
    /// Reads `required`, `opportunistic` or `never` (also `true`/`false`).
    pub fn parse(text: &str) -> Result<StartTls, MailError> {
        match text.trim().to_ascii_lowercase().as_str() {
            "required" | "true" | "yes" => Ok(StartTls::Required),
            "opportunistic" => Ok(StartTls::Opportunistic),
            "never" | "false" | "no" => Ok(StartTls::Never),
            other => Err(MailError(format!("starttls must be required, opportunistic or never, not {other:?}"))),
        }
    }
}

/// How the connection is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Security {
    /// TLS from the first byte (`smtps://`, port 465 by default).
    ImplicitTls,
    /// Plain TCP, upgraded as [`StartTls`] says (`smtp://`, port 25 by default).
    Plain(StartTls),
}

/// The settings beside `smtp_url`; any left out come from the URL or the defaults.
#[derive(Debug, Clone, Default)]
pub struct RelayOptions {
    /// Overrides `?starttls=` in the URL.
    pub starttls: Option<StartTls>,
    /// The account to log in as (overrides a user in the URL).
    pub username: Option<String>,
    /// Its password (overrides one in the URL).
    pub password: Option<String>,
    /// A PEM file of certificate authorities to trust beside the system's (an internal CA).
    pub ca_file: Option<PathBuf>,
    /// The From address; when logging in as an email address, it defaults to that address.
    pub from: Option<String>,
    /// Whether From must be the login's own address (NHSmail's rule); on by default when
    /// the login is an email address.
    pub from_must_match_login: Option<bool>,
}

/// A relay whose settings have been checked.
#[derive(Clone)]
pub struct Relay {
    pub(crate) host: String,
    pub(crate) port: u16,
    pub(crate) security: Security,
    pub(crate) login: Option<(String, String)>,
    pub(crate) ca_pem: Option<Vec<u8>>,
    pub(crate) from: Mailbox,
}

impl std::fmt::Debug for Relay {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the password.
        f.debug_struct("Relay")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("security", &self.security)
            .field("login", &self.login.as_ref().map(|(user, _)| user))
            .field("from", &self.from.to_string())
            .finish()
    }
}

impl Relay {
    /// Checks `url` (`smtp://[USER[:PASSWORD]@]HOST[:PORT][?starttls=required|opportunistic|never]`
    /// or `smtps://…`) with `options`.
    pub fn parse(url: &str, options: RelayOptions) -> Result<Relay, MailError> {
        let bad = |why: &str| MailError(format!("the mail relay {:?} {why}", redact(url)));
        let parsed = url::Url::parse(url).map_err(|e| bad(&format!("is not a URL ({e}); write smtp://host:port or smtps://host:port")))?;
        let implicit = match parsed.scheme() {
            "smtp" => false,
            "smtps" => true,
            _ => return Err(bad("must start with smtp:// or smtps://")),
        };
        let host = parsed.host_str().filter(|h| !h.is_empty()).ok_or_else(|| bad("names no host"))?;
        let host = host.trim_start_matches('[').trim_end_matches(']').to_string();
        if !matches!(parsed.path(), "" | "/") {
            return Err(bad("has a path; write smtp://host:port"));
        }
        let mut starttls = None;
        for (key, value) in parsed.query_pairs() {
            match key.as_ref() {
                "starttls" | "tls" => starttls = Some(StartTls::parse(&value)?),
                other => return Err(bad(&format!("has an option {other:?} Signpost does not know (only starttls)"))),
            }
        }
        let decode =
            |s: &str| percent_decode_str(s).decode_utf8().map(|c| c.into_owned()).map_err(|_| bad("has a login that is not UTF-8"));
        let url_user = Some(decode(parsed.username())?).filter(|u| !u.is_empty());
        let url_password = parsed.password().map(decode).transpose()?;
        let username = options.username.filter(|u| !u.is_empty()).or(url_user);
        let password = options.password.or(url_password);
        let login = match (username, password) {
            (Some(user), Some(password)) => Some((user, password)),
            (Some(user), None) => return Err(MailError(format!("the mail relay login {user:?} has no password (smtp_password)"))),
            (None, Some(_)) => return Err(MailError("a mail relay password is set without a username (smtp_username)".into())),
            (None, None) => None,
        };
        let security = if implicit {
            if starttls.or(options.starttls).is_some() {
                return Err(bad("is smtps:// (TLS from the start), so starttls does not apply"));
            }
            Security::ImplicitTls
        } else {
            let default = if login.is_some() { StartTls::Required } else { StartTls::Opportunistic };
            Security::Plain(options.starttls.or(starttls).unwrap_or(default))
        };
        if login.is_some() && security == Security::Plain(StartTls::Never) {
            return Err(bad("would send the login's password without TLS; use starttls=required or smtps://"));
        }
        if login.is_some() && security == Security::Plain(StartTls::Opportunistic) {
            return Err(bad("would send the login's password in clear if the relay did not offer TLS; use starttls=required"));
        }
        let port = parsed.port().unwrap_or(if implicit { 465 } else { 25 });
        let ca_pem = match &options.ca_file {
            None => None,
            Some(path) => {
                Some(std::fs::read(path).map_err(|e| MailError(format!("cannot read the mail relay's CA file {}: {e}", path.display())))?)
            }
        };
        let login_address = login.as_ref().map(|(user, _)| user.as_str()).filter(|u| u.contains('@'));
        let from_text = match (&options.from, login_address) {
            (Some(from), _) => from.clone(),
            (None, Some(address)) => address.to_string(),
            (None, None) => "signpost@localhost".to_string(),
        };
        let from = from_text.parse::<Mailbox>().map_err(|e| MailError(format!("the sender {from_text:?} is not an email address: {e}")))?;
        if let Some(address) = login_address
            && options.from_must_match_login.unwrap_or(true)
            && !from.email.to_string().eq_ignore_ascii_case(address)
        {
            return Err(MailError(format!(
                "mail_from is {} but the relay login is {address}: a relay such as NHSmail sends only as the account that logs in. \
                 Set mail_from to {address}, or smtp_from_must_match_login = false if your relay allows otherwise",
                from.email
            )));
        }
        Ok(Relay { host, port, security, login, ca_pem, from })
    }

    /// The address mail comes from.
    pub fn from(&self) -> String {
        self.from.to_string()
    }

    /// The account it logs in as, if any.
    pub fn login(&self) -> Option<&str> {
        self.login.as_ref().map(|(user, _)| user.as_str())
    }

    /// `host:port`.
    pub fn address(&self) -> String {
        format!("{}:{}", self.host, self.port)
    }
}

/// `url` with any password replaced, for messages and logs.
fn redact(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("********"));
            parsed.to_string()
        }
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(url: &str, options: RelayOptions) -> Result<Relay, String> {
        Relay::parse(url, options).map_err(|e| e.0)
    }

    #[test]
    fn a_plain_relay_upgrades_when_it_can_and_a_login_insists_on_tls() {
        let relay = parse("smtp://relay.trust.nhs.uk", RelayOptions::default()).unwrap();
        assert_eq!((relay.port, relay.security), (25, Security::Plain(StartTls::Opportunistic)));
        assert_eq!(relay.from(), "signpost@localhost");

        let nhsmail = parse(
            "smtp://send.nhs.net:587",
            RelayOptions { username: Some("signpost.trust@nhs.net".into()), password: Some("secret".into()), ..RelayOptions::default() },
        )
        .unwrap();
        assert_eq!((nhsmail.port, nhsmail.security), (587, Security::Plain(StartTls::Required)));
        assert_eq!(nhsmail.from(), "signpost.trust@nhs.net", "From defaults to the login's address");
        assert!(!format!("{nhsmail:?}").contains("secret"), "the password never reaches a log");

        let implicit = parse("smtps://user%40trust.nhs.uk:p%40ss@mail.trust.nhs.uk", RelayOptions::default()).unwrap();
        assert_eq!((implicit.port, implicit.security), (465, Security::ImplicitTls));
        assert_eq!(implicit.login, Some(("user@trust.nhs.uk".to_string(), "p@ss".to_string())), "percent-escapes are decoded");
    }

    #[test]
    fn unsafe_or_contradictory_settings_are_refused_with_what_to_change() {
        let login = || RelayOptions { username: Some("a@nhs.net".into()), password: Some("pw".into()), ..RelayOptions::default() };
        let err = parse("smtp://relay:587?starttls=never", login()).unwrap_err();
        assert!(err.contains("without TLS"), "{err}");
        let err = parse("smtp://relay:587?starttls=opportunistic", login()).unwrap_err();
        assert!(err.contains("in clear"), "{err}");
        let err = parse("smtps://relay?starttls=required", RelayOptions::default()).unwrap_err();
        assert!(err.contains("does not apply"), "{err}");
        let err = parse("smtp://u:secret@relay:587?starttls=never", RelayOptions::default()).unwrap_err();
        assert!(!err.contains("secret") && err.contains("********"), "the password is not repeated: {err}");
        let err = parse("http://relay", RelayOptions::default()).unwrap_err();
        assert!(err.contains("smtp:// or smtps://"), "{err}");
        let err = parse("smtp://relay:twenty", RelayOptions::default()).unwrap_err();
        assert!(err.contains("not a URL"), "{err}");
        let err = parse("smtp://relay?colour=blue", RelayOptions::default()).unwrap_err();
        assert!(err.contains("colour"), "{err}");
        let err = parse("smtp://relay", RelayOptions { from: Some("not an address".into()), ..RelayOptions::default() }).unwrap_err();
        assert!(err.contains("not an email address"), "{err}");
        let err = parse("smtp://relay", RelayOptions { username: Some("a@nhs.net".into()), ..RelayOptions::default() }).unwrap_err();
        assert!(err.contains("no password"), "{err}");
    }

    #[test]
    fn the_sender_must_be_the_account_that_logs_in_unless_the_relay_allows_otherwise() {
        let options = |from_must_match_login| RelayOptions {
            username: Some("signpost.trust@nhs.net".into()),
            password: Some("pw".into()),
            from: Some("Signpost <noreply@trust.nhs.uk>".into()),
            from_must_match_login,
            ..RelayOptions::default()
        };
        let err = parse("smtp://send.nhs.net:587", options(None)).unwrap_err();
        assert!(err.contains("Set mail_from to signpost.trust@nhs.net"), "{err}");
        assert!(parse("smtp://send.nhs.net:587", options(Some(false))).is_ok());
        let named = RelayOptions { from: Some("Signpost <Signpost.Trust@nhs.net>".into()), ..options(None) };
        assert!(parse("smtp://send.nhs.net:587", named).is_ok(), "a display name and the address's case do not matter");
    }
}
