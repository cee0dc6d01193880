//! Sign-in rate limiting: a sliding window of failures per account and per client.
use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Failures allowed per account within [`WINDOW`].
pub const PER_ACCOUNT: usize = 5;
/// Failures allowed per client address within [`WINDOW`].
pub const PER_CLIENT: usize = 20;
/// The window.
pub const WINDOW: Duration = Duration::from_secs(15 * 60);

#[derive(Default)]
pub(crate) struct LoginLimiter {
    failures: Mutex<HashMap<String, VecDeque<Instant>>>,
}

impl LoginLimiter {
    /// Seconds to wait if any key is over its limit.
    pub(crate) fn blocked(&self, keys: &[(&str, usize)]) -> Option<u64> {
        let mut map = self.failures.lock().ok()?;
        let now = Instant::now();
        keys.iter().find_map(|(key, limit)| {
            let q = map.get_mut(*key)?;
            while q.front().is_some_and(|t| now.duration_since(*t) > WINDOW) {
                q.pop_front();
            }
            (q.len() >= *limit).then(|| q.front().map_or(1, |t| WINDOW.saturating_sub(now.duration_since(*t)).as_secs().max(1)))
        })
    }

    pub(crate) fn fail(&self, keys: &[&str]) {
        if let Ok(mut map) = self.failures.lock() {
            let now = Instant::now();
            if map.len() > 100_000 {
                map.retain(|_, q| q.back().is_some_and(|t| now.duration_since(*t) < WINDOW));
            }
            for k in keys {
                map.entry((*k).to_string()).or_default().push_back(now);
            }
        }
    }

    pub(crate) fn succeed(&self, key: &str) {
        if let Ok(mut map) = self.failures.lock() {
            map.remove(key);
        }
    }
}
