//! The reply box, saved replies, the customer beside the chat and the look (issue #16): a Telegram
//! conversation through the Bot API stand-in, driven in headless Chromium. A six-line draft
//! shows six lines; a 3,000-character reply reaches Telegram whole and one over 4,096 is refused
//! with the limit said, nothing cut; a pasted image is sent; links are links (http/https only);
//! `/hello` inserts a saved reply; the side panel shows and edits the customer and lists their
//! other conversation; day separators divide the timeline. The REST half is `tests/saved_replies.rs`.

use std::time::Duration;

use pilito_box::storage::users::Role;
use pilito_box::storage::{conversations, customers};
use serde_json::json;

use crate::common::botapi::BotApi;
use crate::common::browser::Browser;
use crate::common::{PASSWORD, TestApp, spawn_with};
use crate::telegram::telegram;

const WAIT: Duration = Duration::from_secs(10);
const PNG: &str = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";

fn base(app: &TestApp) -> String {
    format!("http://{}/", app.addr)
}

/// A second conversation of the customer of `conv`, 40 days old, and the first message moved to
/// yesterday.
async fn history(app: &TestApp, conv: &str) -> String {
    let id = conv.to_owned();
    let yesterday = pilito_box::clock::to_db(chrono::Utc::now() - chrono::Duration::days(1));
    let long_ago = pilito_box::clock::to_db(chrono::Utc::now() - chrono::Duration::days(40));
    app.state
        .store
        .write(move |c| {
            let first = conversations::get(c, &id)?;
            let customer = customers::get(c, first.customer_id)?;
            c.execute(
                "UPDATE messages SET created_at = ?1 WHERE conversation_id = ?2",
                rusqlite::params![yesterday, id],
            )?;
            let other = conversations::insert(c, &customer, "telegram", None)?.id;
            c.execute(
                "UPDATE conversations SET created_at = ?1, updated_at = ?1 WHERE id = ?2",
                rusqlite::params![long_ago, other],
            )?;
            Ok(other)
        })
        .await
        .unwrap()
}

async fn set_draft(b: &Browser, text_js: &str) {
    b.eval(&format!(
        "(() => {{ const el = document.querySelector('#compose'); el.value = {text_js}; \
           el.dispatchEvent(new Event('input', {{ bubbles: true }})); return 1; }})()"
    ))
    .await;
}

async fn press_enter(b: &Browser) {
    b.type_in("#compose", "\u{E007}").await;
}

#[tokio::test]
async fn the_reply_box_saved_replies_and_the_customer_beside_the_chat() {
    let bot = BotApi::start().await;
    let app = spawn_with(telegram(&bot)).await;
    app.user("boss", Role::Admin).await;
    bot.text(5150, 1, "Hello, my order has not arrived");
    let deadline = tokio::time::Instant::now() + WAIT;
    let conv = loop {
        let found = app
            .state
            .store
            .read(|c| {
                Ok(
                    c.query_row("SELECT id FROM conversations LIMIT 1", [], |r| {
                        r.get::<_, String>(0)
                    })
                    .ok(),
                )
            })
            .await
            .unwrap();
        if let Some(id) = found {
            break id;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the Telegram message never arrived"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let other = history(&app, &conv).await;

    let b = Browser::start(1366, 800).await;
    b.sign_in(&base(&app), "boss", PASSWORD).await;

    // Saved replies: an admin adds one on its page.
    b.go(&format!("{}#/replies", base(&app))).await;
    b.type_in("#add-reply input[name=shortcut]", "hello").await;
    b.type_in(
        "#add-reply textarea[name=content]",
        "Hi! Thanks for writing to us, how can I help?",
    )
    .await;
    b.click("#add-reply button[type=submit]").await;
    b.until(
        "the reply listed",
        "document.querySelector('.reply-row[data-shortcut=hello]')",
    )
    .await;
    b.type_in("#add-reply input[name=shortcut]", "tracking")
        .await;
    b.type_in(
        "#add-reply textarea[name=content]",
        "You can follow your parcel at https://post.example/track with the code we e-mailed you.",
    )
    .await;
    b.click("#add-reply button[type=submit]").await;
    b.until(
        "two replies",
        "document.querySelectorAll('.reply-row').length === 2",
    )
    .await;
    b.screenshot("compose-replies-admin-en").await;

    b.go(&format!("{}#/inbox/{conv}", base(&app))).await;
    b.until(
        "the history",
        "document.querySelectorAll('#messages .msg').length >= 1",
    )
    .await;
    b.until(
        "the limit known",
        "document.querySelector('#compose-count')",
    )
    .await;

    // Day separators.
    b.until(
        "a day separator for yesterday",
        "[...document.querySelectorAll('#messages .day')].some((d) => d.textContent === 'Yesterday')",
    )
    .await;

    // Shift+Enter is a new line, not a send; a six-line draft shows six lines, twenty scroll.
    b.type_in("#compose", "line one\u{E008}\u{E007}\u{E000}line two")
        .await;
    assert_eq!(
        b.eval("document.querySelector('#compose').value").await,
        "line one\nline two"
    );
    set_draft(&b, "'1\\n2\\n3\\n4\\n5\\n6'").await;
    let fit = b
        .eval(
            "(() => { const el = document.querySelector('#compose'); const lh = parseFloat(getComputedStyle(el).lineHeight); \
               return { lines: el.clientHeight / lh, scrolls: el.scrollHeight > el.clientHeight + 1 }; })()",
        )
        .await;
    assert!(
        fit["lines"].as_f64().unwrap() >= 6.0 && fit["scrolls"] == false,
        "six lines: {fit}"
    );
    set_draft(&b, "Array.from({ length: 20 }, (_, i) => i).join('\\n')").await;
    let tall = b
        .eval(
            "(() => { const el = document.querySelector('#compose'); const lh = parseFloat(getComputedStyle(el).lineHeight); \
               return { lines: el.clientHeight / lh, scrolls: el.scrollHeight > el.clientHeight + 1 }; })()",
        )
        .await;
    let lines = tall["lines"].as_f64().unwrap();
    assert!(
        (9.0..11.5).contains(&lines) && tall["scrolls"] == true,
        "about ten lines then scroll: {tall}"
    );

    // 3,000 characters reach Telegram whole.
    let long: String = "سلام دنیا ".repeat(300);
    set_draft(&b, &format!("{long:?}")).await;
    press_enter(&b).await;
    let sent = bot.wait_sent(1, WAIT).await;
    assert_eq!(
        sent[0].text.chars().count(),
        2999,
        "the reply as Telegram got it (trimmed)"
    );
    assert_eq!(sent[0].text, long.trim());

    // Over 4,096: refused in the page with the limit said, the text kept whole.
    set_draft(&b, "'x'.repeat(4097)").await;
    let count = b
        .eval("document.querySelector('#compose-count').textContent")
        .await;
    assert_eq!(count, "4,097 / 4,096");
    assert_eq!(
        b.eval("document.querySelector('#compose-count').classList.contains('over')")
            .await,
        true
    );
    press_enter(&b).await;
    b.until(
        "the refusal",
        "!document.querySelector('#compose-refusal').hidden",
    )
    .await;
    let refusal = b
        .eval("document.querySelector('#compose-refusal').textContent")
        .await;
    assert!(refusal.as_str().unwrap().contains("4,096"), "{refusal}");
    assert_eq!(
        b.eval("document.querySelector('#compose').value.length")
            .await,
        4097
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(bot.sent().len(), 1, "nothing more went to Telegram");
    set_draft(&b, "''").await;

    // A pasted image is sent as a reply.
    b.eval(&format!(
        "(() => {{ const bytes = Uint8Array.from(atob('{PNG}'), (c) => c.charCodeAt(0)); \
           const dt = new DataTransfer(); dt.items.add(new File([bytes], 'pasted.png', {{ type: 'image/png' }})); \
           document.querySelector('#compose').dispatchEvent(new ClipboardEvent('paste', {{ clipboardData: dt, bubbles: true, cancelable: true }})); \
           return 1; }})()"
    ))
    .await;
    b.until(
        "the pasted image stored",
        "document.querySelector('#messages .msg:not([data-id^=local]) .media.image img')",
    )
    .await;

    bot.wait_sent(2, WAIT).await;

    // Links: http(s) only, new tab, no opener.
    bot.text(
        5150,
        2,
        "Tracking: https://post.example/track?c=42. Not this: javascript:alert(1)",
    );
    b.until(
        "the customer's link",
        "document.querySelector('#messages a[href=\"https://post.example/track?c=42\"]')",
    )
    .await;
    let link = b
        .eval("(() => { const a = document.querySelector('#messages a[href=\"https://post.example/track?c=42\"]'); return [a.rel, a.target, a.textContent]; })()")
        .await;
    assert_eq!(
        link,
        json!([
            "noopener noreferrer",
            "_blank",
            "https://post.example/track?c=42"
        ])
    );
    assert_eq!(
        b.eval("document.querySelectorAll('#messages a[href^=\"javascript\"]').length")
            .await,
        0
    );
    assert_eq!(
        b.eval("[...document.querySelectorAll('#messages .text')].some((t) => t.textContent.includes('javascript:alert(1)'))").await,
        true
    );

    // "/" opens the saved replies, filtered; Enter inserts; Escape closes.
    b.find("#compose").await.send_keys("/").await.unwrap();
    b.until(
        "the saved replies",
        "document.querySelectorAll('#saved-replies li[role=option]').length === 2",
    )
    .await;
    b.type_in("#compose", "\u{E00C}").await;
    b.until(
        "closed by Escape",
        "document.querySelector('#saved-replies').hidden",
    )
    .await;
    set_draft(&b, "''").await;
    b.find("#compose").await.send_keys("/hel").await.unwrap();
    b.until(
        "filtered",
        "document.querySelectorAll('#saved-replies li[role=option]').length === 1",
    )
    .await;
    press_enter(&b).await;
    assert_eq!(
        b.eval("document.querySelector('#compose').value").await,
        "Hi! Thanks for writing to us, how can I help?"
    );
    assert_eq!(
        bot.sent().len(),
        2,
        "inserting is not sending (the image was the second send)"
    );

    // The customer beside the chat: handle, phone edited in place, the other conversation.
    b.until(
        "the panel",
        "document.querySelector('#customer-panel .handle')",
    )
    .await;
    assert_eq!(
        b.eval("document.querySelector('#customer-panel .handle').textContent")
            .await,
        "@reza_k"
    );
    b.type_in("#customer-phone", "+98 912 000 1111\u{E007}")
        .await;
    b.until(
        "saved",
        "document.querySelector('#customer-panel .saved-note').textContent === 'Saved.'",
    )
    .await;
    let customer_id = app
        .state
        .store
        .read({
            let conv = conv.clone();
            move |c| Ok(conversations::get(c, &conv)?.customer_id)
        })
        .await
        .unwrap();
    let stored = app
        .state
        .store
        .read(move |c| customers::get(c, customer_id))
        .await
        .unwrap();
    assert_eq!(stored.phone_number.as_deref(), Some("+98 912 000 1111"));
    b.until(
        "the other conversation listed",
        &format!("document.querySelector('#customer-conversations a[data-id=\"{other}\"]')"),
    )
    .await;
    set_draft(
        &b,
        "'Thanks Reza, I have checked: https://post.example/track?c=42'",
    )
    .await;
    b.screenshot("compose-chat-en").await;

    // The customer list's names open the customer's newest conversation with the panel.
    b.go(&format!("{}#/customers", base(&app))).await;
    b.click("#customer-rows .customer-name").await;
    b.until(
        "a conversation of theirs open",
        "location.hash.startsWith('#/inbox/') && document.querySelector('#customer-panel .handle')",
    )
    .await;
    b.go(&format!("{}#/inbox", base(&app))).await;
    b.until(
        "the empty state",
        "document.querySelector('#chat-pane .empty-state')",
    )
    .await;
    b.screenshot("compose-list-en").await;

    // Persian: the same views right to left, dates in the Solar Hijri calendar.
    b.eval("(() => { localStorage.setItem('pilito-box.lang', 'fa'); return 1; })()")
        .await;
    b.go(&format!("{}#/inbox/{conv}", base(&app))).await;
    b.client.refresh().await.unwrap();
    b.until("the history in Persian", "document.documentElement.dir === 'rtl' && document.querySelectorAll('#messages .msg').length >= 3").await;
    b.until(
        "دیروز",
        "[...document.querySelectorAll('#messages .day')].some((d) => d.textContent === 'دیروز')",
    )
    .await;
    b.until(
        "a Solar Hijri month for the old conversation",
        "(() => { const m = new Intl.DateTimeFormat('fa-IR', { month: 'short' }).format(new Date(Date.now() - 40 * 864e5)); \
           return /[آ-ی]/.test(m) && !/(نوامبر|دسامبر)/.test(m) && document.querySelector('#customer-conversations').textContent.includes(m); })()",
    )
    .await;
    set_draft(&b, "''").await;
    b.find("#compose").await.send_keys("/").await.unwrap();
    b.until(
        "the saved replies",
        "document.querySelectorAll('#saved-replies li[role=option]').length === 2",
    )
    .await;
    b.screenshot("compose-chat-fa").await;
    b.type_in("#compose", "\u{E00C}").await;
    b.type_in(
        "#customer-notes",
        "مشتری قدیمی؛ سفارش‌ها را با پست پیشتاز می‌فرستد",
    )
    .await;
    b.type_in("#customer-tag-add", "VIP\u{E007}").await;
    b.until("tagged", "[...document.querySelectorAll('#customer-panel .tag')].some((t) => t.textContent.startsWith('VIP'))").await;
    b.screenshot("compose-panel-fa").await;

    // On a narrow window the panel folds away until asked for.
    b.client.set_window_size(900, 800).await.unwrap();
    let shown = "getComputedStyle(document.querySelector('#customer-panel')).display !== 'none'";
    b.until("the panel folded", &format!("!({shown})")).await;
    b.find("#panel-toggle").await.click().await.unwrap();
    b.until("the panel shown on request", shown).await;
    b.quit().await;
}
