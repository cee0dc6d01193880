//! Who each API token belongs to, remembered for a moment: every API request
//! authenticates, and three database reads per request (token, person, teams)
//! would cost more than the search it asks for. A change on this node to a person
//! or their tokens (revoking, disabling, a new role or team, a SCIM update) forgets
//! everything at once, so it takes effect on the next request; a change made on
//! another node sharing the database takes effect here within [`FRESH_FOR`].
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use signpost_domain::people::Actor;

/// How long a token's person is trusted without asking the database again.
pub(crate) const FRESH_FOR: Duration = Duration::from_secs(1);
/// Tokens remembered at once; past this the memory starts afresh.
const HELD: usize = 10_000;

/// Token hashes to the person acting, with when that was read.
#[derive(Default)]
pub(crate) struct TokenActors {
    held: Mutex<HashMap<String, (Actor, Instant)>>,
}

impl TokenActors {
    pub(crate) fn get(&self, secret_hash: &str) -> Option<Actor> {
        let held = self.held.lock().ok()?;
        held.get(secret_hash).filter(|(_, read)| read.elapsed() < FRESH_FOR).map(|(actor, _)| actor.clone())
    }

    pub(crate) fn put(&self, secret_hash: String, actor: Actor) {
        if let Ok(mut held) = self.held.lock() {
            if held.len() >= HELD {
                held.clear();
            }
            held.insert(secret_hash, (actor, Instant::now()));
        }
    }

    /// Forgets every token's person (after any change to people or tokens).
    pub(crate) fn forget(&self) {
        if let Ok(mut held) = self.held.lock() {
            held.clear();
        }
    }
}
