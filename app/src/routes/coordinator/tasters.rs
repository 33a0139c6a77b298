//! Taster sessions for coordinators: the list with attendance codes, the form to add or edit
//! one, and the code shown large for the Zoom screen.

use super::{gate, CoordinatorNav, DoneBanner};
use crate::components::error_summary::ErrorSummary;
use crate::components::fields::TextInput;
use crate::components::title::Title;
use crate::domain::coordinator_forms::TasterForm;
use crate::errors::FieldErrors;
use crate::functions::coordinator::{get_taster_form, get_tasters_admin, TasterFormData};
use crate::models::TasterStatus;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

/// Error summary lines for a form's errors, each linking to its field.
pub fn lines_for(errors: &FieldErrors, order: &[&str]) -> Vec<(String, String)> {
    // Fields in the form's order; any other after them, numbered ones (meeting_2, meeting_10)
    // by their number.
    let rank = |field: &str| {
        let number = field.rsplit('_').next().and_then(|n| n.parse::<u32>().ok()).unwrap_or(0);
        let base = field.trim_end_matches(|c: char| c.is_ascii_digit()).trim_end_matches('_');
        let place = order.iter().position(|f| *f == field || *f == base).unwrap_or(order.len());
        (place, number)
    };
    let mut fields: Vec<(&String, &String)> = errors.iter().collect();
    fields.sort_by_key(|(field, _)| rank(field));
    fields.into_iter().map(|(field, message)| (field.replace('_', "-"), message.clone())).collect()
}

/// The taster form's fields, in the order it shows them.
const TASTER_FIELDS: [&str; 6] = ["date", "start", "minutes", "zoom_url", "meeting_id", "passcode"];

fn error_of(errors: &FieldErrors, field: &'static str) -> Signal<Option<String>> {
    let message = errors.get(field).cloned();
    Signal::derive(move || message.clone())
}

/// The list of taster sessions.
#[component]
pub fn TastersAdminPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| get_tasters_admin());
    view! {
        <Title text="Taster sessions – Coordinators – Compassionate leadership" />
        <CoordinatorNav />
        <h1>"Taster sessions"</h1>
        <p><a class="button" href="/coordinator/tasters/new">"Add a taster session"</a></p>
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                gate(data.await, |tasters| {
                    if tasters.is_empty() {
                        return view! { <p>"No taster sessions yet."</p> }.into_any();
                    }
                    view! {
                        <div class="table-wrap">
                            <table class="table table--stack">
                                <thead><tr>
                                    <th scope="col">"When (UK time)"</th><th scope="col">"Status"</th>
                                    <th scope="col">"Attendance code"</th><th scope="col" class="num">"Attended"</th>
                                    <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                                </tr></thead>
                                <tbody>
                                    {tasters.into_iter().map(|t| {
                                        let id = t.session.id;
                                        let cancelled = t.session.status == TasterStatus::Cancelled;
                                        let status = if cancelled {
                                            "Cancelled"
                                        } else if t.ended {
                                            "Ended"
                                        } else {
                                            "Scheduled"
                                        };
                                        view! {
                                            <tr>
                                                <th scope="row" data-label="When">{t.session.when_uk.clone()}</th>
                                                <td data-label="Status">{status}</td>
                                                <td data-label="Attendance code"><code class="code">{t.attendance_code.clone()}</code></td>
                                                <td class="num" data-label="Attended">{t.attendance_count}</td>
                                                <td data-label="Actions">
                                                    <a href=format!("/coordinator/tasters/{id}")>"Edit"<span class="visually-hidden">{format!(" {}", t.session.when_uk)}</span></a>
                                                    " · "
                                                    <a href=format!("/coordinator/tasters/{id}/code")>"Show code"<span class="visually-hidden">{format!(" for {}", t.session.when_uk)}</span></a>
                                                </td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    }
                    .into_any()
                })
            })}
        </Suspense>
    }
}

/// Adding (`/coordinator/tasters/new`) or editing (`/coordinator/tasters/{id}`) a session.
#[component]
pub fn TasterFormPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").and_then(|id| id.parse::<i64>().ok());
    let data = Resource::new(id, get_taster_form);
    view! {
        <CoordinatorNav />
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move { gate(data.await, |d| view! { <TasterFormView data=d /> }.into_any()) })}
        </Suspense>
    }
}

#[component]
fn TasterFormView(data: TasterFormData) -> impl IntoView {
    let editing = data.taster.clone();
    let (form, errors) = match (data.draft, &editing) {
        (Some(draft), _) => (draft.form, draft.errors),
        (None, Some(t)) => (
            TasterForm {
                date: t.session.uk_day.to_string(),
                start: t.uk_start.clone(),
                minutes: ((t.session.ends_at - t.session.starts_at).num_minutes()).to_string(),
                zoom_url: t.session.zoom_url.clone(),
                meeting_id: t.session.meeting_id.clone(),
                passcode: t.session.passcode.clone(),
            },
            FieldErrors::new(),
        ),
        (None, None) => (TasterForm { minutes: "60".into(), ..TasterForm::default() }, FieldErrors::new()),
    };
    let title = match &editing {
        Some(t) => format!("Edit the taster session on {}", t.session.when_uk),
        None => "Add a taster session".to_string(),
    };
    let has_errors = !errors.is_empty();
    let page_title = format!("{}{} – Coordinators", if has_errors { "Error: " } else { "" }, title);
    let lines = lines_for(&errors, &TASTER_FIELDS);
    let action = editing
        .as_ref()
        .map(|t| format!("/coordinator/tasters/{}", t.session.id))
        .unwrap_or("/coordinator/tasters".into());
    view! {
        <Title text=page_title />
        <ErrorSummary lines=Signal::derive(move || lines.clone()) />
        <DoneBanner messages=&[
            ("created", "Taster session added. It is on the public calendar now."),
            ("saved", "Changes saved."),
            ("cancelled", "Session cancelled. The public calendar says so."),
            ("reinstated", "Session reinstated."),
            ("new-code", "A new attendance code has been made. The old one no longer works: anyone who noted it uses the new one, or you confirm their attendance by hand."),
        ] />
        <h1>{title}</h1>
        {editing.clone().map(|t| {
            let id = t.session.id;
            let cancelled = t.session.status == TasterStatus::Cancelled;
            view! {
                <div class="code-panel">
                    <p class="code-panel__label">"Attendance code"</p>
                    <p class="code-panel__code"><code>{t.attendance_code.clone()}</code></p>
                    <p class="code-panel__window">{format!("It proves attendance {}. After that, confirm attendance by hand.", t.code_window_uk)}</p>
                    <p><a class="button" href=format!("/coordinator/tasters/{id}/code")>"Show the code on screen"</a></p>
                    <details class="details">
                        <summary>"Make a new code"</summary>
                        <p>{format!("The code {} stops working at once, for everyone: anyone who noted it during the session must use the new code, or you confirm their attendance by hand.", t.attendance_code)}</p>
                        <p>"Make a new code only if this one has been shared beyond the session, so it cannot be used by people who did not attend."</p>
                        <form method="post" action=format!("/coordinator/tasters/{id}/regenerate")>
                            <button type="submit" class="button button--warning">"Yes, replace the code"</button>
                        </form>
                    </details>
                </div>
                {if cancelled {
                    view! {
                        <form method="post" action=format!("/coordinator/tasters/{id}/reinstate")>
                            <button type="submit" class="button button--secondary">"Reinstate this session"</button>
                        </form>
                    }.into_any()
                } else {
                    let attended = t.attendance_count;
                    view! {
                        <details class="details">
                            <summary>"Cancel this session"</summary>
                            <p>"The public calendar and the course page show it as cancelled, and its attendance code stops working. Nobody books a taster session, so nobody is emailed: tell anyone you know was coming."</p>
                            <p>{format!("{attended} {} already confirmed as attending it keep{} that.", if attended == 1 { "person" } else { "people" }, if attended == 1 { "s" } else { "" })}</p>
                            <form method="post" action=format!("/coordinator/tasters/{id}/cancel")>
                                <button type="submit" class="button button--warning">"Yes, cancel this session"</button>
                            </form>
                        </details>
                    }.into_any()
                }}
                <h2>"Details"</h2>
            }
        })}
        <form method="post" action=action class="narrow-form" novalidate>
            <TextInput id="date" label="Date" hint="For example, 27/03/2027" value=form.date.clone() error=error_of(&errors, "date") input_type="date" class="input input--width-10" />
            <TextInput id="start" label="Start time (UK time)" hint="24-hour clock, like 16:00" value=form.start.clone() error=error_of(&errors, "start") input_type="time" class="input input--width-10" />
            <TextInput id="minutes" label="Length in minutes" value=form.minutes.clone() error=error_of(&errors, "minutes") input_type="number" class="input input--width-10" />
            <TextInput id="zoom-url" label="Zoom link" hint="Starting https://" value=form.zoom_url.clone() error=error_of(&errors, "zoom_url") input_type="url" spellcheck=false />
            <TextInput id="meeting-id" label="Meeting ID" hint="Like 912 7343 1323" value=form.meeting_id.clone() error=error_of(&errors, "meeting_id") class="input input--width-10" />
            <TextInput id="passcode" label="Passcode" value=form.passcode.clone() error=error_of(&errors, "passcode") class="input input--width-10" spellcheck=false />
            <button type="submit" class="button">{if editing.is_some() { "Save changes" } else { "Add the session" }}</button>
        </form>
        <p><a class="link-standalone" href="/coordinator/tasters">"Back to taster sessions"</a></p>
    }
}

/// The attendance code, large and high-contrast, to share in Zoom.
#[component]
pub fn CodeScreenPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").and_then(|id| id.parse::<i64>().ok());
    let data = Resource::new(id, get_taster_form);
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                gate(data.await, |d| match d.taster {
                    Some(t) => view! {
                        <Title text="Attendance code – Coordinators" />
                        <div class="code-screen">
                            <h1 class="code-screen__label">"Attendance code"</h1>
                            <p class="code-screen__code">{t.attendance_code.clone()}</p>
                            <p class="code-screen__hint">"Type this code into the joining form when you apply for a place."</p>
                            <p class="code-screen__when">{t.session.when_uk.clone()}</p>
                            <p class="code-screen__window">{format!("The code works {}.", t.code_window_uk)}</p>
                            <crate::components::join_qr::JoinQrCode />
                        </div>
                        <p><a class="link-standalone" href=format!("/coordinator/tasters/{}", t.session.id)>"Back to the session"</a></p>
                    }
                    .into_any(),
                    None => view! { <p>"No such session."</p> }.into_any(),
                })
            })}
        </Suspense>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_error_summary_follows_the_forms_order() {
        let errors: FieldErrors = [
            ("passcode".to_string(), "p".to_string()),
            ("date".to_string(), "d".to_string()),
            ("meeting_10".to_string(), "m10".to_string()),
            ("zoom_url".to_string(), "z".to_string()),
            ("meeting_2".to_string(), "m2".to_string()),
        ]
        .into();
        let order = ["date", "zoom_url", "meeting", "passcode"];
        let anchors: Vec<String> = lines_for(&errors, &order).into_iter().map(|(a, _)| a).collect();
        assert_eq!(anchors, ["date", "zoom-url", "meeting-2", "meeting-10", "passcode"]);
    }
}
