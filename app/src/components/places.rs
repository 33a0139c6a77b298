//! The live places counter on every page that shows places: "12 places left", "1 place left",
//! "Full — you can still apply and join the waiting list". The figures are right in the
//! server-rendered page; after hydration they follow the server's event stream, and changes
//! are announced to screen readers politely, at most once every 10 seconds per cohort (the
//! change to full is announced at once).

use crate::functions::places::get_places;
use crate::models::{PlacesFigure, PlacesSnapshot};
use leptos::prelude::*;
use std::time::Duration;

/// The least time between two announcements for one cohort.
const ANNOUNCE_EVERY: Duration = Duration::from_secs(10);

/// The words for a number of places remaining.
pub fn places_text(remaining: i64) -> String {
    match remaining {
        i64::MIN..=0 => "Full — you can still apply and join the waiting list".into(),
        1 => "1 place left".into(),
        n => format!("{n} places left"),
    }
}

/// "January" for the intake "2027-01".
pub fn intake_month(intake: &str) -> Option<&'static str> {
    let month: usize = intake.split_once('-')?.1.parse().ok()?;
    crate::domain::clock_words::MONTHS.get(month.checked_sub(1)?).copied()
}

/// The live figures after hydration, shared by every counter on the page. Reference-counted
/// signals: they belong to the page, not to any one island.
#[derive(Clone, Debug)]
pub struct LiveFigures {
    /// The latest snapshot from the event stream (none before it connects).
    pub places: ArcRwSignal<Option<PlacesSnapshot>>,
    /// Grows whenever anything changed: status pages refresh their queue position.
    pub queue_version: ArcRwSignal<u64>,
}

impl LiveFigures {
    /// A cohort's places as last heard, if heard.
    pub fn remaining(&self, cohort_id: i64) -> Option<i64> {
        self.places
            .with(|p| p.as_ref().and_then(|s| s.cohorts.iter().find(|c| c.id == cohort_id)).map(|c| c.places_remaining))
    }
}

/// The page's live figures, in the browser: made on first use (which connects to
/// `/api/v1/events`) and shared by every island on the page. None while rendering on the
/// server. The browser reconnects by itself after a dropped connection; the server sends the
/// current figures first on every connection, so a page never keeps a stale number.
pub fn live_figures() -> Option<LiveFigures> {
    #[cfg(feature = "hydrate")]
    {
        thread_local! {
            static LIVE: std::cell::OnceCell<LiveFigures> = const { std::cell::OnceCell::new() };
        }
        Some(LIVE.with(|cell| {
            cell.get_or_init(|| {
                let live = LiveFigures { places: ArcRwSignal::new(None), queue_version: ArcRwSignal::new(0) };
                connect(live.clone());
                live
            })
            .clone()
        }))
    }
    #[cfg(not(feature = "hydrate"))]
    None
}

#[cfg(feature = "hydrate")]
fn connect(live: LiveFigures) {
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;
    let Ok(source) = web_sys::EventSource::new("/api/v1/events") else { return };
    let (places, queue_version) = (live.places, live.queue_version);
    let on_places = Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
        if let Some(snapshot) =
            event.data().as_string().and_then(|text| serde_json::from_str::<PlacesSnapshot>(&text).ok())
        {
            places.set(Some(snapshot));
        }
    });
    let on_queue = Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
        if let Some(version) = event.data().as_string().and_then(|text| text.parse::<u64>().ok()) {
            queue_version.set(version);
        }
    });
    let _ = source.add_event_listener_with_callback("places", on_places.as_ref().unchecked_ref());
    let _ = source.add_event_listener_with_callback("queue", on_queue.as_ref().unchecked_ref());
    // The page keeps the stream for as long as it is open.
    on_places.forget();
    on_queue.forget();
    std::mem::forget(source);
}

/// A counter that grows (at most every `wait`) after the event stream says something changed:
/// a page puts it in its resource's source to refresh itself.
pub fn use_live_refresh(wait: Duration) -> RwSignal<u64> {
    let refresh = RwSignal::new(0u64);
    if let Some(live) = live_figures() {
        let pending = StoredValue::new(false);
        Effect::new(move |previous: Option<u64>| {
            let version = live.queue_version.get();
            if previous.is_some_and(|p| p != version) && !pending.get_value() {
                pending.set_value(true);
                set_timeout(
                    move || {
                        pending.set_value(false);
                        refresh.update(|n| *n += 1);
                    },
                    wait,
                );
            }
            version
        });
    }
    refresh
}

/// A cohort's places remaining as a badge, live after hydration, with rate-limited
/// announcements in a polite live region.
#[component]
pub fn PlacesLeft(cohort_id: i64, #[prop(into)] name: String, initial: i64) -> impl IntoView {
    let live = live_figures();
    let remaining = Signal::derive(move || live.as_ref().and_then(|l| l.remaining(cohort_id)).unwrap_or(initial));
    let announcement = RwSignal::new(String::new());
    let last_said = StoredValue::new(f64::MIN);
    let pending = StoredValue::new(false);
    let name = StoredValue::new(name);
    let say = move |value: i64| {
        last_said.set_value(js_sys::Date::now());
        let name = name.get_value();
        let message = if value <= 0 {
            format!("{name} is now full. You can still apply and join the waiting list.")
        } else {
            format!("{name}: {}", places_text(value))
        };
        announcement.set(message);
    };
    Effect::new(move |previous: Option<i64>| {
        let value = remaining.get();
        if previous.is_some_and(|p| p != value) {
            let since = js_sys::Date::now() - last_said.get_value();
            let wait = ANNOUNCE_EVERY.as_millis() as f64 - since;
            if value <= 0 || wait <= 0.0 {
                say(value);
            } else if !pending.get_value() {
                pending.set_value(true);
                set_timeout(
                    move || {
                        pending.set_value(false);
                        say(remaining.get_untracked());
                    },
                    Duration::from_millis(wait as u64),
                );
            }
        }
        value
    });
    view! {
        <span class="places-left" data-cohort=cohort_id>
            <strong
                class="places"
                class:places--full=move || remaining.get() <= 0
                class:places--few=move || (1..=3).contains(&remaining.get())
            >
                {move || places_text(remaining.get())}
            </strong>
            <span class="visually-hidden" role="status">{move || announcement.get()}</span>
        </span>
    }
}

/// "Places on January courses": every open cohort with its live figure. Loads the figures on
/// the server; the list itself is an island that follows the event stream.
#[component]
pub fn PlacesPanel(#[prop(default = 2)] heading_level: u8) -> impl IntoView {
    let figures = Resource::new(|| (), |_| get_places());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let cohorts: Vec<PlacesFigure> =
                    figures.await.unwrap_or_default().into_iter().filter(|c| c.status == crate::models::CohortStatus::Open).collect();
                (!cohorts.is_empty()).then(|| view! { <LivePlaces cohorts heading_level /> })
            })}
        </Suspense>
    }
}

#[cfg_attr(any(bundle = "site", bundle = "tasters"), island)]
#[cfg_attr(not(any(bundle = "site", bundle = "tasters")), component)]
fn LivePlaces(cohorts: Vec<PlacesFigure>, heading_level: u8) -> impl IntoView {
    let live = live_figures();
    // Marks the panel once the event stream has delivered figures: they are live from then on.
    let connected = move || live.as_ref().is_some_and(|l| l.places.with(Option::is_some)).then_some("on");
    let month = cohorts.first().and_then(|c| intake_month(&c.intake)).unwrap_or("the next");
    let title = format!("Places on {month} courses");
    let heading = if heading_level == 3 {
        view! { <h3 id="places-heading" class="places-panel__title">{title}</h3> }.into_any()
    } else {
        view! { <h2 id="places-heading" class="places-panel__title">{title}</h2> }.into_any()
    };
    view! {
        <section class="places-panel" aria-labelledby="places-heading" data-live=connected>
            {heading}
            <ul class="places-panel__list">
                {cohorts
                    .into_iter()
                    .map(|c| {
                        view! {
                            <li>
                                <span class="places-panel__name">{c.name.clone()}</span>
                                <PlacesLeft cohort_id=c.id name=c.name initial=c.places_remaining />
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
            <p class="places-panel__note">"Places go first come, first served to people who have joined a taster session and applied."</p>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_are_counted_in_plain_words() {
        assert_eq!(places_text(12), "12 places left");
        assert_eq!(places_text(1), "1 place left");
        assert_eq!(places_text(0), "Full — you can still apply and join the waiting list");
    }

    #[test]
    fn an_intake_names_its_month() {
        assert_eq!(intake_month("2027-01"), Some("January"));
        assert_eq!(intake_month("2027-13"), None);
        assert_eq!(intake_month("race"), None);
    }
}
