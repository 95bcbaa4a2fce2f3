//! The tray icon, drawn in code: a speech bubble whose colour says running, stopped or error.

use tray_icon::Icon;

const SIZE: u32 = 32;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Look {
    /// Green: serving.
    Running,
    /// Grey: stopped.
    Stopped,
    /// Red: the last start or run failed.
    Error,
}

/// The icon for `look`.
pub fn icon(look: Look) -> Option<Icon> {
    let [r, g, b] = match look {
        Look::Running => [31_u8, 111, 92],
        Look::Stopped => [128, 136, 142],
        Look::Error => [196, 58, 36],
    };
    let mut rgba = Vec::with_capacity((SIZE * SIZE * 4) as usize);
    for y in 0..SIZE {
        for x in 0..SIZE {
            let inside = bubble(f64::from(x) + 0.5, f64::from(y) + 0.5);
            let dot = [10.0, 16.0, 22.0]
                .iter()
                .any(|cx| (f64::from(x) + 0.5 - cx).hypot(f64::from(y) + 0.5 - 14.0) < 2.2);
            let px = match (inside, dot) {
                (true, true) => [255, 255, 255, 255],
                (true, false) => [r, g, b, 255],
                (false, _) => [0, 0, 0, 0],
            };
            rgba.extend_from_slice(&px);
        }
    }
    Icon::from_rgba(rgba, SIZE, SIZE).ok()
}

/// A rounded rectangle with a tail at the bottom left.
fn bubble(x: f64, y: f64) -> bool {
    let (left, right, top, bottom, radius) = (2.0, 30.0, 4.0, 24.0, 6.0);
    let cx = x.clamp(left + radius, right - radius);
    let cy = y.clamp(top + radius, bottom - radius);
    let body = (x - cx).hypot(y - cy) <= radius;
    let tail = y >= bottom - 1.0 && y <= 30.0 && x >= 7.0 && x <= 7.0 + (30.0 - y) * 0.9;
    body || tail
}
