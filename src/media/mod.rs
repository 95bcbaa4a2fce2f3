//! The media folder `<data>/media/`: the files of messages (a customer's photo, an agent's
//! attachment) under names the server makes (`2026/12/<22 random characters>.<ext>`), so a
//! sender's file name can neither collide with another nor point outside the folder. Files are
//! written once and never changed; a save streams into a temporary file, refuses it past the size
//! cap, and renames it into place, so a half-written file is never served.
//!
//! Also signs links to a file for a receiver that cannot sign in (the webhook channel).

mod kind;
mod links;
mod mirror;

pub use kind::MediaKind;
pub use links::LinkError;
pub use mirror::mirror;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use bytes::Bytes;
use futures_util::{Stream, StreamExt};
use serde::{Deserialize, Serialize};
use tokio::io::AsyncWriteExt;

use crate::files;

/// The folder's name inside the data folder.
pub const FOLDER: &str = "media";
/// Where saves are written before they are complete.
const INCOMING: &str = ".incoming";
/// Random characters in a generated name.
const NAME_LEN: usize = 22;
/// Longest original name kept for display.
const MAX_ORIGINAL_NAME: usize = 120;

/// What a message keeps about its file (in `messages.metadata` under `attachment`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Attachment {
    /// The sender's file name, cleaned: for display and downloads only.
    pub name: String,
    pub size: u64,
    pub content_type: String,
}

/// A file saved into the folder.
#[derive(Debug, Clone)]
pub struct Saved {
    /// The generated name, relative to the folder: the message's `media_file`.
    pub media_file: String,
    pub attachment: Attachment,
    pub kind: MediaKind,
}

#[derive(Debug, thiserror::Error)]
pub enum MediaError {
    #[error("the file is larger than {limit} bytes")]
    TooLarge { limit: u64 },
    #[error("not a name of a stored file")]
    BadName,
    #[error("the upload failed: {0}")]
    Source(String),
    #[error("the media folder failed: {0}")]
    Io(#[from] std::io::Error),
}

/// The media folder; cheap to clone.
#[derive(Clone)]
pub struct MediaStore {
    inner: Arc<Inner>,
}

struct Inner {
    root: PathBuf,
    max_bytes: u64,
    link_key: Vec<u8>,
}

impl MediaStore {
    /// Opens (creating, private) `<data_dir>/media`, removing saves a crash left unfinished.
    /// `secret` is the workspace secret; links are signed with a key derived from it.
    pub fn open(data_dir: &Path, max_bytes: u64, secret: &[u8]) -> std::io::Result<Self> {
        let root = folder(data_dir);
        files::private_dir(&root)?;
        let incoming = root.join(INCOMING);
        if incoming.is_dir() {
            std::fs::remove_dir_all(&incoming)?;
        }
        files::private_dir(&incoming)?;
        Ok(Self {
            inner: Arc::new(Inner {
                root,
                max_bytes,
                link_key: links::derive_key(secret),
            }),
        })
    }

    #[must_use]
    pub fn root(&self) -> &Path {
        &self.inner.root
    }

    #[must_use]
    pub fn max_bytes(&self) -> u64 {
        self.inner.max_bytes
    }

    /// Saves a file arriving in `chunks`; `kind` overrides the one its type suggests (a
    /// Telegram voice note is a voice note whatever its type says).
    pub async fn save<S, E>(
        &self,
        mut chunks: S,
        name: Option<&str>,
        content_type: Option<&str>,
        kind: Option<MediaKind>,
    ) -> Result<Saved, MediaError>
    where
        S: Stream<Item = Result<Bytes, E>> + Unpin,
        E: std::fmt::Display,
    {
        let content_type = kind::clean_content_type(content_type);
        let kind = kind.unwrap_or_else(|| MediaKind::guess(&content_type));
        let temp = self
            .inner
            .root
            .join(INCOMING)
            .join(crate::ids::random_string(NAME_LEN));
        let written = self.write_capped(&temp, &mut chunks).await;
        let size = match written {
            Ok(size) => size,
            Err(e) => {
                let _ = tokio::fs::remove_file(&temp).await;
                return Err(e);
            }
        };
        let media_file = generated_name(kind::extension(&content_type));
        let path = self.inner.root.join(&media_file);
        if let Some(month) = path.parent() {
            files::private_dir(month)?;
        }
        tokio::fs::rename(&temp, &path).await?;
        Ok(Saved {
            media_file,
            attachment: Attachment {
                name: original_name(name, kind),
                size,
                content_type,
            },
            kind,
        })
    }

    /// Saves a file held in memory.
    pub async fn save_bytes(
        &self,
        bytes: Bytes,
        name: Option<&str>,
        content_type: Option<&str>,
        kind: Option<MediaKind>,
    ) -> Result<Saved, MediaError> {
        let chunks = futures_util::stream::iter([Ok::<_, std::convert::Infallible>(bytes)]);
        self.save(chunks, name, content_type, kind).await
    }

    async fn write_capped<S, E>(&self, temp: &Path, chunks: &mut S) -> Result<u64, MediaError>
    where
        S: Stream<Item = Result<Bytes, E>> + Unpin,
        E: std::fmt::Display,
    {
        let limit = self.inner.max_bytes;
        let mut options = tokio::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        options.mode(0o600);
        let mut file = options.open(temp).await?;
        let mut size = 0_u64;
        while let Some(chunk) = chunks.next().await {
            let chunk = chunk.map_err(|e| MediaError::Source(e.to_string()))?;
            size += chunk.len() as u64;
            if size > limit {
                return Err(MediaError::TooLarge { limit });
            }
            file.write_all(&chunk).await?;
        }
        file.sync_all().await?;
        Ok(size)
    }

    /// The file of a stored name; [`MediaError::BadName`] for anything `save` does not make.
    pub fn path_of(&self, media_file: &str) -> Result<PathBuf, MediaError> {
        if is_generated_name(media_file) {
            Ok(self.inner.root.join(media_file))
        } else {
            Err(MediaError::BadName)
        }
    }

    /// The path the agent page fetches a stored file from.
    #[must_use]
    pub fn url_of(media_file: &str) -> String {
        format!("/media/{media_file}")
    }

    /// A link to `media_file` that works without signing in for `valid_secs`, relative to the
    /// server's address (the caller prefixes its public address).
    #[must_use]
    pub fn signed_url(&self, media_file: &str, valid_secs: u64) -> String {
        let expires = links::now_secs() + valid_secs;
        let sig = links::sign(&self.inner.link_key, media_file, expires);
        format!("{}?expires={expires}&sig={sig}", Self::url_of(media_file))
    }

    /// Checks the `expires` and `sig` of a signed link's query.
    pub fn verify_link(&self, media_file: &str, query: &str) -> Result<(), LinkError> {
        links::verify(&self.inner.link_key, media_file, query)
    }
}

/// The media folder of a data folder.
#[must_use]
pub fn folder(data_dir: &Path) -> PathBuf {
    data_dir.join(FOLDER)
}

/// Where a backup at `file` keeps its copy of the media folder: beside it, `<file>.media`.
#[must_use]
pub fn beside(file: &Path) -> PathBuf {
    let mut name = file.as_os_str().to_owned();
    name.push(".media");
    PathBuf::from(name)
}

/// `YYYY/MM/<random>.<ext>`.
fn generated_name(ext: &str) -> String {
    let month = chrono::Utc::now().format("%Y/%m");
    format!("{month}/{}.{ext}", crate::ids::random_string(NAME_LEN))
}

/// Whether `name` has exactly the shape [`generated_name`] makes.
fn is_generated_name(name: &str) -> bool {
    let parts: Vec<&str> = name.split('/').collect();
    let [year, month, file] = parts.as_slice() else {
        return false;
    };
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    let Some((stem, ext)) = file.split_once('.') else {
        return false;
    };
    digits(year, 4)
        && digits(month, 2)
        && stem.len() == NAME_LEN
        && stem.bytes().all(|b| crate::ids::ALPHABET.contains(&b))
        && (1..=5).contains(&ext.len())
        && ext
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
}

/// The sender's name without folders or control characters, or one made from the kind.
fn original_name(name: Option<&str>, kind: MediaKind) -> String {
    let cleaned: String = name
        .map(|n| n.rsplit(['/', '\\']).next().unwrap_or_default())
        .unwrap_or_default()
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_ORIGINAL_NAME)
        .collect();
    let cleaned = cleaned.trim();
    if cleaned.is_empty() || cleaned == "." || cleaned == ".." {
        kind.message_type().to_owned()
    } else {
        cleaned.to_owned()
    }
}

/// Whether the file at a generated name's extension may be shown inline (images, audio, video).
#[must_use]
pub fn shown_inline(media_file: &str) -> bool {
    media_file
        .rsplit_once('.')
        .is_some_and(|(_, ext)| kind::inline(ext))
}

#[cfg(test)]
mod tests;
