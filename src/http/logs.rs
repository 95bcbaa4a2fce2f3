//! `/api/v1/admin/logs` (admin only): the newest lines of the newest log file, filtered by level,
//! or what was written after an offset (live tail); `/api/v1/admin/logs/download` the whole file.

use std::collections::HashMap;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use serde_json::json;
use warp::Filter;
use warp::filters::BoxedFilter;
use warp::http::header;
use warp::reply::{Reply, Response};

use super::error::ApiError;
use super::{admin, ok, respond, with_state};
use crate::logging::daily;
use crate::state::AppState;

/// Most lines one answer carries.
const MAX_LINES: usize = 2000;
/// Most bytes read from the end of the file for the latest lines.
const TAIL_BYTES: u64 = 1 << 20;

const LEVELS: [&str; 5] = ["TRACE", "DEBUG", "INFO", "WARN", "ERROR"];

pub fn routes(state: &AppState) -> BoxedFilter<(Response,)> {
    let lines = warp::path!("api" / "v1" / "admin" / "logs")
        .and(warp::get())
        .and(admin(state))
        .and(with_state(state))
        .and(warp::query::<HashMap<String, String>>())
        .then(|_me, s, q| async move { respond(lines(s, q).await) });
    let download = warp::path!("api" / "v1" / "admin" / "logs" / "download")
        .and(warp::get())
        .and(admin(state))
        .and(with_state(state))
        .then(|_me, s| async move { respond(download(s).await) });
    lines.or(download).unify().boxed()
}

fn newest(dir: &Path) -> Option<PathBuf> {
    daily::files(dir).pop()
}

/// The level word of a log line ("INFO"), if it has one.
fn level_of(line: &str) -> Option<usize> {
    line.split_whitespace()
        .take(3)
        .find_map(|word| LEVELS.iter().position(|l| *l == word))
}

async fn lines(state: AppState, query: HashMap<String, String>) -> Result<Response, ApiError> {
    let minimum = match query.get("level").map(|l| l.to_ascii_uppercase()) {
        None => 0,
        Some(l) if l.is_empty() || l == "ALL" => 0,
        Some(l) => LEVELS.iter().position(|x| *x == l).ok_or_else(|| {
            ApiError::bad_request(
                "INVALID_LEVEL",
                "level must be trace, debug, info, warn or error",
            )
        })?,
    };
    let count = query
        .get("lines")
        .and_then(|n| n.parse().ok())
        .unwrap_or(500)
        .min(MAX_LINES);
    let since: Option<u64> = query.get("since").and_then(|n| n.parse().ok());
    let asked_file = query.get("file").cloned();
    let dir = state.config.log_dir();
    let read =
        tokio::task::spawn_blocking(move || -> std::io::Result<(String, u64, Vec<String>)> {
            let Some(path) = newest(&dir) else {
                return Ok((String::new(), 0, Vec::new()));
            };
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let mut file = std::fs::File::open(&path)?;
            let end = file.metadata()?.len();
            let start = match since {
                Some(offset) if asked_file.as_deref() == Some(name.as_str()) && offset <= end => {
                    offset
                }
                _ => end.saturating_sub(TAIL_BYTES),
            };
            file.seek(SeekFrom::Start(start))?;
            let mut text = String::new();
            file.take(end - start).read_to_string(&mut text)?;
            let mut lines: Vec<String> = text
                .lines()
                .skip(usize::from(start > 0 && since.is_none()))
                .filter(|l| level_of(l).is_none_or(|lvl| lvl >= minimum))
                .map(str::to_owned)
                .collect();
            let drop = lines.len().saturating_sub(count);
            lines.drain(..drop);
            Ok((name, end, lines))
        })
        .await
        .map_err(|_| ApiError::from(crate::storage::StoreError::Panicked))?;
    let (file, offset, lines) = read.map_err(|e| {
        ApiError::new(
            warp::http::StatusCode::INTERNAL_SERVER_ERROR,
            "LOG_UNREADABLE",
            e.to_string(),
        )
    })?;
    Ok(ok(&json!({"file": file, "offset": offset, "lines": lines})))
}

async fn download(state: AppState) -> Result<Response, ApiError> {
    let Some(path) = newest(&state.config.log_dir()) else {
        return Err(ApiError::not_found("NO_LOG", "there is no log file yet"));
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let body = tokio::fs::read(&path).await.map_err(|e| {
        ApiError::new(
            warp::http::StatusCode::INTERNAL_SERVER_ERROR,
            "LOG_UNREADABLE",
            e.to_string(),
        )
    })?;
    let reply = warp::reply::with_header(body, header::CONTENT_TYPE, "text/plain; charset=utf-8");
    let disposition = format!("attachment; filename=\"{name}\"");
    Ok(warp::reply::with_header(reply, header::CONTENT_DISPOSITION, disposition).into_response())
}
