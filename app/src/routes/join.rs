//! The joining form at `/join`. It posts to the server as a plain form (so it works without
//! JavaScript); after hydration the same checks run in the browser first, and the server,
//! the authority, runs them again.

use crate::components::error_summary::{ErrorSummary, SummaryLine};
use crate::components::fields::{ErrorMessage, Radios, Select, TextArea, TextInput};
use crate::components::load_error::LoadError;
use crate::components::places::{live_figures, PlacesLeft};
use crate::components::title::Title;
use crate::domain::application::{JoinForm, NurseAdvocate, FIELD_ORDER, NOT_A_NURSE_ADVOCATE};
use crate::errors::FieldErrors;
use crate::functions::applications::{get_join_page, JoinPageData};
use crate::models::Cohort;
use leptos::prelude::*;

const TITLE: &str = "Apply for a place – Compassionate leadership";

/// The joining form page.
#[component]
pub fn JoinPage() -> impl IntoView {
    let page = Resource::new(|| (), |_| get_join_page());
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading the joining form…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(data) if data.cohorts.is_empty() => view! { <ApplicationsClosed /> }.into_any(),
                    Ok(data) => {
                        let has_errors = data.draft.as_ref().is_some_and(|d| !d.errors.is_empty());
                        let title = if has_errors { format!("Error: {TITLE}") } else { TITLE.to_string() };
                        view! { <Title text=title /> <JoinFormView data /> }.into_any()
                    }
                    Err(error) => {
                        view! {
                            <Title text=TITLE />
                            <h1>"Apply for a place"</h1>
                            <LoadError error />
                        }
                            .into_any()
                    }
                }
            })}
        </Suspense>
    }
}

#[component]
fn ApplicationsClosed() -> impl IntoView {
    view! {
        <Title text=TITLE />
        <h1>"Apply for a place"</h1>
        <div class="notice">
            <p>"Applications are not open at the moment. New courses are announced on the course page."</p>
        </div>
        <p>"You can still join a free taster session to find out more."</p>
        <p><a class="link-standalone" href="/tasters">"See the taster sessions"</a></p>
    }
}

/// The id of the element the error summary links to for `field`.
fn anchor(field: &str, form: &JoinForm) -> String {
    match field {
        "cohort_preferences" if form.preference == "ranked" => "choice-1".into(),
        "cohort_preferences" => "preference".into(),
        other => other.replace('_', "-"),
    }
}

/// The summary's lines in the order the fields appear on the form.
fn summary_lines(errors: &FieldErrors, form: &JoinForm) -> Vec<SummaryLine> {
    let is_choice = |field: &str| field.starts_with("choice_");
    let mut lines: Vec<SummaryLine> = Vec::new();
    for field in FIELD_ORDER {
        if let Some(message) = errors.get(field) {
            lines.push((anchor(field, form), message.clone()));
        }
        if field == "cohort_preferences" {
            lines.extend(errors.iter().filter(|(f, _)| is_choice(f)).map(|(f, m)| (anchor(f, form), m.clone())));
        }
    }
    lines.extend(
        errors
            .iter()
            .filter(|(field, _)| !FIELD_ORDER.contains(&field.as_str()) && !is_choice(field))
            .map(|(f, m)| (anchor(f, form), m.clone())),
    );
    lines
}

/// The form itself: an island, so the browser checks it before it is sent.
#[cfg_attr(bundle = "join", island)]
#[cfg_attr(not(bundle = "join"), component)]
fn JoinFormView(data: JoinPageData) -> impl IntoView {
    let options = StoredValue::new(data.options());
    let draft = data.draft.unwrap_or_default();
    let form = draft.form.clone();
    let errors = RwSignal::new(draft.errors.clone());
    let submitted = RwSignal::new(draft.form.clone());
    let lines = Signal::derive(move || summary_lines(&errors.get(), &submitted.get()));
    let error = move |field: &'static str| Signal::derive(move || errors.with(|e| e.get(field).cloned()));
    // Someone who is not a nurse advocate is told where to ask, with the course team's address.
    let contact = data.contact_email.clone();
    let nurse_advocate_error = Signal::derive(move || {
        errors.with(|e| e.get("nurse_advocate").cloned()).map(|message| {
            if message == NOT_A_NURSE_ADVOCATE && !contact.is_empty() {
                format!("{message}: email {contact}")
            } else {
                message
            }
        })
    });
    // The server sets the title for what it rendered; the browser keeps it in step with its own checks.
    Effect::new(move |previous: Option<bool>| {
        let failed = !errors.with(FieldErrors::is_empty);
        if previous.is_some() {
            document().set_title(&if failed { format!("Error: {TITLE}") } else { TITLE.to_string() });
        }
        failed
    });

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        let Some(filled) = read_form(&ev) else { return };
        if let Err(found) = filled.parse(&options.get_value()) {
            ev.prevent_default();
            submitted.set(filled);
            errors.set(found);
        }
    };

    let nurse_options =
        NurseAdvocate::ALL.iter().map(|a| (a.as_str().to_string(), a.label().to_string(), None)).collect();
    let taster_options: Vec<(String, String)> =
        std::iter::once((String::new(), "I have not attended one yet".to_string()))
            .chain(data.tasters.iter().map(|t| (t.id.to_string(), t.when_uk.clone())))
            .collect();
    let cohort_count = data.cohorts.len();
    let choice_options: Vec<(String, String)> = std::iter::once((String::new(), "No further choice".to_string()))
        .chain(data.cohorts.iter().map(|c| (c.id.to_string(), c.name.clone())))
        .collect();
    // Which cohort each choice holds now, to notice one filling while the form is being filled.
    let chosen = RwSignal::new(form.choices.clone());
    let initial_places: Vec<(i64, i64)> = data.cohorts.iter().map(|c| (c.id, c.places_remaining)).collect();
    let live = live_figures();
    let choice_selects = (1..=cohort_count)
        .map(|rank| {
            let label = match rank {
                1 => "First choice".to_string(),
                2 => "Second choice".to_string(),
                3 => "Third choice".to_string(),
                n => format!("Choice {n}"),
            };
            let mut options = choice_options.clone();
            if rank == 1 {
                options[0].1 = "Select a course".into();
            }
            // The "no first choice" message sits by the first choice only when ranking;
            // otherwise it belongs to the radios above.
            let field_error = if rank == 1 {
                Signal::derive(move || {
                    submitted
                        .with(|f| f.preference == "ranked")
                        .then(|| errors.with(|e| e.get("cohort_preferences").cloned()))
                        .flatten()
                })
            } else {
                Signal::derive(move || errors.with(|e| e.get(&format!("choice_{rank}")).cloned()))
            };
            let id: &'static str =
                ["choice-1", "choice-2", "choice-3", "choice-4", "choice-5", "choice-6", "choice-7", "choice-8", "choice-9"]
                    [(rank - 1).min(8)];
            let on_change = Callback::new(move |value: String| {
                chosen.update(|c| {
                    if c.len() < rank {
                        c.resize(rank, String::new());
                    }
                    c[rank - 1] = value;
                })
            });
            let initial_places = initial_places.clone();
            let live = live.clone();
            let just_filled = move || {
                let cohort = chosen.with(|c| c.get(rank - 1).and_then(|v| v.parse::<i64>().ok()))?;
                let before = initial_places.iter().find(|(id, _)| *id == cohort)?.1;
                let now = live.as_ref()?.remaining(cohort)?;
                (before > 0 && now <= 0).then_some(())
            };
            view! {
                <Select id label options selected=form.choice(rank).to_string() error=field_error on_change />
                <p class="hint choice-note" role="status">
                    {move || just_filled().map(|_| {
                        "This course has just become full. You can keep it as your choice and join its waiting list, or choose another course."
                    })}
                </p>
            }
        })
        .collect_view();

    view! {
        <ErrorSummary lines />
        {draft.notice.map(|notice| {
            view! {
                <div class="notice notice--warning" role="alert">
                    <h2 class="notice__title">"Your application was not sent"</h2>
                    <p>{notice}</p>
                </div>
            }
        })}
        <h1>"Apply for a place"</h1>
        <p class="lead">"It takes about 5 minutes. Places on the January courses are given first come, first served to people who have joined a taster session and completed this form."</p>

        <form method="post" action="/join" novalidate on:submit=on_submit>
            <h2>"About you"</h2>
            <TextInput id="name" label="Full name" value=form.name.clone() error=error("name") autocomplete="name" spellcheck=false />
            <TextInput
                id="email"
                label="Work email address"
                hint="We will only use this to contact you about the course, for example name@nhs.net"
                value=form.email.clone()
                error=error("email")
                input_type="email"
                autocomplete="email"
                spellcheck=false
            />
            <TextInput id="job-title" label="Job title" value=form.job_title.clone() error=error("job_title") autocomplete="organization-title" />
            <TextInput
                id="employer"
                label="Employer"
                hint="Your NHS trust or organisation"
                value=form.employer.clone()
                error=error("employer")
                autocomplete="organization"
            />
            <Radios
                id="nurse-advocate"
                name="nurse_advocate"
                legend="Are you a nurse advocate?"
                hint="Courses are free for nurse advocates (professional nurse advocates, PNAs)."
                options=nurse_options
                selected=form.nurse_advocate.clone()
                error=nurse_advocate_error
            />

            <h2>"Taster session"</h2>
            <Select
                id="taster-session-id"
                label="Which taster session did you join?".to_string()
                hint="If you have not joined one yet, you can still apply. Your place is confirmed once you have."
                options=taster_options
                selected=form.taster_session_id.clone()
                error=error("taster_session_id")
            />
            <TextInput
                id="attendance-code"
                label="Attendance code (if you have it)"
                hint="The course team shows this code during the taster session: four words, for example maple-orbit-shed-river. If you do not have it, leave this blank and the course team will check your attendance instead."
                value=form.attendance_code.clone()
                error=error("attendance_code")
                class="input input--width-10"
                autocomplete="off"
                spellcheck=false
            />

            <h2>"Which course would you like to join?"</h2>
            <p>"Each course is six weekly online sessions of 2 hours."</p>
            <div class="card-list">
                {data.cohorts.into_iter().map(|cohort| view! { <CohortCard cohort /> }).collect_view()}
            </div>
            <Radios
                id="preference"
                name="preference"
                legend="Which courses can you attend?"
                options=vec![
                    ("any".to_string(), "Any of them".to_string(), Some("You get the first free place on any course.".to_string())),
                    ("ranked".to_string(), "I have a preference".to_string(), Some("Choose courses in order. You only get a place on a course you choose.".to_string())),
                ]
                selected=form.preference.clone()
                error=Signal::derive(move || if submitted.with(|f| f.preference == "ranked") { None } else { errors.with(|e| e.get("cohort_preferences").cloned()) })
            >
                <div class="choices">{choice_selects}</div>
            </Radios>

            <h2>"Anything else"</h2>
            <TextArea
                id="access-needs"
                label="Access needs (optional)"
                hint="Tell us anything that would help you take part, for example captions or breaks."
                value=form.access_needs.clone()
                error=error("access_needs")
            />
            <div class="form-group" class:form-group--error=move || errors.with(|e| e.contains_key("consent"))>
                <ErrorMessage id="consent".to_string() error=error("consent") />
                <div class="checkboxes__item">
                    <input
                        class="checkboxes__input"
                        id="consent"
                        name="consent"
                        type="checkbox"
                        value="yes"
                        checked=form.consent
                        aria-describedby=move || errors.with(|e| e.contains_key("consent")).then_some("consent-error")
                    />
                    <label class="label checkboxes__label" for="consent">
                        "I have read the "
                        <a href="/privacy" target="_blank">"privacy notice (opens in a new tab)"</a>
                        " and agree to the course team using my details to run the course"
                    </label>
                </div>
            </div>
            <button type="submit" class="button">"Submit application"</button>
        </form>
    }
}

/// A cohort's name, meeting dates and places left.
#[component]
fn CohortCard(cohort: Cohort) -> impl IntoView {
    let first = cohort.meetings.first().map(|m| m.when_uk.clone()).unwrap_or_default();
    let count = cohort.meetings.len();
    view! {
        <article class="card cohort-card">
            <h3 class="card__title">{cohort.name.clone()}</h3>
            <p>"Starts " {first}</p>
            <PlacesLeft cohort_id=cohort.id name=cohort.name initial=cohort.places_remaining />
            <details class="details">
                <summary>{format!("All {count} dates")}</summary>
                <ol class="meeting-list">
                    {cohort.meetings.into_iter().map(|m| view! { <li>{m.when_uk}</li> }).collect_view()}
                </ol>
            </details>
        </article>
    }
}

/// The form's fields as the browser would post them.
fn read_form(ev: &leptos::ev::SubmitEvent) -> Option<JoinForm> {
    use wasm_bindgen::JsCast;
    let form = ev.target()?.dyn_into::<web_sys::HtmlFormElement>().ok()?;
    let data = web_sys::FormData::new_with_form(&form).ok()?;
    let names = [
        "name",
        "email",
        "job_title",
        "employer",
        "nurse_advocate",
        "taster_session_id",
        "attendance_code",
        "preference",
        "access_needs",
        "consent",
    ]
    .into_iter()
    .map(String::from)
    .chain((1..=crate::domain::application::MAX_CHOICES).map(|n| format!("choice_{n}")));
    let pairs = names.filter_map(|name| data.get(&name).as_string().map(|value| (name, value)));
    Some(JoinForm::from_pairs(pairs))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_summary_follows_the_form_order_and_links_to_each_field() {
        let errors: FieldErrors = [
            ("consent".to_string(), "Confirm".to_string()),
            ("name".to_string(), "Enter your full name".to_string()),
            ("job_title".to_string(), "Enter your job title".to_string()),
        ]
        .into();
        let lines = summary_lines(&errors, &JoinForm::default());
        let anchors: Vec<&str> = lines.iter().map(|(a, _)| a.as_str()).collect();
        assert_eq!(anchors, ["name", "job-title", "consent"]);
    }

    #[test]
    fn a_repeated_choice_sits_in_the_summary_where_the_choices_are() {
        let errors: FieldErrors = [
            ("access_needs".to_string(), "Shorter".to_string()),
            ("choice_2".to_string(), "Choose each course only once".to_string()),
            ("name".to_string(), "Enter your full name".to_string()),
        ]
        .into();
        let lines = summary_lines(&errors, &JoinForm::default());
        let anchors: Vec<&str> = lines.iter().map(|(a, _)| a.as_str()).collect();
        assert_eq!(anchors, ["name", "choice-2", "access-needs"]);
    }

    #[test]
    fn a_cohort_problem_links_to_the_first_choice_when_ranking() {
        let form = JoinForm { preference: "ranked".into(), ..JoinForm::default() };
        assert_eq!(anchor("cohort_preferences", &form), "choice-1");
        assert_eq!(anchor("cohort_preferences", &JoinForm::default()), "preference");
    }
}
