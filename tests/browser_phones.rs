//! Every view of the agent page at phone widths (360, 390 and 430 CSS pixels, an iPhone's user
//! agent and touch), in Persian and English, signed out (the sign-in form) and signed in: nothing
//! wider than the window, nothing drawn past its sides, nothing cut inside a clipping or
//! scrolling box, no text squeezed to a letter a line, and every control a finger can hit
//! (44×44 CSS pixels). The reply box stays in sight when the on-screen keyboard takes half the
//! screen. Screenshots go to `target/screenshots/phone-<width>-<lang>-<view>.png`.

use serde_json::Value;

use crate::common::browser::{Browser, Launch};
use crate::common::spawn_app;
use crate::common::views::{PHONE_AGENT, browser, open, open_shop, sign_in, views};

/// A JS expression listing what is wrong with the page as drawn, one line each:
/// - `page`: the document scrolls sideways;
/// - `off-screen`: a visible element's box leaves the window on the left or right (only the
///   outermost of a subtree is named);
/// - `cut`: an element (not an input, textarea or select, which scroll their own text) whose
///   content is wider than its box while its `overflow-x` clips or scrolls, which is how
///   content is hidden without the page scrolling; text ended with an ellipsis on purpose
///   (`text-overflow: ellipsis`, a name or a preview in a list) is not cut, nor is text kept for
///   screen readers only (`.visually-hidden`, clipped to a pixel on purpose);
/// - `squeezed`: a text of six or more characters in a box under three letters wide and over
///   four lines tall (a column pressed to a letter a line);
/// - `small`: a visible button, link, select, input, textarea or summary under 44×44 CSS
///   pixels. A checkbox or radio button is measured by the label around it (the label is what
///   a finger taps). Links inside running text (an inline link with text beside it, as in a
///   message) are exempt, as touch guidelines exempt them.
const CHECK: &str = r#"(() => {
  const W = window.innerWidth, out = [], flagged = new Set();
  const name = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + (el.classList.length ? '.' + [...el.classList].join('.') : '')
    + ' "' + (el.innerText || el.value || el.getAttribute('aria-label') || '').trim().replace(/\s+/g, ' ').slice(0, 30) + '"';
  const shown = (el) => {
    const r = el.getBoundingClientRect();
    return (r.width > 0 || r.height > 0) && el.checkVisibility({ visibilityProperty: true }) ? r : null;
  };
  const under = (el) => { for (let p = el.parentElement; p; p = p.parentElement) if (flagged.has(p)) return true; return false; };
  const page = document.scrollingElement.scrollWidth;
  if (page > W) out.push(`page: ${page} > ${W}`);
  for (const el of document.body.querySelectorAll('*')) {
    const r = shown(el);
    if (!r) continue;
    const s = getComputedStyle(el);
    if (r.width > 1 && r.height > 1 && (r.left < -1 || r.right > W + 1) && !under(el)) {
      flagged.add(el);
      out.push(`off-screen ${name(el)}: ${Math.round(r.left)}..${Math.round(r.right)}`);
    }
    if (!['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName) && !el.classList.contains('visually-hidden')
        && ['hidden', 'clip', 'auto', 'scroll'].includes(s.overflowX)
        && s.textOverflow !== 'ellipsis' && el.scrollWidth > el.clientWidth + 1) {
      out.push(`cut ${name(el)}: ${el.scrollWidth} > ${el.clientWidth}`);
    }
    const text = [...el.childNodes].filter((n) => n.nodeType === 3).map((n) => n.data).join('').trim();
    const em = parseFloat(s.fontSize);
    if (text.length >= 6 && r.width < 3 * em && r.height > 4 * 1.6 * em) {
      out.push(`squeezed ${name(el)}: ${Math.round(r.width)}×${Math.round(r.height)}`);
    }
  }
  for (const el of document.body.querySelectorAll('button, a[href], select, input, textarea, summary')) {
    let target = el;
    if (el.type === 'checkbox' || el.type === 'radio') target = el.closest('label') || el;
    const r = shown(target);
    if (!r) continue;
    if (el.tagName === 'A' && getComputedStyle(el).display === 'inline'
        && el.parentElement.textContent.replace(el.textContent, '').trim()) continue;
    if (r.width + 0.5 < 44 || r.height + 0.5 < 44) {
      out.push(`small ${name(el)}: ${Math.round(r.width)}×${Math.round(r.height)}`);
    }
  }
  return out;
})()"#;

/// What [`CHECK`] finds on `b`'s page, each line prefixed with `what`.
async fn problems(b: &Browser, what: &str) -> Vec<String> {
    match b.eval(CHECK).await {
        Value::Array(lines) => lines
            .iter()
            .map(|l| format!("{what}: {}", l.as_str().unwrap_or_default()))
            .collect(),
        other => panic!("the check answered {other}"),
    }
}

#[tokio::test]
async fn every_view_fits_a_phone_in_both_languages() {
    let app = spawn_app().await;
    let shop = open_shop(&app).await;
    let base = app.url("/");
    let mut found = Vec::new();
    for width in [360, 390, 430] {
        for lang in ["fa", "en"] {
            let b = browser(width, lang).await;
            b.go(&base).await;
            b.find("#signin input[name=username]").await;
            found.extend(problems(&b, &format!("{width} {lang} signin")).await);
            b.screenshot(&format!("phone-{width}-{lang}-signin")).await;
            sign_in(&b, &base).await;
            for view in views(&shop) {
                open(&b, &base, &view).await;
                found.extend(problems(&b, &format!("{width} {lang} {}", view.name)).await);
                b.screenshot(&format!("phone-{width}-{lang}-{}", view.name))
                    .await;
            }
            b.quit().await;
        }
    }
    assert!(found.is_empty(), "what a phone user meets: {found:#?}");
}

/// With the on-screen keyboard up a 390×844 phone shows about 390×400 of the page: the reply
/// box, its send button and the newest messages must still be there, not under the keyboard.
#[tokio::test]
async fn the_reply_box_stays_above_the_keyboard() {
    let app = spawn_app().await;
    let shop = open_shop(&app).await;
    let base = app.url("/");
    for lang in ["fa", "en"] {
        let launch = Launch {
            phone: Some((390, 400, PHONE_AGENT)),
            lang: Some(lang.to_owned()),
            ..Launch::default()
        };
        let b = Browser::launch(600, 900, launch).await;
        sign_in(&b, &base).await;
        let chat = views(&shop).into_iter().find(|v| v.name == "chat").unwrap();
        open(&b, &base, &chat).await;
        b.click("#compose").await;
        let meta = b
            .eval("document.querySelector('meta[name=viewport]').content")
            .await;
        assert!(
            meta.as_str()
                .unwrap()
                .contains("interactive-widget=resizes-content"),
            "the keyboard resizes the page rather than covering it: {meta}"
        );
        let fit = b
            .eval(
                "(() => { const r = (s) => document.querySelector(s).getBoundingClientRect(); \
                 const last = [...document.querySelectorAll('#messages .msg')].pop(); \
                 return [window.innerHeight, r('#compose').top, r('#send').bottom, r('#messages').height, \
                 last.getBoundingClientRect().bottom <= r('#messages').bottom + 1]; })()",
            )
            .await;
        let n = |i: usize| fit[i].as_f64().unwrap();
        let (height, compose, send, messages) = (n(0), n(1), n(2), n(3));
        b.screenshot(&format!("phone-390x400-{lang}-chat")).await;
        assert!(
            compose >= 0.0 && send <= height,
            "{lang}: the reply box and Send are in sight: {fit}"
        );
        assert!(
            messages >= height * 0.4,
            "{lang}: the messages keep at least 40% of a keyboard-shortened screen: {fit}"
        );
        assert_eq!(
            fit[4], true,
            "{lang}: the newest message is in sight: {fit}"
        );
        found_nothing(&b, &format!("390x400 {lang} chat")).await;
        b.quit().await;
    }
}

/// Asserts [`CHECK`] finds nothing on `b`'s page.
async fn found_nothing(b: &Browser, what: &str) {
    let found = problems(b, what).await;
    assert!(found.is_empty(), "what a phone user meets: {found:#?}");
}

/// On a phone the folded parts open and fit: the top bar's menu, the inbox's filters (their
/// button counting the filters in force), the customer panel over the chat and its way back.
#[tokio::test]
async fn the_menu_the_filters_and_the_customer_panel_open_on_a_phone() {
    let app = spawn_app().await;
    let shop = open_shop(&app).await;
    let base = app.url("/");
    for lang in ["fa", "en"] {
        let b = browser(390, lang).await;
        sign_in(&b, &base).await;
        let shown = |css: &str| format!("document.querySelector('{css}')?.checkVisibility()");
        assert_eq!(
            b.eval(&shown("#main-nav a[href=\"#/customers\"]")).await,
            false
        );
        b.click("#nav-toggle").await;
        b.until("the menu", &shown("#main-nav a[href=\"#/customers\"]"))
            .await;
        found_nothing(&b, &format!("390 {lang} menu")).await;
        b.screenshot(&format!("phone-390-{lang}-menu")).await;
        b.click("#main-nav a[href='#/customers']").await;
        b.until(
            "the customers",
            "document.querySelector('#customer-rows tr')",
        )
        .await;
        assert_eq!(b.eval(&shown("#main-nav")).await, false, "a link closes it");

        b.go(&format!("{base}#/inbox")).await;
        b.until(
            "the list",
            "document.querySelector('#conversation-list .item')",
        )
        .await;
        assert_eq!(b.eval(&shown("#status-filter")).await, false, "folded");
        b.click("#inbox-filters-toggle").await;
        b.until("the filters", &shown("#status-filter")).await;
        b.click("#unread-only").await;
        b.until(
            "one filter counted",
            &format!(
                "{} && document.querySelector('#inbox-filters-count').textContent === '{}'",
                shown("#inbox-filters-count"),
                if lang == "fa" { "۱" } else { "1" }
            ),
        )
        .await;
        found_nothing(&b, &format!("390 {lang} filters")).await;
        b.screenshot(&format!("phone-390-{lang}-filters")).await;

        b.go(&format!("{base}#/inbox/{}", shop.conversation)).await;
        b.until("the chat", "document.querySelector('#messages .msg')")
            .await;
        b.click("#panel-toggle").await;
        b.until("the customer panel", &shown("#customer-phone"))
            .await;
        found_nothing(&b, &format!("390 {lang} customer panel")).await;
        b.screenshot(&format!("phone-390-{lang}-panel")).await;
        b.click("#panel-close").await;
        b.until("the chat again", &format!("!{}", shown("#customer-panel")))
            .await;
        b.quit().await;
    }
}

/// The phone-only pieces stay out of the desktop: its links in the bar, its filters in sight.
/// Screenshots `desktop-1366-<lang>-<view>.png`.
#[tokio::test]
async fn the_desktop_keeps_its_bar_filters_and_tables() {
    let app = spawn_app().await;
    let shop = open_shop(&app).await;
    let base = app.url("/");
    for lang in ["fa", "en"] {
        let launch = Launch {
            lang: Some(lang.to_owned()),
            ..Launch::default()
        };
        let b = Browser::launch(1366, 800, launch).await;
        sign_in(&b, &base).await;
        for view in views(&shop) {
            open(&b, &base, &view).await;
            let seen = b
                .eval(
                    "['#nav-toggle', '.filter-toggle', '#panel-close', '#main-nav a', '#status-filter', '#customer-source', 'thead th']\
                     .map((css) => [...document.querySelectorAll(css)].some((el) => el.checkVisibility()))",
                )
                .await;
            let want = match view.name {
                "inbox" | "chat" => [false, false, false, true, true, false, false],
                "customers" => [false, false, false, true, false, true, true],
                "admin" | "connections" => [false, false, false, true, false, false, true],
                _ => [false, false, false, true, false, false, false],
            };
            assert_eq!(seen, serde_json::json!(want), "{lang} {}", view.name);
            b.screenshot(&format!("desktop-1366-{lang}-{}", view.name))
                .await;
        }
        b.quit().await;
    }
}
