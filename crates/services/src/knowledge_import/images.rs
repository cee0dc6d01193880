//! The images imported documents show, read from the export on a blocking thread and
//! kept with their assets only if their bytes are what their names say: PNG, JPEG, GIF
//! or WebP (never SVG, which can carry script), each within a size limit.
use std::path::{Path, PathBuf};

use signpost_domain::FieldError;
use signpost_sources::{Export, Limits};

use crate::ServiceError;

/// The most images kept for one document; the rest are marked in the text.
pub(super) const PER_DOCUMENT: usize = 50;
/// The largest image kept.
pub const MAX_IMAGE_BYTES: usize = 10 * 1024 * 1024;

/// The media type an image's name promises, if it is one Signpost keeps.
pub(super) fn media_type_by_name(path: &str) -> Option<&'static str> {
    let ext = path.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    match ext.as_str() {
        "png" => Some("image/png"),
        "jpg" | "jpeg" => Some("image/jpeg"),
        "gif" => Some("image/gif"),
        "webp" => Some("image/webp"),
        _ => None,
    }
}

/// The media type the bytes are, by their signature.
fn media_type_by_bytes(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.starts_with(&[0xff, 0xd8, 0xff]) {
        Some("image/jpeg")
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        Some("image/gif")
    } else if bytes.len() > 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some("image/webp")
    } else {
        None
    }
}

/// Opens the export again, on a blocking thread.
pub(super) async fn open(source: &Path, limits: Limits) -> Result<Export, ServiceError> {
    let source: PathBuf = source.to_path_buf();
    tokio::task::spawn_blocking(move || Export::open(&source, limits))
        .await
        .map_err(|e| ServiceError::caused("the export could not be read again", e))?
        .map_err(|p| ServiceError::Invalid(vec![FieldError::new(p.place, format!("{}; nothing was imported", p.message))]))
}

/// The image at `path`, if it can be kept: its media type and bytes.
pub(super) async fn read(mut export: Export, path: String) -> Result<(Export, Option<(&'static str, Vec<u8>)>), ServiceError> {
    tokio::task::spawn_blocking(move || {
        let image = export.file(&path).ok().and_then(|bytes| {
            let kind = media_type_by_bytes(&bytes)?;
            (bytes.len() <= MAX_IMAGE_BYTES && Some(kind) == media_type_by_name(&path)).then_some((kind, bytes))
        });
        (export, image)
    })
    .await
    .map_err(|e| ServiceError::caused("an image could not be read from the export", e))
}

impl crate::Signpost {
    /// An image kept with an asset, to anyone who may see the asset: its media type and bytes.
    pub async fn asset_image(
        &self,
        actor: &signpost_domain::people::Actor,
        asset_id: signpost_domain::ids::AssetId,
        file_id: i64,
    ) -> Result<(String, Vec<u8>), ServiceError> {
        let not_found = || ServiceError::NotFound(format!("image {file_id} of asset {asset_id}"));
        let asset = self.store.asset(asset_id).await.map_err(|_| not_found())?;
        crate::policy::ensure_can_view(actor, &asset).map_err(|_| not_found())?;
        let file = self.store.asset_file(asset_id, file_id).await.map_err(|e| match e {
            signpost_domain::StoreError::NotFound => not_found(),
            other => other.into(),
        })?;
        Ok((file.media_type, file.bytes))
    }
}
