//! Every view of the agent page at phone widths (360, 390 and 430 CSS pixels, an iPhone's user
//! agent and touch), in Persian and English: nothing wider than the window, so nothing is cut
//! or scrolls sideways. Screenshots of each go to `target/screenshots/phone-<width>-<lang>-<view>.png`.

use crate::common::spawn_app;
use crate::common::views::{browser, open, open_shop, sign_in, views};

#[tokio::test]
async fn every_view_fits_a_phone_in_both_languages() {
    let app = spawn_app().await;
    let shop = open_shop(&app).await;
    let base = app.url("/");
    let mut wide = Vec::new();
    for width in [360, 390, 430] {
        for lang in ["fa", "en"] {
            let b = browser(width, lang).await;
            sign_in(&b, &base).await;
            for view in views(&shop) {
                open(&b, &base, &view).await;
                let fit = b
                    .eval("[document.scrollingElement.scrollWidth, window.innerWidth]")
                    .await;
                let (scroll, window) = (fit[0].as_i64().unwrap(), fit[1].as_i64().unwrap());
                if scroll > window {
                    wide.push(format!("{width} {lang} {}: {scroll} > {window}", view.name));
                }
                b.screenshot(&format!("phone-{width}-{lang}-{}", view.name))
                    .await;
            }
            b.quit().await;
        }
    }
    assert!(wide.is_empty(), "views wider than the phone: {wide:#?}");
}
