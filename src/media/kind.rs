//! What a stored file is: its kind (the message's `message_type`), the extension its generated
//! name ends in, and whether a browser may show it inline.

use serde::{Deserialize, Serialize};

/// The kind of a message's file, as the agent page shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MediaKind {
    Image,
    Voice,
    Video,
    /// Documents, stickers and any other file: offered for download.
    Share,
}

impl MediaKind {
    #[must_use]
    pub fn message_type(self) -> &'static str {
        match self {
            Self::Image => "image",
            Self::Voice => "voice",
            Self::Video => "video",
            Self::Share => "share",
        }
    }

    /// The kind a file of `content_type` is shown as. SVG is a document, not an image: it can
    /// carry script.
    #[must_use]
    pub fn guess(content_type: &str) -> Self {
        match content_type.split('/').next().unwrap_or_default() {
            "image" if INLINE_IMAGES.contains(&content_type) => Self::Image,
            "audio" => Self::Voice,
            "video" => Self::Video,
            _ => Self::Share,
        }
    }
}

/// Image types every browser shows and none runs code in.
const INLINE_IMAGES: &[&str] = &["image/jpeg", "image/png", "image/gif", "image/webp"];

/// Content types and the extension their files get; the server names the type from the
/// extension when it serves the file, so each pair must round-trip through `mime_guess`.
const EXTENSIONS: &[(&str, &str)] = &[
    ("image/jpeg", "jpg"),
    ("image/png", "png"),
    ("image/gif", "gif"),
    ("image/webp", "webp"),
    ("audio/ogg", "ogg"),
    ("audio/mpeg", "mp3"),
    ("audio/mp4", "m4a"),
    ("audio/wav", "wav"),
    ("audio/webm", "weba"),
    ("video/mp4", "mp4"),
    ("video/webm", "webm"),
    ("video/quicktime", "mov"),
    ("application/pdf", "pdf"),
    ("application/zip", "zip"),
    ("text/plain", "txt"),
    ("text/csv", "csv"),
    ("application/x-tgsticker", "tgs"),
];

/// The extension a stored file of `content_type` gets (`bin` for types not in the table).
#[must_use]
pub fn extension(content_type: &str) -> &'static str {
    EXTENSIONS
        .iter()
        .find(|(t, _)| *t == content_type)
        .map_or("bin", |(_, ext)| ext)
}

/// `content_type` lower-cased without parameters, if it has the shape `type/subtype`; else
/// `application/octet-stream`.
#[must_use]
pub fn clean_content_type(content_type: Option<&str>) -> String {
    let essence = content_type
        .and_then(|t| t.split(';').next())
        .map(|t| t.trim().to_ascii_lowercase())
        .unwrap_or_default();
    let token = |s: &str| {
        !s.is_empty()
            && s.len() <= 100
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$&-^_.+".contains(&b))
    };
    match essence.split_once('/') {
        Some((kind, sub)) if token(kind) && token(sub) => essence,
        _ => "application/octet-stream".to_owned(),
    }
}

/// Whether a stored file with `extension` may be shown in the page rather than downloaded.
#[must_use]
pub fn inline(extension: &str) -> bool {
    EXTENSIONS
        .iter()
        .any(|(t, ext)| *ext == extension && MediaKind::guess(t) != MediaKind::Share)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_extension_is_served_as_the_type_it_was_stored_for() {
        for (content_type, ext) in EXTENSIONS {
            let served = mime_guess::from_ext(ext).first_or_octet_stream();
            let kind = |t: &str| MediaKind::guess(t);
            assert_eq!(
                kind(served.essence_str()),
                kind(content_type),
                "{ext}: stored as {content_type}, served as {served}"
            );
        }
    }

    #[test]
    fn kinds_follow_the_type_and_svg_is_a_document() {
        assert_eq!(MediaKind::guess("image/jpeg"), MediaKind::Image);
        assert_eq!(MediaKind::guess("image/svg+xml"), MediaKind::Share);
        assert_eq!(MediaKind::guess("audio/ogg"), MediaKind::Voice);
        assert_eq!(MediaKind::guess("video/mp4"), MediaKind::Video);
        assert_eq!(MediaKind::guess("application/pdf"), MediaKind::Share);
        assert!(inline("jpg") && inline("ogg") && inline("mp4"));
        assert!(!inline("pdf") && !inline("bin") && !inline("tgs"));
    }

    #[test]
    fn content_types_are_cleaned() {
        assert_eq!(clean_content_type(Some("Image/JPEG; q=1")), "image/jpeg");
        assert_eq!(
            clean_content_type(Some("text/html<script>")),
            "application/octet-stream"
        );
        assert_eq!(clean_content_type(None), "application/octet-stream");
        assert_eq!(extension("image/png"), "png");
        assert_eq!(extension("application/x-unknown"), "bin");
    }
}
