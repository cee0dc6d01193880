//! Feed keys: one secret per person that opens their Atom feeds (and nothing else),
//! kept as a hash like API tokens.
use async_trait::async_trait;

use crate::audit::AuditRecord;
use crate::people::ApiToken;
use crate::{StoreError, Timestamp, UserId};

/// Where feed keys are kept.
#[async_trait]
pub trait FeedStore: Send + Sync + 'static {
    /// Stores a new feed key for `user_id` under the hash of its secret, revoking the
    /// one before it in the same transaction.
    async fn replace_feed_key(&self, user_id: UserId, secret_hash: &str, audit: AuditRecord) -> Result<ApiToken, StoreError>;
    /// The owner of the unrevoked feed key with this hash, if their account works;
    /// records its use.
    async fn feed_key_user(&self, secret_hash: &str, now: Timestamp) -> Result<Option<UserId>, StoreError>;
    /// A person's working feed key, if they have one.
    async fn feed_key(&self, user_id: UserId) -> Result<Option<ApiToken>, StoreError>;
    /// Revokes a person's feed key; false if they had none.
    async fn revoke_feed_key(&self, user_id: UserId, audit: AuditRecord) -> Result<bool, StoreError>;
}
