//! A taster session in full: when (UK time, and the viewer's own time when it differs), where
//! it is in its life by the clock (upcoming → starting soon → live now → ended), the Zoom
//! details with copy buttons, and calendar links.

use crate::components::clock::use_enhanced;
use crate::domain::calendar::{phase, Phase};
use crate::domain::clock_words::format_range;
use crate::models::{TasterSession, TasterStatus};
use chrono::{DateTime, Datelike, Timelike, Utc};
use leptos::prelude::*;

/// The words of a session's calendar entry.
pub fn calendar_title() -> &'static str {
    "Compassionate leadership taster session (free, on Zoom)"
}

/// The Google Calendar and Outlook links for a session.
pub fn calendar_links(t: &TasterSession) -> (String, String) {
    let details = format!(
        "Free taster session. No need to book, just turn up.\nJoin on Zoom: {}\nMeeting ID: {}\nPasscode: {}",
        t.zoom_url, t.meeting_id, t.passcode
    );
    // Written out by hand: no date formatter in the browser.
    let compact = |d: DateTime<Utc>| {
        format!("{:04}{:02}{:02}T{:02}{:02}{:02}Z", d.year(), d.month(), d.day(), d.hour(), d.minute(), d.second())
    };
    let iso = |d: DateTime<Utc>| {
        format!("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", d.year(), d.month(), d.day(), d.hour(), d.minute(), d.second())
    };
    let google = form_urlencoded::Serializer::new(String::new())
        .append_pair("action", "TEMPLATE")
        .append_pair("text", calendar_title())
        .append_pair("dates", &format!("{}/{}", compact(t.starts_at), compact(t.ends_at)))
        .append_pair("details", &details)
        .append_pair("location", &t.zoom_url)
        .finish();
    let outlook = form_urlencoded::Serializer::new(String::new())
        .append_pair("path", "/calendar/action/compose")
        .append_pair("rru", "addevent")
        .append_pair("subject", calendar_title())
        .append_pair("startdt", &iso(t.starts_at))
        .append_pair("enddt", &iso(t.ends_at))
        .append_pair("body", &details)
        .append_pair("location", &t.zoom_url)
        .finish();
    (
        format!("https://calendar.google.com/calendar/render?{google}"),
        format!("https://outlook.office.com/calendar/0/deeplink/compose?{outlook}"),
    )
}

/// The viewer's own time for the session, when their time zone differs from the UK's at that
/// moment: "Wednesday 2 December 2026, 5pm to 6pm (Europe/Paris)". Browser only.
fn local_time(t: &TasterSession) -> Option<String> {
    use wasm_bindgen::JsValue;
    let local = |instant: DateTime<Utc>| {
        let date = js_sys::Date::new(&JsValue::from_f64(instant.timestamp_millis() as f64));
        let day = chrono::NaiveDate::from_ymd_opt(date.get_full_year() as i32, date.get_month() + 1, date.get_date())?;
        let time = chrono::NaiveTime::from_hms_opt(date.get_hours(), date.get_minutes(), 0)?;
        Some((day.and_time(time), -(date.get_timezone_offset() as i32)))
    };
    let (start, offset) = local(t.starts_at)?;
    let (end, _) = local(t.ends_at)?;
    if offset == t.uk_offset_minutes {
        return None;
    }
    let options = js_sys::Intl::DateTimeFormat::new(&js_sys::Array::new(), &js_sys::Object::new()).resolved_options();
    let zone = js_sys::Reflect::get(&options, &JsValue::from_str("timeZone")).ok().and_then(|z| z.as_string());
    Some(match zone {
        Some(zone) => format!("{} ({zone})", format_range(start, end)),
        None => format_range(start, end),
    })
}

/// A session's details; `heading_level` is 2 on its own page, 3 or 4 inside a list.
#[component]
pub fn TasterDetails(
    taster: TasterSession,
    #[prop(into)] now: Signal<DateTime<Utc>>,
    #[prop(default = 3)] heading_level: u8,
    #[prop(default = true)] page_link: bool,
) -> impl IntoView {
    let enhanced = use_enhanced();
    let local = RwSignal::new(None::<String>);
    {
        let t = taster.clone();
        Effect::new(move |_| local.set(local_time(&t)));
    }
    let cancelled = taster.status == TasterStatus::Cancelled;
    let (starts, ends) = (taster.starts_at, taster.ends_at);
    let current = Signal::derive(move || phase(now.get(), starts, ends));
    let (google, outlook) = calendar_links(&taster);
    let id = taster.id;
    let heading = taster.when_uk.clone();
    let title = match heading_level {
        2 => view! { <h2 class="taster__title">{heading}</h2> }.into_any(),
        3 => view! { <h3 class="taster__title">{heading}</h3> }.into_any(),
        _ => view! { <h4 class="taster__title">{heading}</h4> }.into_any(),
    };
    let badge = move || {
        let (class, text) = match (cancelled, current.get()) {
            (true, _) => ("tag tag--grey", "Cancelled"),
            (false, Phase::Upcoming) => ("tag tag--blue", "Upcoming"),
            (false, Phase::StartingSoon) => ("tag tag--green", "Starting soon"),
            (false, Phase::LiveNow) => ("tag tag--green", "Live now"),
            (false, Phase::Ended) => ("tag tag--grey", "Ended"),
        };
        view! { <strong class=class>{text}</strong> }
    };
    let open = move || !cancelled && current.get() != Phase::Ended;
    let join_now = move || matches!(current.get(), Phase::StartingSoon | Phase::LiveNow);
    let zoom_url = taster.zoom_url.clone();
    let meeting_id = taster.meeting_id.clone();
    let passcode = taster.passcode.clone();

    view! {
        <article
            class="card taster"
            class:taster--past=move || current.get() == Phase::Ended
            class:taster--cancelled=cancelled
            data-phase=move || current.get().as_str()
        >
            {title}
            <p class="taster__status" role="status">{badge}</p>
            {move || local.get().map(|text| view! { <p class="taster__local">"In your time zone: " {text}</p> })}
            {cancelled.then(|| view! { <p>"This session is cancelled. Choose another session."</p> })}
            {move || {
                open()
                    .then(|| {
                        let zoom_url = zoom_url.clone();
                        let meeting_id = meeting_id.clone();
                        let passcode = passcode.clone();
                        view! {
                            <p class="taster__free">"Free · no need to book, just turn up"</p>
                            <p>
                                <a
                                    class="button"
                                    class:button--secondary=move || !join_now()
                                    class:button--large=join_now
                                    href=zoom_url
                                    rel="noopener"
                                >
                                    "Join on Zoom"
                                </a>
                            </p>
                            <dl class="taster__zoom">
                                <div>
                                    <dt>"Meeting ID"</dt>
                                    <dd>
                                        <span class="taster__code">{meeting_id.clone()}</span>
                                        <CopyButton text=meeting_id.clone() label="Copy meeting ID" enhanced />
                                    </dd>
                                </div>
                                <div>
                                    <dt>"Passcode"</dt>
                                    <dd>
                                        <span class="taster__code">{passcode.clone()}</span>
                                        <CopyButton text=passcode.clone() label="Copy passcode" enhanced />
                                    </dd>
                                </div>
                            </dl>
                        }
                    })
            }}
            {move || {
                (!cancelled && current.get() == Phase::Ended)
                    .then(|| {
                        view! {
                            <p>"This session has ended. If you joined it, complete the joining form to apply for a place."</p>
                            <p><a class="button" href="/join">"Complete the joining form"</a></p>
                        }
                    })
            }}
            {move || {
                open()
                    .then(|| {
                        let (google, outlook) = (google.clone(), outlook.clone());
                        view! {
                            <details class="details taster__calendar">
                                <summary>"Add to your calendar"</summary>
                                <ul class="link-list">
                                    <li><a href=format!("/tasters/{id}.ics") download=format!("taster-session-{id}.ics")>"Download a calendar file (.ics)"</a></li>
                                    <li><a href=google rel="noopener">"Add to Google Calendar"</a></li>
                                    <li><a href=outlook rel="noopener">"Add to Outlook"</a></li>
                                </ul>
                            </details>
                        }
                    })
            }}
            {page_link.then(|| view! { <p class="taster__page-link"><a class="link-standalone" href=format!("/tasters/{id}")>"Session page"<span class="visually-hidden">{format!(" for {}", taster.when_uk)}</span></a></p> })}
        </article>
    }
}

/// A button that copies `text`, shown only once JavaScript runs.
#[component]
fn CopyButton(text: String, label: &'static str, enhanced: ReadSignal<bool>) -> impl IntoView {
    let copied = RwSignal::new(false);
    move || {
        let text = text.clone();
        enhanced.get().then(|| {
            view! {
                <button
                    type="button"
                    class="button button--secondary button--small"
                    on:click=move |_| {
                        let _ = window().navigator().clipboard().write_text(&text);
                        copied.set(true);
                    }
                >
                    {label}
                </button>
                <span class="copy-done" role="status">{move || if copied.get() { "Copied" } else { "" }}</span>
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn session() -> TasterSession {
        let start = Utc.with_ymd_and_hms(2026, 12, 2, 16, 0, 0).unwrap();
        TasterSession {
            id: 7,
            starts_at: start,
            ends_at: start + chrono::Duration::hours(1),
            uk_day: start.date_naive(),
            when_uk: "Wednesday 2 December 2026, 4pm to 5pm".into(),
            uk_offset_minutes: 0,
            zoom_url: "https://zoom.us/j/91273431323?pwd=abc".into(),
            meeting_id: "912 7343 1323".into(),
            passcode: "114640".into(),
            status: TasterStatus::Scheduled,
            updated_at: start,
        }
    }

    #[test]
    fn calendar_links_carry_the_times_and_the_zoom_details_encoded() {
        let (google, outlook) = calendar_links(&session());
        assert!(google.contains("dates=20261202T160000Z%2F20261202T170000Z"), "{google}");
        assert!(google.contains("Passcode%3A+114640"), "{google}");
        assert!(outlook.contains("startdt=2026-12-02T16%3A00%3A00Z"), "{outlook}");
    }
}
