//! The [`Store`] trait, implemented by delegating to the modules above.
use async_trait::async_trait;
use signpost_domain::assets::{Asset, AssetFacts, AssetVersion, VersionEntry};
use signpost_domain::audit::{AuditEntry, AuditRecord, Change};
use signpost_domain::fields::AssetKind;
use signpost_domain::learning::{
    Action, ActionFilter, ActionId, Contribution, LessonRecord, Project, ProjectId, Session, SessionId, UsefulMark,
};
use signpost_domain::people::{ApiToken, BrowserSession, Credentials, NewUser, Team, TeamKind, User};
use signpost_domain::ports::{AssetQuery, AssetWrite, Embedding, LearningStore, Store};
use signpost_domain::search::{Page, SynonymGroup};
use signpost_domain::techniques::Technique;
use signpost_domain::visibility::Condition;
use signpost_domain::{AssetId, StoreError, TeamId, Timestamp, UserId};

use crate::{Backend, Db, map_err};

#[async_trait]
impl Store for Db {
    fn backend(&self) -> &'static str {
        match self.backend {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await.map(|_| ()).map_err(map_err)
    }
    async fn create_team(&self, name: &str, kind: TeamKind, parent_id: Option<TeamId>, audit: AuditRecord) -> Result<Team, StoreError> {
        self.create_team_row(name, kind, parent_id, audit).await
    }
    async fn teams(&self) -> Result<Vec<Team>, StoreError> {
        self.team_rows().await
    }
    async fn create_user(
        &self,
        user: &NewUser,
        password_hash: Option<&str>,
        invitation: Option<&signpost_domain::accounts::NewLink>,
        audit: AuditRecord,
    ) -> Result<User, StoreError> {
        self.create_user_row(user, password_hash, invitation, audit).await
    }
    async fn user(&self, id: UserId) -> Result<User, StoreError> {
        self.user_row(id).await
    }
    async fn credentials(&self, email: &str) -> Result<Option<Credentials>, StoreError> {
        self.credentials_row(email).await
    }
    async fn users(&self, offset: i64, limit: i64) -> Result<Page<User>, StoreError> {
        self.user_page(offset, limit).await
    }
    async fn update_user(&self, user: &User, audit: AuditRecord) -> Result<User, StoreError> {
        self.update_user_row(user, audit).await
    }
    async fn set_password(&self, id: UserId, password_hash: &str, audit: AuditRecord) -> Result<(), StoreError> {
        self.set_password_row(id, password_hash, audit).await
    }
    async fn create_session(&self, secret_hash: &str, session: &BrowserSession) -> Result<(), StoreError> {
        self.create_session_row(secret_hash, session).await
    }
    async fn session(&self, secret_hash: &str, now: Timestamp) -> Result<Option<BrowserSession>, StoreError> {
        self.session_row(secret_hash, now).await
    }
    async fn delete_session(&self, secret_hash: &str) -> Result<(), StoreError> {
        self.delete_session_row(secret_hash).await
    }
    async fn create_token(
        &self,
        user_id: UserId,
        name: &str,
        secret_hash: &str,
        expires_at: Option<Timestamp>,
        audit: AuditRecord,
    ) -> Result<ApiToken, StoreError> {
        self.create_token_row(user_id, name, secret_hash, expires_at, audit).await
    }
    async fn revoke_access(&self, user_id: UserId, audit: AuditRecord) -> Result<signpost_domain::people::RevokedAccess, StoreError> {
        self.revoke_access_rows(user_id, audit).await
    }
    async fn token_user(&self, secret_hash: &str, now: Timestamp) -> Result<Option<UserId>, StoreError> {
        self.token_user_row(secret_hash, now, "api").await
    }
    async fn tokens(&self, user_id: UserId) -> Result<Vec<ApiToken>, StoreError> {
        self.token_rows(user_id).await
    }
    async fn revoke_token(&self, user_id: UserId, token_id: i64, audit: AuditRecord) -> Result<(), StoreError> {
        self.revoke_token_row(user_id, token_id, audit).await
    }
    async fn insert_asset(&self, write: AssetWrite) -> Result<Asset, StoreError> {
        self.insert_asset_row(write).await
    }
    async fn update_asset(&self, write: AssetWrite, expected_version: i64) -> Result<Asset, StoreError> {
        self.update_asset_row(write, expected_version).await
    }
    async fn asset(&self, id: AssetId) -> Result<Asset, StoreError> {
        self.asset_row(id).await
    }
    async fn assets(&self, query: &AssetQuery, visible: &Condition) -> Result<Page<Asset>, StoreError> {
        self.asset_page(query, visible).await
    }
    async fn assets_after(&self, after: AssetId, limit: i64) -> Result<Vec<Asset>, StoreError> {
        self.assets_after_rows(after, limit).await
    }
    async fn assets_created_by_kind(&self, from: Timestamp, until: Timestamp) -> Result<Vec<(AssetKind, i64)>, StoreError> {
        self.created_by_kind_rows(from, until).await
    }
    async fn published_overdue(&self, now: Timestamp) -> Result<i64, StoreError> {
        self.published_overdue_count(now).await
    }
    async fn published_due_between(&self, from: Timestamp, until: Timestamp) -> Result<Vec<AssetFacts>, StoreError> {
        self.published_due_rows(from, until).await
    }
    async fn asset_owners(&self, ids: &[AssetId]) -> Result<Vec<(AssetId, UserId)>, StoreError> {
        self.asset_owner_rows(ids).await
    }
    async fn asset_count(&self) -> Result<i64, StoreError> {
        self.asset_total().await
    }
    async fn assets_created_before(&self, before: &[Timestamp], visible: &Condition) -> Result<Vec<i64>, StoreError> {
        self.created_counts(before, visible).await
    }
    async fn version_log(&self, id: AssetId, offset: i64, limit: i64) -> Result<Page<VersionEntry>, StoreError> {
        self.version_log_page(id, offset, limit).await
    }
    async fn version_entries(&self, ids: &[AssetId]) -> Result<Vec<VersionEntry>, StoreError> {
        self.version_entry_rows(ids).await
    }
    async fn version(&self, id: AssetId, version: i64) -> Result<AssetVersion, StoreError> {
        self.version_row(id, version).await
    }
    async fn insert_assets(&self, writes: Vec<AssetWrite>) -> Result<Vec<Asset>, StoreError> {
        self.insert_asset_rows(writes).await
    }
    async fn audit(&self, offset: i64, limit: i64) -> Result<Page<AuditEntry>, StoreError> {
        self.audit_page(offset, limit).await
    }
    async fn record(&self, audit: AuditRecord) -> Result<(), StoreError> {
        self.record_audit(audit).await
    }
    async fn changes_after(&self, after: i64, limit: i64) -> Result<Vec<Change>, StoreError> {
        self.change_rows(after, limit).await
    }
    async fn last_change(&self) -> Result<i64, StoreError> {
        self.last_change_id().await
    }
    async fn synonyms(&self) -> Result<Vec<SynonymGroup>, StoreError> {
        self.synonym_rows().await
    }
    async fn replace_synonyms(&self, groups: &[SynonymGroup], audit: AuditRecord) -> Result<(), StoreError> {
        self.replace_synonym_rows(groups, audit).await
    }
    async fn backup(&self, destination: &str) -> Result<(), StoreError> {
        self.backup_to(destination).await
    }
    async fn techniques(&self) -> Result<Vec<Technique>, StoreError> {
        self.technique_rows().await
    }
    async fn save_technique(&self, technique: &Technique, audit: AuditRecord) -> Result<(), StoreError> {
        self.upsert_technique(technique, audit).await
    }
    async fn assets_to_embed(&self, model: &str, limit: i64) -> Result<Vec<Asset>, StoreError> {
        self.assets_without_embedding(model, limit).await
    }
    async fn save_embeddings(&self, model: &str, embeddings: &[Embedding]) -> Result<(), StoreError> {
        self.upsert_embeddings(model, embeddings).await
    }
    async fn embeddings(&self, model: &str, ids: &[AssetId]) -> Result<Vec<Embedding>, StoreError> {
        self.embedding_rows(model, ids).await
    }
    async fn embeddings_after(&self, model: &str, after: AssetId, limit: i64) -> Result<Vec<Embedding>, StoreError> {
        self.embedding_rows_after(model, after, limit).await
    }
}

#[async_trait]
impl LearningStore for Db {
    async fn save_project(&self, project: &Project, audit: AuditRecord) -> Result<Project, StoreError> {
        self.save_project_row(project, audit).await
    }
    async fn project(&self, id: ProjectId) -> Result<Project, StoreError> {
        self.project_row(id).await
    }
    async fn projects(&self) -> Result<Vec<Project>, StoreError> {
        self.project_rows().await
    }
    async fn save_learning_session(
        &self,
        session: &Session,
        notify: &[signpost_domain::communities::Notification],
        audit: AuditRecord,
    ) -> Result<Session, StoreError> {
        self.save_learning_session_row(session, notify, audit).await
    }
    async fn learning_session(&self, id: SessionId) -> Result<Session, StoreError> {
        self.learning_session_row(id).await
    }
    async fn learning_sessions(&self, project_id: Option<ProjectId>) -> Result<Vec<Session>, StoreError> {
        self.learning_session_rows(project_id).await
    }
    async fn add_contribution(&self, contribution: &Contribution, audit: AuditRecord) -> Result<Contribution, StoreError> {
        self.add_contribution_row(contribution, audit).await
    }
    async fn contributions(&self, session_id: SessionId) -> Result<Vec<Contribution>, StoreError> {
        self.contribution_rows(session_id).await
    }
    async fn save_action(
        &self,
        action: &Action,
        lesson_state: Option<LessonRecord>,
        notify: &[signpost_domain::communities::Notification],
        audit: AuditRecord,
    ) -> Result<Action, StoreError> {
        self.save_action_row(action, lesson_state, notify, audit).await
    }
    async fn action(&self, id: ActionId) -> Result<Action, StoreError> {
        self.action_row(id).await
    }
    async fn actions(&self, filter: &ActionFilter) -> Result<Vec<Action>, StoreError> {
        self.action_rows(filter).await
    }
    async fn insert_lesson(&self, write: AssetWrite, record: LessonRecord) -> Result<(Asset, LessonRecord), StoreError> {
        self.insert_lesson_rows(write, record).await
    }
    async fn save_lesson_record(&self, record: &LessonRecord, audit: AuditRecord) -> Result<(), StoreError> {
        self.save_lesson_record_row(record, audit).await
    }
    async fn lesson_records(&self, ids: Option<&[AssetId]>) -> Result<Vec<LessonRecord>, StoreError> {
        self.lesson_record_rows(ids).await
    }
    async fn mark(&self, mark: &UsefulMark) -> Result<(), StoreError> {
        self.mark_row(mark).await
    }
    async fn marks(&self, project_id: ProjectId) -> Result<Vec<UsefulMark>, StoreError> {
        self.mark_rows(project_id).await
    }
    async fn usefulness(&self) -> Result<Vec<(AssetId, i64)>, StoreError> {
        self.usefulness_rows().await
    }
}
