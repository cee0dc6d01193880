//! A webhook receiver for the tests (`tests/support/webhook_receiver.py`), checking each
//! delivery's signature with the Standard Webhooks reference library for Python.
use std::path::Path;
use std::process::{Child, Command};
use std::time::Duration;

use serde_json::Value;

use super::{eventually, free_port};

/// A running receiver.
pub struct WebhookReceiver {
    child: Child,
    pub port: u16,
    pub folder: tempfile::TempDir,
}

impl WebhookReceiver {
    /// A receiver answering its first requests with `statuses` (then 200), `Retry-After`
    /// on 429 and 503 when given, and optionally holding the first request a minute.
    pub async fn start(statuses: &[u16], retry_after: Option<u64>, stall_first: bool) -> WebhookReceiver {
        let folder = tempfile::tempdir().unwrap();
        let port = free_port();
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/webhook_receiver.py");
        let mut cmd = Command::new("python3");
        cmd.arg(script).arg(port.to_string()).arg(folder.path());
        let list: Vec<String> = statuses.iter().map(u16::to_string).collect();
        cmd.args(["--statuses", &list.join(",")]);
        if let Some(seconds) = retry_after {
            cmd.args(["--retry-after", &seconds.to_string()]);
        }
        if stall_first {
            cmd.arg("--stall-first");
        }
        let child = cmd.stdout(std::process::Stdio::null()).spawn().expect("python3 runs");
        let started = eventually(Duration::from_secs(20), async || std::net::TcpStream::connect(("127.0.0.1", port)).is_ok());
        assert!(started.await.is_some(), "the webhook receiver did not start (is the Python package standardwebhooks installed?)");
        WebhookReceiver { child, port, folder }
    }

    /// The address to register.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}/hooks/signpost", self.port)
    }

    /// The secrets the receiver checks signatures with, in order.
    pub fn trust(&self, secrets: &[&str]) {
        std::fs::write(self.folder.path().join("secrets"), secrets.join("\n")).unwrap();
    }

    /// Every request received so far, oldest first.
    pub fn received(&self) -> Vec<Value> {
        match std::fs::read_to_string(self.folder.path().join("received.jsonl")) {
            Ok(text) => text.lines().map(|l| serde_json::from_str(l).unwrap()).collect(),
            Err(_) => Vec::new(),
        }
    }

    /// Whether the first request is being held.
    pub fn stalled(&self) -> bool {
        self.folder.path().join("stalled").exists()
    }
}

impl Drop for WebhookReceiver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
