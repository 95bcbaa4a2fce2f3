//! The page's message catalogue is whole: every string the agent page's scripts look up (`t("…")`
//! and the two forms of `plural(n, "…", "…")`) has its Persian in `strings-fa.js`, and no English
//! key is there twice (an object literal silently keeps the last). What the Persian page really
//! shows, strings reached through tables included, is checked in the browser (`browser_persian`).

use std::collections::BTreeSet;
use std::path::Path;

/// The string literal at the start of `s` (after a quote), unescaped, and what follows it.
fn literal(s: &str) -> Option<(String, &str)> {
    let quote = s.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let mut out = String::new();
    let mut chars = s[1..].char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' => out.push(chars.next()?.1),
            c if c == quote => return Some((out, &s[1 + i + 1..])),
            c => out.push(c),
        }
    }
    None
}

/// The English keys of `strings-fa.js`, each once, or the ones written twice.
fn catalogue(text: &str) -> (BTreeSet<String>, Vec<String>) {
    let (mut keys, mut twice) = (BTreeSet::new(), Vec::new());
    for line in text.lines() {
        let Some((key, rest)) = literal(line.trim_start()) else {
            continue;
        };
        if rest.trim_start().starts_with(':') && !keys.insert(key.clone()) {
            twice.push(key);
        }
    }
    (keys, twice)
}

/// Literal strings looked up in `source`: the first argument of `t(`, both forms of `plural(`.
fn looked_up(source: &str) -> Vec<String> {
    let mut found = Vec::new();
    for (call, args) in [("t(", 1), ("plural(", 3)] {
        let mut rest = source;
        while let Some(at) = rest.find(call) {
            let before = rest[..at].chars().next_back();
            rest = &rest[at + call.len()..];
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '.') {
                continue;
            }
            let mut tail = rest;
            if args == 3 {
                let Some(comma) = tail.find(',') else {
                    continue;
                };
                tail = &tail[comma + 1..];
            }
            for _ in 0..args.min(2) {
                let Some((text, after)) = literal(tail.trim_start()) else {
                    break;
                };
                found.push(text);
                tail = after.trim_start().strip_prefix(',').unwrap_or(after);
            }
        }
    }
    found
}

#[test]
fn every_string_the_page_looks_up_has_its_persian() {
    let js = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/web/js");
    let (keys, twice) = catalogue(&std::fs::read_to_string(js.join("strings-fa.js")).unwrap());
    assert!(
        twice.is_empty(),
        "keys written twice in strings-fa.js: {twice:?}"
    );
    let mut missing = BTreeSet::new();
    let mut seen = 0;
    for entry in std::fs::read_dir(&js).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "js") || path.ends_with("strings-fa.js") {
            continue;
        }
        for text in looked_up(&std::fs::read_to_string(&path).unwrap()) {
            seen += 1;
            if !keys.contains(&text) {
                missing.insert(format!(
                    "{}: {text:?}",
                    path.file_name().unwrap().to_string_lossy()
                ));
            }
        }
    }
    assert!(seen > 250, "only {seen} lookups found: the scan is broken");
    assert!(missing.is_empty(), "strings without Persian: {missing:#?}");
}

#[test]
fn the_scan_finds_what_it_should() {
    let source = r#"h("p", {}, t("Hello {name}", { name })), at(x), format("no"), plural(n, "1 cat", "{count} cats")"#;
    assert_eq!(looked_up(source), ["Hello {name}", "1 cat", "{count} cats"]);
    let (keys, twice) =
        catalogue("  \"a\": \"x\",\n  \"b\": 'y',\n  \"a\": \"z\",\n  // \"c\": 1\n");
    assert_eq!(keys.into_iter().collect::<Vec<_>>(), ["a", "b"]);
    assert_eq!(twice, ["a"]);
}
