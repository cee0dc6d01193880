//! Mail through a real relay (aiosmtpd) as a trust would run one: STARTTLS with a login
//! (NHSmail's port 587), TLS from the first byte, and a plain internal relay; a refused
//! login or an untrusted certificate stops the server at start-up with a clear message.
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common;
use common::{Backend, MailSink, SinkTls, TestDb, binary};
use signpost_domain::ports::{Mail, Mailer};
use signpost_mail::{Relay, RelayCheck, RelayOptions, SmtpMailer};

const LOGIN: (&str, &str) = ("signpost@trust.nhs.uk", "correct horse battery");

fn options(sink: &MailSink, password: &str) -> RelayOptions {
    RelayOptions {
        username: Some(LOGIN.0.into()),
        password: Some(password.into()),
        ca_file: Some(sink.ca_file()),
        ..RelayOptions::default()
    }
}

#[tokio::test]
async fn implicit_tls_with_a_login_delivers_both_parts_and_the_unsubscribe_headers() {
    let sink = MailSink::with(SinkTls::Implicit, Some(LOGIN), false).await;
    let mailer = SmtpMailer::new(Relay::parse(&sink.url(), options(&sink, LOGIN.1)).unwrap()).unwrap();
    assert_eq!(mailer.check().await.unwrap(), RelayCheck::Ready);
    let mail =
        Mail::text("kwame@trust.nhs.uk", "Your daily digest", "One thing happened.\n\nSee https://signpost.trust.nhs.uk/notifications\n")
            .with_unsubscribe("https://signpost.trust.nhs.uk/unsubscribe/token");
    // Two messages over one pooled connection.
    mailer.send(&mail).await.unwrap();
    mailer.send(&Mail { subject: "Another".into(), ..mail.clone() }).await.unwrap();
    let received = sink.received();
    assert_eq!(received.len(), 2);
    let m = &received[0];
    assert_eq!((m["login"].as_str(), m["from"].as_str(), m["to"].as_str()), (Some(LOGIN.0), Some(LOGIN.0), Some("kwame@trust.nhs.uk")));
    assert!(m["text"].as_str().unwrap().contains("One thing happened."), "{m}");
    assert!(m["html"].as_str().unwrap().contains(r#"<a href="https://signpost.trust.nhs.uk/notifications">"#), "{m}");
    assert_eq!(m["list_unsubscribe"], "<https://signpost.trust.nhs.uk/unsubscribe/token>");
    assert_eq!(m["list_unsubscribe_post"], "List-Unsubscribe=One-Click");
}

#[tokio::test]
async fn a_certificate_from_an_unknown_authority_or_a_relay_without_starttls_is_refused() {
    let tls = MailSink::with(SinkTls::StartTls, Some(LOGIN), false).await;
    let untrusted = RelayOptions { ca_file: None, ..options(&tls, LOGIN.1) };
    let mailer = SmtpMailer::new(Relay::parse(&tls.url(), untrusted).unwrap()).unwrap();
    let err = mailer.check().await.unwrap_err().0;
    assert!(err.contains("TLS") && err.contains("certificate"), "{err}");
    assert!(mailer.send(&Mail::text("a@trust.nhs.uk", "x", "y")).await.is_err(), "and nothing is sent");

    let plain = MailSink::start(false).await;
    let required = RelayOptions { starttls: Some(signpost_mail::StartTls::Required), ..RelayOptions::default() };
    let mailer = SmtpMailer::new(Relay::parse(&plain.url(), required).unwrap()).unwrap();
    let err = mailer.check().await.unwrap_err().0;
    assert!(err.contains("STARTTLS"), "a relay that offers no TLS is refused when TLS is required: {err}");
    assert!(tls.received().is_empty() && plain.received().is_empty());
}

#[tokio::test]
async fn an_unreachable_relay_is_not_an_error_since_mail_waits_in_the_queue() {
    let port = common::free_port();
    let mailer = SmtpMailer::plain(&format!("smtp://127.0.0.1:{port}"), "signpost@trust.nhs.uk").unwrap();
    assert!(matches!(mailer.check().await, Ok(RelayCheck::Unreachable(_))));
}

/// Starts `signpost serve` with `args` and waits for it to exit (it should, at once).
fn serve_exits(location: &signpost::Location, args: &[&str]) -> (bool, String) {
    let log = tempfile::NamedTempFile::new().unwrap();
    let mut child = Command::new(binary())
        .arg("--data")
        .arg(&location.data)
        .args(args)
        .args(["serve", "--listen", &format!("127.0.0.1:{}", common::free_port())])
        .stdout(Stdio::null())
        .stderr(log.reopen().unwrap())
        .spawn()
        .unwrap();
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the server started despite the relay refusing it: {}", std::fs::read_to_string(log.path()).unwrap());
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    (status.success(), std::fs::read_to_string(log.path()).unwrap())
}

#[tokio::test]
async fn a_wrong_relay_password_stops_the_server_at_start_up_with_what_to_fix() {
    let db = TestDb::new(Backend::Sqlite);
    let location = db.location("node");
    let sink = MailSink::with(SinkTls::StartTls, Some(LOGIN), false).await;
    let ca = sink.ca_file();
    let relay = format!("smtp://127.0.0.1:{}", sink.port);
    let mut args = vec!["--smtp-url", relay.as_str(), "--smtp-username", LOGIN.0, "--smtp-password", "hunter2-not-it"];
    args.extend(["--smtp-ca-file", ca.to_str().unwrap()]);
    let (ok, log) = serve_exits(&location, &args);
    assert!(!ok, "{log}");
    assert!(log.contains("refused the login as signpost@trust.nhs.uk") && log.contains("535"), "{log}");
    assert!(log.contains("check the smtp_* settings"), "{log}");
    assert!(!log.contains("hunter2-not-it"), "the password is not repeated: {log}");

    let (ok, log) = serve_exits(
        &location,
        &["--smtp-url", relay.as_str(), "--smtp-username", LOGIN.0, "--smtp-password", LOGIN.1, "--mail-from", "noreply@trust.nhs.uk"],
    );
    assert!(!ok && log.contains("Set mail_from to signpost@trust.nhs.uk"), "NHSmail sends only as the login: {log}");
}
