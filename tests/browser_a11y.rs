//! Accessibility of the agent page, checked by axe-core (see `common::axe`) in the page itself:
//! every view of the shared tour in Persian (right to left) and English, at 1366 and at a
//! phone's 390 CSS pixels, the sign-in form, and what opens over a view (the bell's "Sound and
//! notifications" dialog, the user menu, the keyboard shortcuts list, the customer panel on a
//! phone). No rule is turned off; nothing serious or critical may be left. Beside axe, the
//! landmarks (one banner, one main, named navigation and side regions) and placeholders' contrast.

use crate::common::axe;
use crate::common::browser::Browser;
use crate::common::spawn_app;
use crate::common::views::{browser, open, open_shop, sign_in, views};

/// What axe does not check: the landmarks (one banner, the top bar outside `main`; one `main`;
/// every navigation and complementary region named, no two alike) and placeholder text at 4.5:1
/// (against the nearest opaque background).
const LANDMARKS: &str = "(() => {
  const wrong = [];
  if (document.querySelectorAll('main').length !== 1) wrong.push('not one main');
  const bar = document.querySelector('header.topbar');
  if (bar && bar.closest('main, section, aside, article, nav')) wrong.push('the top bar is not a banner');
  const names = new Set();
  for (const el of document.querySelectorAll('nav, aside')) {
    if (!el.offsetParent && el.getClientRects().length === 0) continue;
    const name = el.getAttribute('aria-label') || '';
    if (!name) wrong.push(el.tagName.toLowerCase() + ' without a name');
    else if (names.has(el.tagName + name)) wrong.push(el.tagName.toLowerCase() + ' named twice: ' + name);
    names.add(el.tagName + name);
  }
  const rgb = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => {
    const f = (c) => ((c /= 255) <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  for (const el of document.querySelectorAll('input[placeholder], textarea[placeholder]')) {
    if (el.getClientRects().length === 0) continue;
    let back = [255, 255, 255];
    for (let e = el; e; e = e.parentElement) {
      const c = rgb(getComputedStyle(e).backgroundColor);
      if (c.length === 3 || c[3] > 0.5) { back = c; break; }
    }
    const [a, b] = [lum(rgb(getComputedStyle(el, '::placeholder').color)), lum(back)];
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    if (ratio < 4.5) wrong.push('placeholder of #' + el.id + ' at ' + ratio.toFixed(2) + ':1');
  }
  return wrong;
})()";

/// Runs axe and the landmark check on `b` and files what they find under `what`.
async fn check(b: &Browser, source: &str, what: &str, found: &mut Vec<String>) {
    for v in axe::serious(b, source).await {
        found.push(format!("{what}: {v}"));
    }
    for w in b.eval(LANDMARKS).await.as_array().unwrap() {
        found.push(format!("{what}: {}", w.as_str().unwrap()));
    }
}

#[tokio::test]
async fn axe_finds_nothing_serious_on_any_view_in_either_language() {
    let source = axe::source();
    let app = spawn_app().await;
    let shop = open_shop(&app).await;
    let base = app.url("/");
    let mut found = Vec::new();
    for width in [1366, 390] {
        for lang in ["fa", "en"] {
            let b = browser(width, lang).await;
            b.go(&base).await;
            b.find("#signin input[name=username]").await;
            check(&b, &source, &format!("{width} {lang} signin"), &mut found).await;
            sign_in(&b, &base).await;
            for view in views(&shop) {
                open(&b, &base, &view).await;
                let what = format!("{width} {lang} {}", view.name);
                check(&b, &source, &what, &mut found).await;
                b.screenshot(&format!("a11y-{width}-{lang}-{}", view.name))
                    .await;
                if view.name == "chat" && width < 600 {
                    b.click("#panel-toggle").await;
                    b.until(
                        "the customer panel",
                        "document.querySelector('#customer-panel').offsetWidth > 0",
                    )
                    .await;
                    check(&b, &source, &format!("{what} + customer panel"), &mut found).await;
                    // At phone width the open panel covers its own toggle (layout, not
                    // accessibility): it is folded again by script.
                    b.eval("document.querySelector('#panel-toggle').click()")
                        .await;
                }
                if view.name == "inbox" {
                    b.click("#attention-button").await;
                    b.until(
                        "the bell's dialog",
                        "document.querySelector('#attention-settings[open]')",
                    )
                    .await;
                    check(&b, &source, &format!("{what} + bell dialog"), &mut found).await;
                    b.click("#open-shortcuts").await;
                    b.until(
                        "the shortcuts",
                        "document.querySelector('#shortcuts[open]')",
                    )
                    .await;
                    check(&b, &source, &format!("{what} + shortcuts"), &mut found).await;
                    b.eval("document.querySelector('#shortcuts').close()").await;
                    b.click("#user-menu summary").await;
                    b.until(
                        "the user menu",
                        "document.querySelector('#user-menu[open]')",
                    )
                    .await;
                    check(&b, &source, &format!("{what} + user menu"), &mut found).await;
                    b.click("#user-menu summary").await;
                }
            }
            b.quit().await;
        }
    }
    assert!(
        found.is_empty(),
        "axe-core found {} serious or critical violations:\n{}",
        found.len(),
        found.join("\n")
    );
}
