//! A person's notifications: what concerns them, newest first.
use signpost_domain::communities::Notification;
use signpost_domain::people::Actor;

use crate::{ServiceError, Signpost};

/// How many notifications are kept on the page.
const SHOWN: i64 = 100;

impl Signpost {
    /// The actor's latest notifications.
    pub async fn notifications(&self, actor: &Actor) -> Result<Vec<Notification>, ServiceError> {
        Ok(self.store.notifications(actor.user_id, SHOWN).await?)
    }

    /// How many of the actor's notifications are unread.
    pub async fn unread_notifications(&self, actor: &Actor) -> Result<usize, ServiceError> {
        Ok(self.store.notifications(actor.user_id, SHOWN).await?.iter().filter(|n| !n.read).count())
    }

    /// Marks all of the actor's notifications read.
    pub async fn mark_notifications_read(&self, actor: &Actor) -> Result<(), ServiceError> {
        Ok(self.store.mark_notifications_read(actor.user_id).await?)
    }
}
