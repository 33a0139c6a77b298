//! Cohorts for coordinators: the list with places in detail, and the form to add one (its
//! weekly meetings generated) or edit one (each meeting editable).

use super::tasters::lines_for;
use super::{gate, CoordinatorNav, DoneBanner};
use crate::components::error_summary::ErrorSummary;
use crate::components::fields::{Radios, TextInput};
use crate::components::title::Title;
use crate::domain::coordinator_forms::CohortForm;
use crate::errors::FieldErrors;
use crate::functions::coordinator::{get_cohort_form, get_cohorts_admin, CohortFormData};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

/// The list of cohorts.
#[component]
pub fn CohortsAdminPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| get_cohorts_admin());
    view! {
        <Title text="Cohorts – Coordinators – Compassionate leadership" />
        <CoordinatorNav />
        <h1>"Cohorts"</h1>
        <p><a class="button" href="/coordinator/cohorts/new">"Add a cohort"</a></p>
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                gate(data.await, |cohorts| {
                    if cohorts.is_empty() {
                        return view! { <p>"No cohorts yet."</p> }.into_any();
                    }
                    view! {
                        <div class="table-wrap">
                            <table class="table table--stack">
                                <thead><tr>
                                    <th scope="col">"Cohort"</th><th scope="col">"Starts"</th><th scope="col">"Status"</th>
                                    <th scope="col" class="num">"Capacity"</th><th scope="col" class="num">"Allocated"</th>
                                    <th scope="col" class="num">"Offered"</th><th scope="col" class="num">"Waiting"</th>
                                </tr></thead>
                                <tbody>
                                    {cohorts.into_iter().map(|c| view! {
                                        <tr>
                                            <th scope="row" data-label="Cohort"><a href=format!("/coordinator/cohorts/{}", c.cohort.id)>{c.cohort.name.clone()}</a></th>
                                            <td data-label="Starts">{c.cohort.meetings.first().map(|m| m.when_uk.clone()).unwrap_or_default()}</td>
                                            <td data-label="Status">{c.cohort.status.as_str()}</td>
                                            <td class="num" data-label="Capacity">{c.cohort.capacity}</td>
                                            <td class="num" data-label="Allocated">{c.allocated}</td>
                                            <td class="num" data-label="Offered">{c.offered}</td>
                                            <td class="num" data-label="Waiting">{c.waiting}</td>
                                        </tr>
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

/// Adding (`/coordinator/cohorts/new`) or editing (`/coordinator/cohorts/{id}`) a cohort.
#[component]
pub fn CohortFormPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").and_then(|id| id.parse::<i64>().ok());
    let data = Resource::new(id, get_cohort_form);
    view! {
        <CoordinatorNav />
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move { gate(data.await, |d| view! { <CohortFormView data=d /> }.into_any()) })}
        </Suspense>
    }
}

fn error_of(errors: &FieldErrors, field: &str) -> Signal<Option<String>> {
    let message = errors.get(field).cloned();
    Signal::derive(move || message.clone())
}

#[component]
fn CohortFormView(data: CohortFormData) -> impl IntoView {
    let editing = data.cohort.clone();
    let (form, errors) = match (data.draft, &editing) {
        (Some(draft), _) => (draft.form, draft.errors),
        (None, Some(c)) => (
            CohortForm {
                name: c.cohort.name.clone(),
                minutes: c
                    .cohort
                    .meetings
                    .first()
                    .map(|m| (m.ends_at - m.starts_at).num_minutes().to_string())
                    .unwrap_or_else(|| data.default_minutes.to_string()),
                capacity: c.cohort.capacity.to_string(),
                status: c.cohort.status.as_str().to_string(),
                meetings: c.meetings_uk.clone(),
                ..CohortForm::default()
            },
            FieldErrors::new(),
        ),
        (None, None) => (
            CohortForm {
                minutes: data.default_minutes.to_string(),
                meeting_count: data.default_meetings.to_string(),
                capacity: "12".into(),
                status: "draft".into(),
                ..CohortForm::default()
            },
            FieldErrors::new(),
        ),
    };
    let title = match &editing {
        Some(c) => format!("Edit {}", c.cohort.name),
        None => "Add a cohort".to_string(),
    };
    let has_errors = !errors.is_empty();
    let lines = lines_for(&errors, &["name", "first_date", "start", "meeting_count", "meeting", "minutes", "capacity", "status"]);
    let action = editing
        .as_ref()
        .map(|c| format!("/coordinator/cohorts/{}", c.cohort.id))
        .unwrap_or("/coordinator/cohorts".into());
    let statuses = vec![
        ("draft".to_string(), "Draft".to_string(), Some("Not shown to applicants yet.".to_string())),
        ("open".to_string(), "Open".to_string(), Some("Shown, and places are given.".to_string())),
        ("closed".to_string(), "Closed".to_string(), Some("Shown, but no more places are given.".to_string())),
    ];
    view! {
        <Title text=format!("{}{} – Coordinators", if has_errors { "Error: " } else { "" }, title) />
        <ErrorSummary lines=Signal::derive(move || lines.clone()) />
        <DoneBanner messages=&[("created", "Cohort added."), ("saved", "Changes saved.")] />
        <h1>{title}</h1>
        {editing.as_ref().map(|c| view! {
            <p class="lead">
                {format!("{} allocated, {} offered, {} waiting; {} places left.", c.allocated, c.offered, c.waiting, c.cohort.places_remaining)}
            </p>
        })}
        <form method="post" action=action class="narrow-form" novalidate>
            <TextInput id="name" label="Name" hint="Like January 2027 · Tuesday mornings" value=form.name.clone() error=error_of(&errors, "name") />
            {if editing.is_none() {
                view! {
                    <TextInput id="first-date" label="Date of the first meeting" hint="For example, 05/01/2027" value=form.first_date.clone() error=error_of(&errors, "first_date") input_type="date" class="input input--width-10" />
                    <TextInput id="start" label="Start time (UK time)" hint="24-hour clock, like 10:00" value=form.start.clone() error=error_of(&errors, "start") input_type="time" class="input input--width-10" />
                    <TextInput id="meeting-count" label="Number of weekly meetings" value=form.meeting_count.clone() error=error_of(&errors, "meeting_count") input_type="number" class="input input--width-10" />
                }
                .into_any()
            } else {
                view! {
                    <fieldset class="fieldset form-group">
                        <legend class="fieldset__legend" id="meeting-1-legend">"Meetings (UK time)"</legend>
                        <div class="hint" id="meetings-hint">"Each a date and 24-hour time, for example 05/01/2027 10:00"</div>
                        {form.meetings.iter().enumerate().map(|(i, value)| {
                            let field = format!("meeting_{}", i + 1);
                            let id = format!("meeting-{}", i + 1);
                            let message = errors.get(&field).cloned();
                            let has_error = message.is_some();
                            let described = message.as_ref().map(|_| format!("{id}-error"));
                            view! {
                                <div class="form-group" class:form-group--error=has_error>
                                    <label class="label" for=id.clone()>{format!("Meeting {}", i + 1)}</label>
                                    {message.clone().map(|m| view! { <p class="error-message" id=format!("{id}-error")><span class="visually-hidden">"Error: "</span>{m}</p> })}
                                    <input class="input input--width-20" type="datetime-local" id=id.clone() name="meeting" value=value.clone()
                                        aria-describedby=described.unwrap_or_else(|| "meetings-hint".to_string()) />
                                </div>
                            }
                        }).collect_view()}
                    </fieldset>
                }
                .into_any()
            }}
            <TextInput id="minutes" label="Length of each meeting in minutes" value=form.minutes.clone() error=error_of(&errors, "minutes") input_type="number" class="input input--width-10" />
            <TextInput id="capacity" label="Places" hint="It cannot go below the places already allocated or offered; more places are offered to the waiting list at once." value=form.capacity.clone() error=error_of(&errors, "capacity") input_type="number" class="input input--width-10" />
            <Radios id="status" name="status" legend="Status" options=statuses selected=form.status.clone() error=error_of(&errors, "status") />
            <button type="submit" class="button">{if editing.is_some() { "Save changes" } else { "Add the cohort" }}</button>
        </form>
        <p><a class="link-standalone" href="/coordinator/cohorts">"Back to cohorts"</a></p>
    }
}
