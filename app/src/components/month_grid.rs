//! The taster calendar's month grid, in the WAI-ARIA date grid pattern: one tab stop, arrow
//! keys move a day or a week, Home/End to the ends of the week, Page Up/Down a month (with
//! Shift a year), Enter or Space chooses the day. Without JavaScript the months and the days
//! with sessions are plain links, so the grid still works.

use crate::components::clock::use_enhanced;
use crate::domain::calendar::{add_months, first_of_month, month_key, month_title, month_weeks, GridKey};
use crate::domain::clock_words::format_date;
use crate::models::{TasterSession, TasterStatus};
use chrono::{Datelike, NaiveDate};
use leptos::prelude::*;

/// The address of the calendar showing `month`, with `day` chosen.
pub fn calendar_href(month: NaiveDate, day: Option<NaiveDate>) -> String {
    match day {
        Some(day) => format!("/tasters?month={}&day={day}#day-sessions", month_key(month)),
        None => format!("/tasters?month={}", month_key(month)),
    }
}

/// Keeps the address bar in step with the calendar (so it can be shared), without a page load.
pub fn replace_address(month: NaiveDate, day: Option<NaiveDate>) {
    let url = calendar_href(month, day).replace("#day-sessions", "");
    if let Ok(history) = window().history() {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
    }
}

/// Moves focus to the element with `id` after the browser has drawn the latest changes.
pub fn focus_later(selector: String) {
    request_animation_frame(move || {
        if let Ok(Some(element)) = document().query_selector(&selector) {
            use wasm_bindgen::JsCast;
            if let Ok(element) = element.dyn_into::<web_sys::HtmlElement>() {
                let _ = element.focus();
            }
        }
    });
}

/// The month grid. `month`, `focus` and `selected` are shared with the rest of the page.
#[component]
pub fn MonthGrid(
    sessions: StoredValue<Vec<TasterSession>>,
    today: NaiveDate,
    month: RwSignal<NaiveDate>,
    focus: RwSignal<NaiveDate>,
    selected: RwSignal<Option<NaiveDate>>,
) -> impl IntoView {
    let enhanced = use_enhanced();
    let choose = move |day: NaiveDate| {
        selected.set(Some(day));
        focus.set(day);
        month.set(first_of_month(day));
        replace_address(first_of_month(day), Some(day));
        focus_later("#day-sessions-title".into());
    };
    let go_to_month = move |target: NaiveDate| {
        let day = focus.get_untracked();
        let same_day = first_of_month(target).with_day(day.day()).unwrap_or_else(|| add_months(day, 0));
        let landing =
            if first_of_month(same_day) == first_of_month(target) { same_day } else { first_of_month(target) };
        month.set(first_of_month(target));
        focus.set(landing);
        replace_address(first_of_month(target), None);
    };
    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        let key = ev.key();
        if let Some(grid_key) = GridKey::from_key(&key, ev.shift_key()) {
            ev.prevent_default();
            let next = grid_key.move_from(focus.get_untracked());
            focus.set(next);
            if first_of_month(next) != month.get_untracked() {
                month.set(first_of_month(next));
                replace_address(first_of_month(next), None);
            }
            focus_later(format!("td[data-date='{next}']"));
        } else if key == "Enter" || key == " " {
            ev.prevent_default();
            choose(focus.get_untracked());
        }
    };
    let nav_link = move |step: i32, label: &'static str| {
        let target = move || add_months(month.get(), step);
        view! {
            <a
                class="button button--secondary button--small calendar__nav-link"
                href=move || calendar_href(target(), None)
                on:click=move |ev| {
                    ev.prevent_default();
                    go_to_month(target());
                }
            >
                {(step < 0).then(|| view! { <span aria-hidden="true">"‹"</span> })}
                <span class="calendar__nav-text">
                    {label}
                    <span class="visually-hidden">{move || format!(": {}", month_title(target()))}</span>
                </span>
                {(step > 0).then(|| view! { <span aria-hidden="true">"›"</span> })}
            </a>
        }
    };

    view! {
        <div class="calendar">
            <div class="calendar__nav">
                {nav_link(-1, "Previous month")}
                <h3 id="calendar-month" class="calendar__title" aria-live="polite">
                    {move || month_title(month.get())}
                </h3>
                {nav_link(1, "Next month")}
            </div>
            <table class="calendar__grid" role="grid" aria-labelledby="calendar-month" on:keydown=on_keydown>
                <thead>
                    <tr>
                        {["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
                            .into_iter()
                            .map(|name| view! { <th scope="col" abbr=name>{&name[..3]}</th> })
                            .collect_view()}
                    </tr>
                </thead>
                <tbody>
                    {move || {
                        month_weeks(month.get())
                            .into_iter()
                            .map(|week| {
                                view! {
                                    <tr>
                                        {week
                                            .into_iter()
                                            .map(|day| {
                                                view! { <DayCell day sessions today month focus selected enhanced choose /> }
                                            })
                                            .collect_view()}
                                    </tr>
                                }
                            })
                            .collect_view()
                    }}
                </tbody>
            </table>
            <p class="hint calendar__keys">
                "Days with a dot have a taster session. In the calendar, use the arrow keys to move between days and Enter to choose one."
            </p>
        </div>
    }
}

#[component]
fn DayCell(
    day: NaiveDate,
    sessions: StoredValue<Vec<TasterSession>>,
    today: NaiveDate,
    month: RwSignal<NaiveDate>,
    focus: RwSignal<NaiveDate>,
    selected: RwSignal<Option<NaiveDate>>,
    enhanced: ReadSignal<bool>,
    choose: impl Fn(NaiveDate) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let on_day: Vec<TasterSession> =
        sessions.with_value(|all| all.iter().filter(|s| s.uk_day == day).cloned().collect());
    let count = on_day.len();
    let all_cancelled = count > 0 && on_day.iter().all(|s| s.status == TasterStatus::Cancelled);
    let in_month = move || first_of_month(day) == month.get();
    let label = match (count, all_cancelled) {
        (0, _) => format_date(day),
        (_, true) => format!("{}, cancelled taster session", format_date(day)),
        (1, _) => format!("{}, 1 taster session", format_date(day)),
        (n, _) => format!("{}, {n} taster sessions", format_date(day)),
    };
    let number = view! {
        <span class="calendar__number" aria-hidden="true">{day.day()}</span>
        <span class="visually-hidden">{label}</span>
        {(count > 0).then(|| view! { <span class="calendar__dot" aria-hidden="true"></span> })}
    };
    let content = if count > 0 {
        view! {
            <a
                class="calendar__link"
                href=calendar_href(first_of_month(day), Some(day))
                tabindex=move || enhanced.get().then_some("-1")
                on:click=move |ev| {
                    ev.prevent_default();
                    choose(day);
                }
            >
                {number}
            </a>
        }
        .into_any()
    } else {
        number.into_any()
    };
    view! {
        // A td in a role="grid" table is a gridcell already; saying so again is invalid HTML.
        <td
            data-date=day.to_string()
            class="calendar__day"
            class:calendar__day--other-month=move || !in_month()
            class:calendar__day--past={day < today}
            class:calendar__day--today={day == today}
            class:calendar__day--has-session={count > 0}
            class:calendar__day--cancelled=all_cancelled
            class:calendar__day--selected=move || selected.get() == Some(day)
            aria-current=(day == today).then_some("date")
            aria-selected=move || (selected.get() == Some(day)).to_string()
            tabindex=move || enhanced.get().then(|| if focus.get() == day { "0" } else { "-1" })
            on:click=move |_| {
                if enhanced.get_untracked() {
                    focus.set(day);
                }
            }
        >
            {content}
        </td>
    }
}
