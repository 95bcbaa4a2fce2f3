//! A log file per day (`pilito-box.YYYY-MM-DD.log`, private: lines name users and addresses)
//! keeping the newest N, with the date taken from a clock the caller chooses, so rotation and
//! retention can be tested without waiting.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::NaiveDate;

/// Name of every log file before its date.
pub const PREFIX: &str = "pilito-box";

/// Today's date, as the log files see it.
pub type Clock = Arc<dyn Fn() -> NaiveDate + Send + Sync>;

/// The system clock in UTC (log lines carry UTC times too).
#[must_use]
pub fn system_clock() -> Clock {
    Arc::new(|| chrono::Utc::now().date_naive())
}

/// Writes to the current day's file, starting a new one when the day changes.
pub struct DailyFile {
    dir: PathBuf,
    keep: usize,
    clock: Clock,
    day: Option<NaiveDate>,
    file: Option<File>,
}

impl DailyFile {
    /// A writer into `dir` keeping the newest `keep` files.
    pub fn new(dir: &Path, keep: usize, clock: Clock) -> std::io::Result<Self> {
        crate::files::private_dir(dir)?;
        Ok(Self {
            dir: dir.to_owned(),
            keep: keep.max(1),
            clock,
            day: None,
            file: None,
        })
    }

    fn file_for_today(&mut self) -> std::io::Result<&mut File> {
        let today = (self.clock)();
        if self.day != Some(today) || self.file.is_none() {
            let path = self.dir.join(format!("{PREFIX}.{today}.log"));
            self.file = Some(crate::files::append_private(&path)?);
            self.day = Some(today);
            prune(&self.dir, self.keep)?;
            for file in files(&self.dir) {
                crate::files::make_private(&file);
            }
        }
        self.file
            .as_mut()
            .ok_or_else(|| std::io::Error::other("no log file"))
    }
}

impl Write for DailyFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.file_for_today()?.write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.file.as_mut().map_or(Ok(()), Write::flush)
    }
}

/// The log files in `dir`, oldest first.
#[must_use]
pub fn files(dir: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| {
                    p.file_name().and_then(|n| n.to_str()).is_some_and(|n| {
                        n.starts_with(&format!("{PREFIX}."))
                            && std::path::Path::new(n)
                                .extension()
                                .is_some_and(|e| e.eq_ignore_ascii_case("log"))
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    found.sort();
    found
}

/// Deletes all but the newest `keep` log files.
fn prune(dir: &Path, keep: usize) -> std::io::Result<()> {
    let all = files(dir);
    for old in all.iter().take(all.len().saturating_sub(keep)) {
        std::fs::remove_file(old)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    #[test]
    fn a_new_file_each_day_and_only_the_newest_kept() {
        let dir = tempfile::tempdir().unwrap();
        let day = Arc::new(Mutex::new(NaiveDate::from_ymd_opt(2026, 1, 1).unwrap()));
        let shared = Arc::clone(&day);
        let clock: Clock = Arc::new(move || *shared.lock().unwrap());
        let mut log = DailyFile::new(dir.path(), 3, clock).unwrap();
        for n in 0..5 {
            writeln!(log, "line of day {n}").unwrap();
            writeln!(log, "another line of day {n}").unwrap();
            let next = day.lock().unwrap().succ_opt().unwrap();
            *day.lock().unwrap() = next;
        }
        let names: Vec<String> = files(dir.path())
            .iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(
            names,
            [
                "pilito-box.2026-01-03.log",
                "pilito-box.2026-01-04.log",
                "pilito-box.2026-01-05.log"
            ]
        );
        let last = std::fs::read_to_string(dir.path().join("pilito-box.2026-01-05.log")).unwrap();
        assert_eq!(last, "line of day 4\nanother line of day 4\n");
    }
}
