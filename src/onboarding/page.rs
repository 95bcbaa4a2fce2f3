//! The onboarding page's HTML, filled from `assets/connect/` with the addresses and the
//! authority's fingerprint, the visitor's own system opened first; and the QR code, an SVG. No
//! script and no inline style, so it passes [`CSP`].

use qrcode::QrCode;
use qrcode::render::svg;

/// The page's content security policy: its own stylesheet and images, nothing else.
pub const CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; \
                       form-action 'none'; frame-ancestors 'none'";

const PAGE: &str = include_str!("../../assets/connect/page.html");
const TRUST: &str = include_str!("../../assets/connect/trust.html");

/// The systems the trust steps cover, by the id their `<details>` block has in `trust.html`.
const SYSTEMS: &[&str] = &["windows", "macos", "ios", "android", "linux", "firefox"];

/// What the page says.
pub struct View {
    /// The address agents open.
    pub address: String,
    /// The same under the host's `.local` name.
    pub local: String,
    /// This page's own address, which the QR code holds.
    pub page: String,
    pub host: String,
    /// The server listens on a loopback address, unreachable from other devices.
    pub loopback_only: bool,
    pub trust: Trust,
}

/// What a device must trust.
pub enum Trust {
    /// TLS is off: nothing.
    Off,
    /// The business's own certificate (`tls.cert_file`): whatever issued it.
    Own,
    /// The local authority, with its fingerprint.
    Authority(String),
}

/// The page for `view`, the trust steps of the system `agent` names opened.
#[must_use]
pub fn render(view: &View, agent: Option<&str>) -> String {
    let notice = if view.loopback_only {
        "<p class=\"notice\">pilito-box listens on this computer only, so other devices cannot \
         reach it: set <code>bind = \"0.0.0.0:8765\"</code> in its configuration and restart it.</p>"
    } else {
        ""
    };
    let steps = match &view.trust {
        Trust::Authority(fingerprint) => {
            // Lines may break after a colon, never inside a byte.
            let fingerprint = escape(fingerprint).replace(':', ":<wbr>");
            let mut steps = TRUST.replace("{{fingerprint}}", &fingerprint);
            let open = systems(agent.unwrap_or(""));
            for system in SYSTEMS {
                let attribute = if open.contains(system) { " open" } else { "" };
                steps = steps.replace(&format!("{{{{open_{system}}}}}"), attribute);
            }
            steps
        }
        Trust::Own => "<section class=\"card\"><h2>Open the address</h2><p>This server uses the \
             business's own certificate (<code>tls.cert_file</code>): a device that trusts its \
             issuer needs nothing more. <a class=\"button\" href=\"{{address}}\">Open \
             pilito-box</a></p></section>"
            .to_owned(),
        Trust::Off => "<section class=\"card\"><h2>Open the address</h2><p>HTTPS is off on this \
             server (<code>tls.mode</code>), so there is no certificate to trust; browsers \
             withhold notifications from it. <a class=\"button\" href=\"{{address}}\">Open \
             pilito-box</a></p></section>"
            .to_owned(),
    };
    let also = format!(
        "Or {} on devices that find <span class=\"mono\">.local</span> names.",
        link(&view.local)
    );
    PAGE.replace("{{steps}}", &steps)
        .replace("{{notice}}", notice)
        .replace("{{also}}", &also)
        .replace("{{address}}", &escape(&view.address))
        .replace("{{page}}", &escape(&view.page))
        .replace("{{host}}", &escape(&view.host))
}

/// The QR code of `text` as an SVG image.
#[must_use]
pub fn qr_svg(text: &str) -> String {
    match QrCode::new(text.as_bytes()) {
        Ok(code) => code
            .render::<svg::Color<'_>>()
            .min_dimensions(176, 176)
            .quiet_zone(true)
            .build(),
        Err(e) => {
            // The text may hold a secret (an invite's code): only its length is logged.
            tracing::warn!("cannot draw a QR code of {} bytes: {e}", text.len());
            String::from("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"1\" height=\"1\"/>")
        }
    }
}

/// The systems whose steps a browser sending `agent` needs.
fn systems(agent: &str) -> Vec<&'static str> {
    let mut found = Vec::new();
    if agent.contains("iPhone") || agent.contains("iPad") {
        found.push("ios");
    } else if agent.contains("Android") {
        found.push("android");
    } else if agent.contains("Windows") {
        found.push("windows");
    } else if agent.contains("Macintosh") {
        found.push("macos");
    } else if agent.contains("Linux") || agent.contains("CrOS") {
        found.push("linux");
    }
    if agent.contains("Firefox/") {
        found.push("firefox");
    }
    found
}

fn link(url: &str) -> String {
    let url = escape(url);
    format!("<a href=\"{url}\">{url}</a>")
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view(trust: Trust) -> View {
        View {
            address: "https://192.168.1.5:8765/".into(),
            local: "https://office-pc.local:8765/".into(),
            page: "http://192.168.1.5:8765/connect".into(),
            host: "office-pc".into(),
            loopback_only: false,
            trust,
        }
    }

    #[test]
    fn the_page_fills_every_placeholder_and_opens_the_visitors_system() {
        let iphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Safari/604.1";
        let html = render(&view(Trust::Authority("AB:CD".into())), Some(iphone));
        assert!(!html.contains("{{"), "a placeholder is left");
        assert!(html.contains("<details open>\n<summary>iPhone"));
        assert!(html.contains("<details>\n<summary>Windows"));
        assert!(html.contains("AB:<wbr>CD") && html.contains("https://office-pc.local:8765/"));
        assert!(!html.contains("style=") && !html.contains("<script"));
        let off = render(&view(Trust::Off), None);
        assert!(!off.contains("{{") && !off.contains("/ca.crt"));
        assert_eq!(
            systems("Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Firefox/128.0"),
            ["linux", "firefox"]
        );
    }

    #[test]
    fn the_qr_code_is_an_svg() {
        let svg = qr_svg("http://192.168.1.5:8765/connect");
        assert!(svg.contains("<svg") && svg.contains("<path"));
    }
}
