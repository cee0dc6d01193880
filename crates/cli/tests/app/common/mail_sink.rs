//! A real SMTP server for the tests (`tests/support/mail_sink.py`, on aiosmtpd), with
//! STARTTLS or implicit TLS under a certificate authority made at start-up, and a login
//! it requires, as a trust's relay would.
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::Duration;

use serde_json::Value;

use super::{eventually, free_port};

/// How the sink protects its connections.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SinkTls {
    /// Plain SMTP (an internal relay).
    None,
    /// STARTTLS required before anything else (NHSmail's port 587).
    StartTls,
    /// TLS from the first byte (port 465 style).
    Implicit,
}

/// A running sink, keeping each message in a folder.
pub struct MailSink {
    child: Child,
    pub port: u16,
    pub folder: tempfile::TempDir,
    tls: SinkTls,
}

impl MailSink {
    /// A plain relay with no login; `stall_first` holds and then refuses the first message.
    pub async fn start(stall_first: bool) -> MailSink {
        MailSink::with(SinkTls::None, None, stall_first).await
    }

    /// A relay with `tls`, requiring AUTH as `login` (`user`, `password`) when given.
    pub async fn with(tls: SinkTls, login: Option<(&str, &str)>, stall_first: bool) -> MailSink {
        let folder = tempfile::tempdir().unwrap();
        let port = free_port();
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/mail_sink.py");
        let mut cmd = Command::new("python3");
        cmd.arg(script).arg(port.to_string()).arg(folder.path());
        match tls {
            SinkTls::None => {}
            SinkTls::StartTls => {
                cmd.args(["--tls", "starttls"]);
            }
            SinkTls::Implicit => {
                cmd.args(["--tls", "implicit"]);
            }
        }
        if let Some((user, password)) = login {
            cmd.args(["--login", &format!("{user}:{password}")]);
        }
        if stall_first {
            cmd.arg("--stall-first");
        }
        let child = cmd.stdout(std::process::Stdio::null()).spawn().expect("python3 runs");
        let started = eventually(Duration::from_secs(20), async || std::net::TcpStream::connect(("127.0.0.1", port)).is_ok());
        assert!(started.await.is_some(), "the SMTP server did not start (are the Python packages aiosmtpd and trustme installed?)");
        MailSink { child, port, folder, tls }
    }

    /// The relay's address for `--smtp-url`.
    pub fn url(&self) -> String {
        match self.tls {
            SinkTls::Implicit => format!("smtps://127.0.0.1:{}", self.port),
            _ => format!("smtp://127.0.0.1:{}", self.port),
        }
    }

    /// The certificate authority the sink's certificate comes from (with TLS).
    pub fn ca_file(&self) -> PathBuf {
        self.folder.path().join("ca.pem")
    }

    fn files(&self, extension: &str) -> Vec<PathBuf> {
        let mut names: Vec<PathBuf> = std::fs::read_dir(self.folder.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == extension))
            .collect();
        names.sort();
        names
    }

    /// Every message received so far, as sent.
    pub fn messages(&self) -> Vec<String> {
        self.files("eml").iter().map(|p| std::fs::read_to_string(p).unwrap()).collect()
    }

    /// Every message received so far, as Python's email package reads it: `from`, `to`,
    /// `subject`, `message_id`, `text`, `html`, `list_unsubscribe`,
    /// `list_unsubscribe_post`, `attachments` and the `login` it came in under.
    pub fn received(&self) -> Vec<Value> {
        self.files("json").iter().map(|p| serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()).collect()
    }

    /// Stops the server (its folder stays until the sink is dropped).
    pub fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for MailSink {
    fn drop(&mut self) {
        self.stop();
    }
}
