//! Sign-in rate limiting: a sliding window of attempts per client address, per account
//! from one client, and per account from anywhere.
//!
//! An attempt is reserved *before* the password is checked, in the same lock that
//! checks the limits, so a burst of parallel attempts cannot all pass the check while
//! the slow hash runs; a successful attempt gives its reservation back. Someone typing
//! from one address can lock out only themselves: a person's account is closed to
//! everyone only after [`PER_ACCOUNT`] failures from at least
//! `PER_ACCOUNT / PER_ACCOUNT_AND_CLIENT` different addresses (the ceiling NIST SP
//! 800-63B sets against guessing spread across many machines).
use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Failures allowed for one account from one client address within [`WINDOW`].
pub const PER_ACCOUNT_AND_CLIENT: usize = 5;
/// Failures allowed per client address, whatever the account, within [`WINDOW`].
pub const PER_CLIENT: usize = 20;
/// Failures allowed for one account from every address together within [`WINDOW`].
pub const PER_ACCOUNT: usize = 100;
/// The window.
pub const WINDOW: Duration = Duration::from_secs(15 * 60);
/// Keys kept before old ones are swept, so the table cannot grow without bound.
const MAX_KEYS: usize = 100_000;

pub(crate) struct LoginLimiter {
    attempts: Mutex<HashMap<String, VecDeque<Instant>>>,
    /// Each password check holds about 19 MiB for argon2; at most one per core runs at
    /// once, and the rest wait their turn instead of exhausting memory.
    pub(crate) hashing: tokio::sync::Semaphore,
}

impl Default for LoginLimiter {
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        LoginLimiter { attempts: Mutex::default(), hashing: tokio::sync::Semaphore::new(cores.max(2)) }
    }
}

/// An attempt counted against its keys until it is given back.
pub(crate) struct Reservation {
    keys: Vec<String>,
    at: Instant,
}

/// The keys one attempt counts against, with their limits.
pub(crate) fn keys(account: &str, client: &str) -> [(String, usize); 3] {
    let account = account.trim().to_lowercase();
    [
        (format!("pair:{client}:{account}"), PER_ACCOUNT_AND_CLIENT),
        (format!("client:{client}"), PER_CLIENT),
        (format!("account:{account}"), PER_ACCOUNT),
    ]
}

impl LoginLimiter {
    /// Counts an attempt against every key, or says how many seconds to wait if any key
    /// is already at its limit (then nothing is counted).
    pub(crate) fn reserve(&self, keys: &[(String, usize)]) -> Result<Reservation, u64> {
        let Ok(mut map) = self.attempts.lock() else { return Err(1) };
        let now = Instant::now();
        if map.len() > MAX_KEYS {
            map.retain(|_, q| q.back().is_some_and(|t| now.duration_since(*t) < WINDOW));
        }
        for (key, limit) in keys {
            let Some(q) = map.get_mut(key) else { continue };
            while q.front().is_some_and(|t| now.duration_since(*t) > WINDOW) {
                q.pop_front();
            }
            if q.len() >= *limit {
                return Err(q.front().map_or(1, |t| WINDOW.saturating_sub(now.duration_since(*t)).as_secs().max(1)));
            }
        }
        for (key, _) in keys {
            map.entry(key.clone()).or_default().push_back(now);
        }
        Ok(Reservation { keys: keys.iter().map(|(k, _)| k.clone()).collect(), at: now })
    }

    /// Gives a successful attempt's reservation back; the failures before it on the
    /// person's own address are forgiven too.
    pub(crate) fn succeed(&self, reservation: Reservation) {
        let Ok(mut map) = self.attempts.lock() else { return };
        for (i, key) in reservation.keys.iter().enumerate() {
            if i == 0 {
                map.remove(key);
            } else if let Some(q) = map.get_mut(key)
                && let Some(pos) = q.iter().rposition(|t| *t == reservation.at)
            {
                q.remove(pos);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_address_cannot_lock_a_person_out_of_their_account_elsewhere() {
        let limiter = LoginLimiter::default();
        for _ in 0..PER_ACCOUNT_AND_CLIENT {
            assert!(limiter.reserve(&keys("alice@trust.nhs.uk", "203.0.113.9")).is_ok());
        }
        assert!(limiter.reserve(&keys("Alice@trust.nhs.uk", "203.0.113.9")).is_err(), "the attacker's address is stopped");
        let mine = limiter.reserve(&keys("alice@trust.nhs.uk", "198.51.100.7")).expect("alice still signs in from her own");
        limiter.succeed(mine);
    }

    #[test]
    fn a_burst_is_counted_before_any_password_is_checked() {
        let limiter = LoginLimiter::default();
        let held: Vec<_> = (0..PER_CLIENT).map(|i| limiter.reserve(&keys(&format!("u{i}"), "203.0.113.9"))).collect();
        assert!(held.iter().all(Result::is_ok));
        assert!(limiter.reserve(&keys("another", "203.0.113.9")).is_err(), "the 21st parallel attempt waits");
    }

    #[test]
    fn a_success_gives_its_attempt_back() {
        let limiter = LoginLimiter::default();
        for _ in 0..PER_CLIENT - 1 {
            let r = limiter.reserve(&keys("alice", "198.51.100.7")).unwrap();
            limiter.succeed(r);
        }
        assert!(limiter.reserve(&keys("alice", "198.51.100.7")).is_ok(), "signing in often is not an attack");
    }
}
