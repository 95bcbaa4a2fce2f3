//! The shipped benchmarks, small: each scenario runs from the command line against the built
//! executable and must come out correct (nothing lost, doubled, out of order, stale or
//! unopened). Speed is the benchmarks' business (BENCHMARKS.md), not these tests'.

// The counts compared exactly are whole numbers the table prints without decimals.
#![allow(clippy::float_cmp)]

use std::process::Command;

use crate::common::process::BIN;

/// Runs `pilito-box bench ARGS`; returns its standard output after checking it succeeded.
fn bench(args: &[&str]) -> String {
    let out = Command::new(BIN)
        .arg("bench")
        .args(args)
        .output()
        .expect("run pilito-box bench");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    println!("{stdout}");
    assert!(
        out.status.success(),
        "bench {args:?} failed: {}\n{stdout}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

/// The cells of the table's one data row, as numbers (a cell's median when runs differ).
fn row(table: &str) -> Vec<f64> {
    let line = table
        .lines()
        .filter(|l| l.starts_with("| ") && !l.contains("---"))
        .nth(1)
        .unwrap_or_else(|| panic!("no data row in:\n{table}"));
    line.trim_matches('|')
        .split('|')
        .map(|cell| {
            let value = cell.split_whitespace().next().unwrap();
            value.parse().unwrap()
        })
        .collect()
}

#[test]
fn one_sender_per_room_is_delivered_once_and_in_order() {
    crate::measured(async {
        let out = bench(&[
            "fanout",
            "--rooms",
            "5",
            "--per-room",
            "4",
            "--senders-per-room",
            "1",
            "--rates",
            "500",
            "--secs",
            "2",
            "--no-pin",
            "--strict",
        ]);
        let cells = row(&out);
        let (sent, delivered) = (cells[1], cells[2]);
        assert!(sent > 250.0, "sent {sent}/s");
        assert!(
            (delivered - sent * 4.0).abs() < sent * 0.05,
            "each of 4 sockets per room gets every message of its one sender: {delivered}/s for {sent}/s"
        );
        assert_eq!(
            &cells[7..10],
            &[0.0, 0.0, 0.0],
            "lost, doubled, out of order"
        );
    });
}

#[test]
fn fanout_delivers_every_message_once_and_in_order() {
    crate::measured(async {
        let out = bench(&[
            "fanout",
            "--rooms",
            "5",
            "--per-room",
            "4",
            "--rates",
            "200",
            "--secs",
            "2",
            "--lists",
            "3",
            "--no-pin",
            "--strict",
        ]);
        let cells = row(&out);
        let (sent, delivered) = (cells[1], cells[2]);
        assert!(sent > 100.0, "sent {sent}/s");
        assert!(
            (delivered - sent * 4.0).abs() < sent * 0.05,
            "each of 4 sockets per room gets every message: {delivered}/s for {sent}/s"
        );
        assert_eq!(
            &cells[7..10],
            &[0.0, 0.0, 0.0],
            "lost, doubled, out of order"
        );
    });
}

/// The cells of every data row of a table.
fn rows(table: &str) -> Vec<Vec<f64>> {
    table
        .lines()
        .filter(|l| l.starts_with("| ") && !l.contains("---"))
        .skip(1)
        .map(|line| {
            line.trim_matches('|')
                .split('|')
                .map(|cell| cell.split_whitespace().next().unwrap().parse().unwrap())
                .collect()
        })
        .collect()
}

#[test]
fn connect_with_tls_opens_every_socket_both_ways_side_by_side() {
    crate::measured(async {
        let out = bench(&[
            "connect",
            "--sockets",
            "300",
            "--rooms",
            "10",
            "--hold",
            "0.5",
            "--tls",
            "--no-pin",
            "--strict",
        ]);
        let rows = rows(&out);
        assert_eq!(rows.len(), 2, "{out}");
        for (row, tls) in rows.iter().zip([0.0, 1.0]) {
            assert_eq!(
                (row[0], row[1], row[7], row[10]),
                (300.0, 300.0, 300.0, tls)
            );
            assert!(
                row[2] > 0.0 && row[6] > 0.0,
                "connects/s and memory: {row:?}"
            );
        }
    });
}

#[test]
fn connect_opens_every_socket_and_reaches_each_after_the_hold() {
    crate::measured(async {
        let out = bench(&[
            "connect",
            "--sockets",
            "500",
            "--rooms",
            "10",
            "--hold",
            "0.5",
            "--no-pin",
            "--strict",
        ]);
        let cells = row(&out);
        assert_eq!((cells[0], cells[1], cells[7]), (500.0, 500.0, 500.0));
        assert!(
            cells[2] > 0.0 && cells[6] > 0.0,
            "connects/s and memory: {cells:?}"
        );
    });
}

#[test]
fn refresh_coalesces_list_frames_and_leaves_no_list_stale() {
    crate::measured(async {
        let out = bench(&[
            "refresh",
            "--conversations",
            "300",
            "--messages",
            "3000",
            "--lists",
            "5",
            "--requests",
            "20",
            "--burst",
            "300",
            "--no-pin",
            "--strict",
        ]);
        let cells = row(&out);
        let (burst_ms, list_frames, updates, stale) = (cells[4], cells[5], cells[6], cells[7]);
        assert_eq!(cells[3], 300.0, "every burst message stored and echoed");
        assert_eq!(stale, 0.0);
        assert!(
            updates > 0.0 && updates <= 300.0,
            "at most one conversation_updated per message: {updates}"
        );
        assert!(
            list_frames <= (burst_ms / 250.0).ceil() + 2.0,
            "{list_frames} list frames for a {burst_ms} ms burst: not coalesced"
        );
    });
}

#[test]
fn startup_reports_the_time_to_listening() {
    crate::measured(async {
        let out = bench(&["startup", "--megabytes", "2", "--starts", "2", "--no-pin"]);
        let cells = row(&out);
        assert!(cells[0] >= 1.0, "database MB: {cells:?}");
        assert!(cells[2] > 0.0, "start to listening: {cells:?}");
    });
}

#[test]
fn self_test_answers_in_a_sentence() {
    crate::measured(async {
        let out = bench(&["--self-test"]);
        assert!(
            out.lines()
                .any(|l| l.starts_with("This PC serves") || l.starts_with("This PC could not")),
            "{out}"
        );
    });
}

/// Sockets the fifty-thousand test holds; the server and the load generator each need a file
/// for every one.
const MANY: usize = 50_000;

#[test]
fn fifty_thousand_sockets_are_held_without_error_where_the_system_allows_the_files() {
    let wanted = u64::try_from(MANY).unwrap() + 1_024;
    let limit = rlimit::increase_nofile_limit(u64::MAX).unwrap();
    let limit =
        if limit < wanted && rlimit::setrlimit(rlimit::Resource::NOFILE, wanted, wanted).is_ok() {
            wanted
        } else {
            limit
        };
    if limit < wanted {
        println!(
            "not run: this system allows {limit} open files per process and {MANY} sockets need {wanted} (root with CAP_SYS_RESOURCE, or `ulimit -n 65536` first, as .ci/run does)"
        );
        return;
    }
    crate::measured(async {
        let sockets = MANY.to_string();
        let out = bench(&[
            "connect",
            "--sockets",
            &sockets,
            "--concurrency",
            "256",
            "--hold",
            "2",
            "--no-pin",
            "--strict",
        ]);
        let cells = row(&out);
        #[allow(clippy::cast_precision_loss)]
        let many = MANY as f64;
        assert_eq!(
            (cells[1], cells[7]),
            (many, many),
            "opened, reached: {cells:?}"
        );
    });
}
