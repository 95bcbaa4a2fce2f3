//! The agent page in Persian, as a browser set to Persian first shows it: right to left, Persian
//! digits, the Solar Hijri calendar (Gregorian a setting away), "۵ دقیقه پیش", handles in their
//! own order, typed text in its own direction, the bundled typeface, and no English left on any
//! view; the language chosen follows the agent to a reload and to another device.

use serde_json::Value;

use crate::common::browser::Browser;
use crate::common::spawn_app;
use crate::common::views::{browser, open, open_shop, sign_in, views};

const MONTHS: [&str; 12] = [
    "فروردین",
    "اردیبهشت",
    "خرداد",
    "تیر",
    "مرداد",
    "شهریور",
    "مهر",
    "آبان",
    "آذر",
    "دی",
    "بهمن",
    "اسفند",
];

/// Text the agent sees (text, placeholders, labels, tooltips) in Latin letters or digits, outside what
/// people wrote (user text is marked `dir="auto"` or `<bdi>`) and outside things marked as
/// English (`lang="en"`: the switch to English names itself in English).
const ENGLISH_LEFT: &str = r#"(() => {
  const found = new Set();
  const isolated = /[\u2066-\u2068][^\u2069]*\u2069/g;
  const latin = { test: (s) => /[A-Za-z]{2,}|[0-9]/.test(s.replace(isolated, '')) };
  const exempt = (el) => el.closest('[dir=auto], [dir=ltr], bdi, [lang=en], code, .avatar, option[value]:not([value=""])') !== null;
  const seen = (el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
  const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walk.nextNode(); n; n = walk.nextNode()) {
    const el = n.parentElement;
    if (el && latin.test(n.data) && !exempt(el) && seen(el) && !['SCRIPT', 'STYLE', 'NOSCRIPT'].includes(el.tagName)) found.add(n.data.trim());
  }
  for (const el of document.querySelectorAll('[placeholder], [aria-label], [title], img[alt]')) {
    for (const a of ['placeholder', 'aria-label', 'title', 'alt']) {
      const v = el.getAttribute(a);
      if (v && latin.test(v) && !exempt(el) && (seen(el) || a === 'aria-label')) found.add(`${a}: ${v}`);
    }
  }
  return [...found].filter((s) => s !== 'pilito-box');
})()"#;

/// Adds what [`ENGLISH_LEFT`] finds on `b` now to `found`, under `name`.
async fn english_left(b: &Browser, name: &str, found: &mut Vec<String>) {
    let left = b.eval(ENGLISH_LEFT).await;
    if left.as_array().is_some_and(|l| !l.is_empty()) {
        found.push(format!("{name}: {left}"));
    }
}

#[tokio::test]
async fn a_persian_browser_gets_the_page_in_persian_on_every_view() {
    let app = spawn_app().await;
    let shop = open_shop(&app).await;
    let base = app.url("/");
    let b = browser(1366, "fa-IR").await;
    b.go(&base).await;
    b.find("#signin").await;
    let root = b
        .eval("[document.documentElement.lang, document.documentElement.dir, document.querySelector('#signin button[type=submit]').textContent]")
        .await;
    assert_eq!(root, serde_json::json!(["fa", "rtl", "ورود"]));
    let mut english = Vec::new();
    english_left(&b, "signin", &mut english).await;
    b.screenshot("fa-signin").await;
    sign_in(&b, &base).await;
    for view in views(&shop) {
        open(&b, &base, &view).await;
        english_left(&b, view.name, &mut english).await;
        b.screenshot(&format!("fa-{}", view.name)).await;
        if view.name == "customers" {
            pager_points_outward(&b).await;
        }
    }
    b.click("#attention-button").await;
    b.until(
        "the sound and notification settings",
        "document.querySelector('#attention-settings').open",
    )
    .await;
    english_left(&b, "sound and notification settings", &mut english).await;
    b.eval("document.querySelector('#attention-settings').close()")
        .await;
    b.click("#user-menu summary").await;
    b.until("the user menu", "document.querySelector('#user-menu').open")
        .await;
    english_left(&b, "user menu", &mut english).await;
    assert!(
        english.is_empty(),
        "English on the Persian page: {english:#?}"
    );
    b.quit().await;
}

/// In Persian "Previous" is the right-hand button and both chevrons point away from the page
/// count: drawn at each button's outer side and mirrored (a negative x scale) for right to left.
async fn pager_points_outward(b: &Browser) {
    let shown = b
        .eval(
            "(() => { const [p, n] = ['.pager .previous', '.pager .next'].map(s => document.querySelector(s)); \
               const same = (e, at) => new DOMMatrix(getComputedStyle(e, at).transform).a < 0; \
               return [p.getBoundingClientRect().left > n.getBoundingClientRect().left, \
                       same(p, '::before'), same(n, '::after'), p.textContent]; })()",
        )
        .await;
    assert_eq!(
        shown,
        serde_json::json!([true, true, true, "قبلی"]),
        "the Persian pager: previous on the right, chevrons turned"
    );
}

/// The tooltip of the first message's time: its whole date.
async fn message_date(b: &Browser) -> String {
    b.eval("document.querySelector('#messages .msg .meta').title")
        .await
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn dates_handles_typing_and_the_typeface_read_as_persian() {
    let app = spawn_app().await;
    let shop = open_shop(&app).await;
    let base = app.url("/");
    let b = browser(1366, "fa").await;
    sign_in(&b, &base).await;
    let chat = &views(&shop)[1];
    open(&b, &base, chat).await;

    let date = message_date(&b).await;
    assert!(
        MONTHS.iter().any(|m| date.contains(m)),
        "a Solar Hijri month: {date}"
    );
    assert!(
        date.contains('۱') && !date.contains("۲۰۲"),
        "Persian digits, a Solar Hijri year: {date}"
    );
    let ago = b
        .eval("document.querySelector('#conversation-list .item time').textContent")
        .await;
    assert!(
        ago == "اکنون" || ago.as_str().unwrap().contains("دقیقه پیش"),
        "a relative time in the list: {ago}"
    );

    let handle = b
        .eval(
            "(() => { const el = document.querySelector('.handle'); const r = document.createRange();
               const x = (i) => { r.setStart(el.firstChild, i); r.setEnd(el.firstChild, i + 1); return r.getBoundingClientRect().left; };
               return [el.textContent, x(0) < x(el.textContent.length - 1)]; })()",
        )
        .await;
    assert_eq!(
        handle,
        serde_json::json!(["@maryam_ahmadi", true]),
        "@ drawn first, on the left"
    );

    for (text, direction) in [("refund", "ltr"), ("مرجوعی", "rtl")] {
        b.go(&format!("{base}#/inbox")).await;
        b.find("#search").await.clear().await.unwrap();
        b.type_in("#search", text).await;
        let dir = b
            .eval("getComputedStyle(document.querySelector('#search')).direction")
            .await;
        assert_eq!(dir, direction, "the search box follows {text:?}");
    }

    b.until(
        "the bundled typeface, loaded",
        "[...document.fonts].some((f) => f.family.includes('Vazirmatn') && f.status === 'loaded')",
    )
    .await;
    let font = app
        .http
        .get(app.url("/fonts/vazirmatn.woff2"))
        .send()
        .await
        .unwrap();
    assert_eq!(font.headers()["content-type"], "font/woff2");
    let licence = app
        .http
        .get(app.url("/fonts/OFL.txt"))
        .send()
        .await
        .unwrap();
    assert!(
        licence
            .text()
            .await
            .unwrap()
            .contains("SIL OPEN FONT LICENSE Version 1.1")
    );

    b.go(&format!("{base}#/account")).await;
    b.eval("window.beforeTheReload = true").await;
    b.click("#language-settings input[value=gregorian]").await;
    b.click("#language-settings button[type=submit]").await;
    b.until(
        "the reload",
        "!window.beforeTheReload && document.querySelector('#change-password')",
    )
    .await;
    open(&b, &base, chat).await;
    let date = message_date(&b).await;
    assert!(
        date.contains("۲۰۲") && !MONTHS.iter().any(|m| date.contains(m)),
        "Gregorian, in Persian digits: {date}"
    );
    b.quit().await;
}

/// The language of the page `b` shows.
async fn shown(b: &Browser) -> Value {
    b.eval("document.documentElement.lang").await
}

#[tokio::test]
async fn the_language_chosen_follows_the_agent_to_a_reload_and_another_device() {
    let app = spawn_app().await;
    open_shop(&app).await;
    let base = app.url("/");
    let desk = browser(1366, "fa").await;
    sign_in(&desk, &base).await;
    assert_eq!(shown(&desk).await, "fa");
    desk.click("#language").await;
    desk.until(
        "English",
        "document.documentElement.lang === 'en' && document.querySelector('#conversation-list')",
    )
    .await;
    desk.client.refresh().await.unwrap();
    desk.find("#conversation-list").await;
    assert_eq!(shown(&desk).await, "en", "after a reload");

    let phone = browser(390, "fa").await;
    sign_in(&phone, &base).await;
    phone.until("English, as chosen on the desk", "document.documentElement.lang === 'en' && document.querySelector('#conversation-list')").await;
    assert_eq!(phone.eval("document.documentElement.dir").await, "ltr");
    phone.click("#language").await;
    phone.until("Persian again", "document.documentElement.lang === 'fa' && document.querySelector('#conversation-list')").await;

    desk.client.refresh().await.unwrap();
    desk.until(
        "Persian, as chosen on the phone",
        "document.documentElement.lang === 'fa' && document.querySelector('#conversation-list')",
    )
    .await;
    assert_eq!(desk.eval("document.documentElement.dir").await, "rtl");
    desk.quit().await;
    phone.quit().await;
}

#[tokio::test]
async fn a_refusal_from_the_server_is_shown_in_persian_by_its_code() {
    let app = spawn_app().await;
    open_shop(&app).await;
    let base = app.url("/");
    let b = browser(1366, "fa").await;
    sign_in(&b, &base).await;
    b.go(&format!("{base}#/admin")).await;
    b.type_in("#add-user input[name=username]", "nedaneda")
        .await;
    b.type_in("#add-user input[name=password]", "nedaneda")
        .await;
    b.click("#add-user button[type=submit]").await;
    b.until(
        "the weak password refused in Persian",
        "document.querySelector('#add-user-password-why').textContent.startsWith('رمز قوی‌تری انتخاب کنید')",
    )
    .await;
    b.quit().await;
}
