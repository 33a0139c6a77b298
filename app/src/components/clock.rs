//! The clock a page follows: it starts at the server's time (so hydration sees exactly what
//! the server rendered), then follows the browser's clock every 15 seconds.

use chrono::{DateTime, Utc};
use leptos::prelude::*;

/// A signal of "now" that ticks in the browser after hydration.
pub fn use_clock(server_now: DateTime<Utc>) -> Signal<DateTime<Utc>> {
    let now = RwSignal::new(server_now);
    Effect::new(move |_| {
        let browser_now = || DateTime::<Utc>::from_timestamp_millis(js_sys::Date::now() as i64);
        if let Some(t) = browser_now() {
            now.set(t);
        }
        let tick = set_interval_with_handle(
            move || {
                if let Some(t) = browser_now() {
                    now.set(t);
                }
            },
            std::time::Duration::from_secs(15),
        );
        if let Ok(handle) = tick {
            on_cleanup(move || handle.clear());
        }
    });
    now.into()
}

/// False while server-rendered; true once the wasm runs. Controls that need JavaScript (copy
/// buttons, roving focus) appear only then.
pub fn use_enhanced() -> ReadSignal<bool> {
    let (enhanced, set_enhanced) = signal(false);
    Effect::new(move |_| set_enhanced.set(true));
    enhanced
}
