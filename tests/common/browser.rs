//! Headless Chromium driven through chromedriver (Debian's `chromium` and `chromium-driver`,
//! installed here when missing and running as root; no browser download).

use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::wd::{Capabilities, WebDriverCompatibleCommand};
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{Value, json};
use warp::http::Method;

const CHROMIUM: &str = "/usr/bin/chromium";
const DRIVER: &str = "/usr/bin/chromedriver";

/// Makes sure Debian's Chromium and chromedriver are installed.
pub fn ensure_chromium() {
    super::system::ensure(&[CHROMIUM, DRIVER], &["chromium", "chromium-driver"]);
}

/// A chromedriver process and one browser session on it.
pub struct Browser {
    pub client: Client,
    driver: Child,
    _profile: tempfile::TempDir,
}

/// How a browser is started besides its size.
#[derive(Debug, Default)]
pub struct Launch {
    /// `HOME` for chromedriver and the browser, where Chromium finds its NSS certificate
    /// database (`.pki/nssdb`).
    pub home: Option<PathBuf>,
    /// More command-line switches.
    pub args: Vec<String>,
    /// A phone's viewport (CSS pixels) and user agent, emulated: headless Chromium's window
    /// is never narrower than 500 pixels.
    pub phone: Option<(u32, u32, &'static str)>,
    /// The browser's language (`--lang` and `Accept-Language`); `en-US` when `None`.
    pub lang: Option<String>,
}

impl Browser {
    /// Starts chromedriver and a headless Chromium of `width`×`height`.
    pub async fn start(width: u32, height: u32) -> Self {
        Self::launch(width, height, Launch::default()).await
    }

    /// [`Browser::start`] with a `HOME` and more switches.
    pub async fn launch(width: u32, height: u32, launch: Launch) -> Self {
        ensure_chromium();
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut driver = Command::new(DRIVER);
        if let Some(home) = &launch.home {
            driver.env("HOME", home);
        }
        let driver = driver
            .process_group(0)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let profile = tempfile::tempdir().unwrap();
        let size = format!("--window-size={width},{height}");
        let data = format!("--user-data-dir={}", profile.path().display());
        let lang = format!("--lang={}", launch.lang.as_deref().unwrap_or("en-US"));
        let mut args = vec![
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            &lang,
            &size,
            &data,
        ];
        args.extend(launch.args.iter().map(String::as_str));
        let mut caps = Capabilities::new();
        let accept = launch.lang.as_deref().unwrap_or("en-US");
        let mut options = json!({"binary": CHROMIUM, "args": args,
                                 "prefs": {"intl.accept_languages": accept}});
        if let Some((width, height, agent)) = launch.phone {
            options["mobileEmulation"] = json!({
                "deviceMetrics": {"width": width, "height": height, "pixelRatio": 1.0, "touch": true, "mobile": true},
                "userAgent": agent,
            });
        }
        caps.insert("goog:chromeOptions".into(), options);
        let url = format!("http://127.0.0.1:{port}");
        let mut last = None;
        for _ in 0..100 {
            match ClientBuilder::new(HttpConnector::new())
                .capabilities(caps.clone())
                .connect(&url)
                .await
            {
                Ok(client) => {
                    return Self {
                        client,
                        driver,
                        _profile: profile,
                    };
                }
                Err(e) => last = Some(e),
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("chromedriver did not start: {last:?}");
    }

    /// Presses `keys` together (modifiers first), as a person would.
    pub async fn press(&self, keys: &[char]) {
        let mut actions = KeyActions::new("keyboard".into());
        for &k in keys {
            actions = actions.then(KeyAction::Down { value: k });
        }
        for &k in keys.iter().rev() {
            actions = actions.then(KeyAction::Up { value: k });
        }
        self.client.perform_actions(actions).await.unwrap();
    }

    /// Opens `url` and waits for it to load.
    pub async fn go(&self, url: &str) {
        self.client.goto(url).await.unwrap();
    }

    /// Types `text` into the element matching `css` once it appears.
    pub async fn type_in(&self, css: &str, text: &str) {
        self.find(css).await.send_keys(text).await.unwrap();
    }

    /// Clicks the element matching `css` once it appears.
    pub async fn click(&self, css: &str) {
        self.find(css).await.click().await.unwrap();
    }

    /// Waits (up to 10 s) for an element matching `css`.
    pub async fn find(&self, css: &str) -> fantoccini::elements::Element {
        self.client
            .wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css} did not appear: {e}"))
    }

    /// Waits (up to 10 s) until `script` (a JS expression) is truthy.
    pub async fn until(&self, what: &str, script: &str) {
        let body = format!("return Boolean({script});");
        for _ in 0..100 {
            if self
                .client
                .execute(&body, vec![])
                .await
                .ok()
                .and_then(|v| v.as_bool())
                == Some(true)
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let page = self
            .client
            .execute(
                "return (document.querySelector('.content') || document.body).outerHTML",
                vec![],
            )
            .await
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        panic!(
            "timed out waiting for {what}; page:\n{}",
            &page[..page.len().min(4000)]
        );
    }

    /// Evaluates a JS expression.
    pub async fn eval(&self, script: &str) -> serde_json::Value {
        self.client
            .execute(&format!("return {script};"), vec![])
            .await
            .unwrap()
    }

    /// Runs a Chrome automation-protocol (CDP) command (chromedriver's `goog/cdp/execute`), e.g.
    /// `Browser.grantPermissions`; returns its result.
    pub async fn cdp(&self, cmd: &str, params: Value) -> Value {
        self.client
            .issue_cmd(Cdp {
                cmd: cmd.to_owned(),
                params,
            })
            .await
            .unwrap_or_else(|e| panic!("{cmd}: {e}"))
    }

    /// Saves a screenshot to `target/screenshots/<name>.png` and returns its path.
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, self.client.screenshot().await.unwrap()).unwrap();
        path
    }

    /// Opens the agent page, signs in and waits for the inbox; an admin whom the sign-in took to
    /// the setup checklist (an unfinished one) goes on to the inbox.
    pub async fn sign_in(&self, base: &str, name: &str, password: &str) {
        self.client.goto(base).await.unwrap();
        self.find("#signin input[name=username]")
            .await
            .send_keys(name)
            .await
            .unwrap();
        self.find("#signin input[name=password]")
            .await
            .send_keys(password)
            .await
            .unwrap();
        self.find("#signin button[type=submit]")
            .await
            .click()
            .await
            .unwrap();
        self.until(
            "the inbox or the setup checklist",
            "document.querySelector('#conversation-list, #setup-page')",
        )
        .await;
        if self.eval("location.hash").await == "#/setup" {
            self.client.goto(&format!("{base}#/inbox")).await.unwrap();
        }
        self.find("#conversation-list").await;
    }

    /// Waits for the invite dialog, opened by a click, to draw its QR code; returns the link
    /// it shows.
    pub async fn invite_link(&self) -> String {
        self.find("#invite-dialog[open]").await;
        self.until(
            "the QR code drawn",
            "document.querySelector('.invite-qr').complete && document.querySelector('.invite-qr').naturalWidth > 0",
        )
        .await;
        let link = self
            .eval("document.querySelector('.invite-link').value")
            .await;
        link.as_str().expect("the link").to_owned()
    }

    /// Ends the session, then chromedriver and the browser (in `Drop`).
    pub async fn quit(self) {
        let _ = self.client.clone().close().await;
    }
}

impl Drop for Browser {
    /// chromedriver leads its own process group, and the browser it started is in it: killing
    /// the group ends both, also when a test fails before `quit` (no Chromium left running).
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-s", "KILL", "--", &format!("-{}", self.driver.id())])
            .status();
        let _ = self.driver.wait();
    }
}

/// A CDP command sent through chromedriver.
#[derive(Debug)]
struct Cdp {
    cmd: String,
    params: Value,
}

impl WebDriverCompatibleCommand for Cdp {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/goog/cdp/execute",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (Method, Option<String>) {
        let body = json!({"cmd": self.cmd, "params": self.params});
        (Method::POST, Some(body.to_string()))
    }
}
