use super::*;

fn store(dir: &Path, max: u64) -> MediaStore {
    MediaStore::open(dir, max, b"secret").unwrap()
}

#[tokio::test]
async fn a_saved_file_gets_a_generated_name_inside_the_folder() {
    let dir = tempfile::tempdir().unwrap();
    let media = store(dir.path(), 1024);
    let saved = media
        .save_bytes(
            Bytes::from_static(b"\xff\xd8jpeg"),
            Some("../../etc/passwd"),
            Some("image/jpeg"),
            None,
        )
        .await
        .unwrap();
    assert!(is_generated_name(&saved.media_file), "{}", saved.media_file);
    assert_eq!(saved.media_file.rsplit_once('.').unwrap().1, "jpg");
    assert_eq!(saved.kind, MediaKind::Image);
    assert_eq!(saved.attachment.name, "passwd");
    assert_eq!(saved.attachment.size, 6);
    let path = media.path_of(&saved.media_file).unwrap();
    assert!(path.starts_with(dir.path().join(FOLDER)));
    assert_eq!(std::fs::read(&path).unwrap(), b"\xff\xd8jpeg");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&path), 0o600);
        assert_eq!(mode(path.parent().unwrap()), 0o700);
    }
    assert_eq!(
        MediaStore::url_of(&saved.media_file),
        format!("/media/{}", saved.media_file)
    );
}

#[tokio::test]
async fn a_file_past_the_cap_is_refused_and_leaves_nothing_behind() {
    let dir = tempfile::tempdir().unwrap();
    let media = store(dir.path(), 10);
    let chunks = futures_util::stream::iter(
        [b"123456".as_slice(), b"789012".as_slice()]
            .map(|c| Ok::<_, std::convert::Infallible>(Bytes::from_static(c))),
    );
    let refused = media.save(chunks, None, None, None).await;
    assert!(matches!(refused, Err(MediaError::TooLarge { limit: 10 })));
    let incoming = std::fs::read_dir(dir.path().join(FOLDER).join(INCOMING)).unwrap();
    assert_eq!(incoming.count(), 0);
}

#[tokio::test]
async fn a_failing_source_leaves_nothing_behind() {
    let dir = tempfile::tempdir().unwrap();
    let media = store(dir.path(), 1024);
    let chunks =
        futures_util::stream::iter([Ok(Bytes::from_static(b"part")), Err("connection reset")]);
    let failed = media.save(chunks, None, None, None).await;
    assert!(matches!(failed, Err(MediaError::Source(ref why)) if why == "connection reset"));
    let incoming = std::fs::read_dir(dir.path().join(FOLDER).join(INCOMING)).unwrap();
    assert_eq!(incoming.count(), 0);
}

#[test]
fn only_generated_names_resolve() {
    let dir = tempfile::tempdir().unwrap();
    let media = store(dir.path(), 1);
    let good = "2026/12/abcdefghijkmnopqrstuvw.jpg";
    assert!(media.path_of(good).is_ok());
    for bad in [
        "../secret.key",
        "2026/12/../../secret.key",
        "2026/12/abcdefghijkmnopqrstuvw.jpg/x",
        "/etc/passwd",
        "2026/12/short.jpg",
        "2026/1/abcdefghijkmnopqrstuvw.jpg",
        "2026/12/abcdefghijkmnopqrstuvw",
        "2026/12/abcdefghijkmnopqrstuvw.JPG",
        "2026\\12\\abcdefghijkmnopqrstuvw.jpg",
        "",
    ] {
        assert!(
            matches!(media.path_of(bad), Err(MediaError::BadName)),
            "{bad}"
        );
    }
}

#[test]
fn original_names_lose_folders_and_control_characters() {
    assert_eq!(
        original_name(Some("C:\\Users\\x\\فاکتور.pdf"), MediaKind::Share),
        "فاکتور.pdf"
    );
    assert_eq!(
        original_name(Some("a\u{0}b\n.txt"), MediaKind::Share),
        "ab.txt"
    );
    assert_eq!(original_name(Some(".."), MediaKind::Image), "image");
    assert_eq!(original_name(None, MediaKind::Voice), "voice");
}

#[test]
fn an_unfinished_save_is_cleared_at_open() {
    let dir = tempfile::tempdir().unwrap();
    drop(store(dir.path(), 1));
    let left = dir.path().join(FOLDER).join(INCOMING).join("half");
    std::fs::write(&left, b"x").unwrap();
    drop(store(dir.path(), 1));
    assert!(!left.exists());
}

#[test]
fn signed_links_verify_for_their_file() {
    let dir = tempfile::tempdir().unwrap();
    let media = store(dir.path(), 1);
    let file = "2026/12/abcdefghijkmnopqrstuvw.jpg";
    let url = media.signed_url(file, 60);
    let query = url.split_once('?').unwrap().1;
    assert!(url.starts_with("/media/2026/12/"));
    assert_eq!(media.verify_link(file, query), Ok(()));
    assert!(
        media
            .verify_link("2026/12/bbcdefghijkmnopqrstuvw.jpg", query)
            .is_err()
    );
}
