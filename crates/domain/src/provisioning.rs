//! Provisioning by an identity provider over SCIM 2.0 (RFC 7643/7644): the clients an
//! administrator lets in, and what only SCIM knows of people and teams.
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::audit::AuditRecord;
use crate::{StoreError, TeamId, Timestamp, UserId};

/// An identity provider allowed to provision people and teams, by its bearer token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ScimClient {
    /// Identifier.
    pub id: i64,
    /// What the administrator called it ("Entra ID provisioning").
    pub name: String,
    /// The administrator who made it; the client acts with their authority while they are one.
    pub created_by: UserId,
    /// Where new groups go: under this team (the organisation when unset).
    pub group_parent_id: Option<TeamId>,
    /// When it was made.
    pub created_at: DateTime<Utc>,
    /// When it last called.
    pub last_used_at: Option<DateTime<Utc>>,
    /// When it was revoked; it no longer works.
    pub revoked_at: Option<DateTime<Utc>>,
}

/// What SCIM alone knows of a person.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScimUserState {
    /// `userName` as the provider sent it (unique, compared without case).
    pub user_name: String,
    /// The User document the provider last sent (JSON): which attributes it gives, and
    /// the ones Signpost keeps only for it (`emails`).
    pub document: String,
    /// When SCIM last changed them.
    pub modified_at: Option<DateTime<Utc>>,
    /// The provider's own identifier for them.
    pub external_id: Option<String>,
    /// SCIM deleted them: their account is disabled and SCIM no longer sees it.
    pub deprovisioned: bool,
    /// Goes up with every SCIM change; the ETag's core.
    pub version: i64,
}

/// What SCIM alone knows of a team it manages as a group.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScimGroupState {
    /// When SCIM last changed it.
    pub modified_at: Option<DateTime<Utc>>,
    /// The provider's own identifier for it.
    pub external_id: Option<String>,
    /// Goes up with every SCIM change.
    pub version: i64,
}

/// Where provisioning clients and SCIM's own facts are kept.
#[async_trait]
pub trait ProvisioningStore: Send + Sync + 'static {
    /// Stores a new client with the hash of its token.
    async fn create_scim_client(
        &self,
        name: &str,
        secret_hash: &str,
        created_by: UserId,
        group_parent_id: Option<TeamId>,
        audit: AuditRecord,
    ) -> Result<ScimClient, StoreError>;
    /// Every client, newest first.
    async fn scim_clients(&self) -> Result<Vec<ScimClient>, StoreError>;
    /// Revokes a client. [`StoreError::NotFound`] when there is none, or it already is.
    async fn revoke_scim_client(&self, id: i64, now: Timestamp, audit: AuditRecord) -> Result<(), StoreError>;
    /// The working client with this token hash, noting that it called.
    async fn scim_client_by_secret(&self, secret_hash: &str, now: Timestamp) -> Result<Option<ScimClient>, StoreError>;

    /// SCIM's facts about every person it has touched.
    async fn scim_user_states(&self) -> Result<Vec<(UserId, ScimUserState)>, StoreError>;
    /// Records a SCIM change to a person (their userName, emails, external id and
    /// whether SCIM deleted them) with a new version, only if the version is still
    /// `expected` (when given). [`StoreError::Conflict`] when someone changed them first
    /// or another person has the userName; returns the new version.
    async fn record_scim_user(&self, id: UserId, state: &ScimUserState, expected: Option<i64>) -> Result<i64, StoreError>;
    /// The teams SCIM manages as groups.
    async fn scim_group_states(&self) -> Result<Vec<(TeamId, ScimGroupState)>, StoreError>;
    /// Records a SCIM change to a group (linking the team if it was not one), as for people.
    async fn record_scim_group(&self, id: TeamId, external_id: Option<&str>, expected: Option<i64>) -> Result<i64, StoreError>;
    /// Renames a team. [`StoreError::Conflict`] when another team has the name.
    async fn rename_team(&self, id: TeamId, name: &str, audit: AuditRecord) -> Result<(), StoreError>;
    /// Stops treating a team as a SCIM group; the team and its people stay.
    async fn unlink_scim_group(&self, id: TeamId, audit: AuditRecord) -> Result<(), StoreError>;
}
