//! What an asset would look like, before it is saved: its rendered body and any
//! probable NHS numbers, so the editor can show both next to the text.
use chrono::Utc;
use signpost_domain::assets::Status;
use signpost_domain::fields::AssetFields;
use signpost_domain::identifiers::IdentifierFinding;
use signpost_domain::people::Actor;
use signpost_domain::{AssetId, FieldError};

use crate::assets::{AssetInput, content_of, new_asset, scan};
use crate::{ServiceError, Signpost, markdown, policy};
use signpost_domain::ids::TeamId;

/// A preview of unsaved input.
#[derive(Debug, Clone)]
pub struct AssetPreview {
    /// The body rendered to sanitised HTML.
    pub body_html: String,
    /// Probable NHS numbers in any of the text, with where they are.
    pub identifier_warnings: Vec<IdentifierFinding>,
}

impl Signpost {
    /// Renders and checks input without saving it, for a new asset or for a change to
    /// asset `id`, which the actor must be allowed to edit. Nothing is stored, so nothing
    /// is validated against the store; saving reports those problems.
    pub async fn preview_asset(&self, actor: &Actor, input: &AssetInput, id: Option<AssetId>) -> Result<AssetPreview, ServiceError> {
        policy::ensure_can_contribute(actor)?;
        if let Some(id) = id {
            self.editable(actor, id).await?;
        }
        let content = content_of(input, input.team_id.or(actor.own_team()).unwrap_or_default());
        let fields = AssetFields::parse(content.kind, &content.fields).0;
        let now = Utc::now();
        let asset = new_asset(content, fields, actor.user_id, TeamId(0), Status::Draft, now, now);
        Ok(AssetPreview { body_html: markdown::render(&asset.body), identifier_warnings: scan(&asset) })
    }

    /// Every problem saving `input` would meet, without saving anything, so a form can
    /// list them all at once. `id` is the asset being changed, if any.
    pub async fn check_asset(&self, actor: &Actor, input: &AssetInput, id: Option<AssetId>) -> Result<Vec<FieldError>, ServiceError> {
        let current = match id {
            Some(id) => Some(self.editable(actor, id).await?),
            None => None,
        };
        match self.content(actor, input, current.as_ref()).await {
            Ok((_, fields)) if input.status.or(current.map(|c| c.status)) == Some(Status::Published) => {
                Ok(fields.missing_for_publication())
            }
            Ok(_) => Ok(Vec::new()),
            Err(ServiceError::Invalid(errors)) => Ok(errors),
            Err(e) => Err(e),
        }
    }
}
