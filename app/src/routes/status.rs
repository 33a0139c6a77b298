//! The applicant's pages behind their private link: the confirmation after applying
//! (`/join/confirmation/{token}`), the status page (`/status/{token}`), and the confirmation
//! steps before accepting, declining or withdrawing. Each action is a plain form post. And
//! "Lost your link?" (`/status/find`), which emails the link to an address that applied.

use crate::components::load_error::LoadError;
use crate::components::outcome::{outcome_sentence, NextSteps};
use crate::components::places::{use_live_refresh, PlacesPanel};
use crate::components::title::Title;
use crate::domain::allocation::AllocationState;
use crate::errors::AppError;
use crate::functions::applications::{get_application_status, get_find_link_page};
use crate::models::ApplicationStatus;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

/// Loads the application named by the `token` route parameter and renders `body` with it.
fn with_status<V: IntoView + 'static>(
    title: &'static str,
    body: impl Fn(ApplicationStatus) -> V + Clone + Send + Sync + 'static,
) -> impl IntoView {
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let status = Resource::new(token, get_application_status);
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading your application…"</p> }>
            {move || {
                let body = body.clone();
                Suspend::new(async move {
                    match status.await {
                        Ok(status) => view! { <Title text=title /> {body(status)} }.into_any(),
                        Err(AppError::NotFound(_)) => view! { <UnknownApplication /> }.into_any(),
                        Err(error) => view! { <Title text=title /> <h1>"Your application"</h1> <LoadError error /> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

/// A token that matches no application: a clear 404 page.
#[component]
fn UnknownApplication() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(axum::http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text="Application not found – Compassionate leadership" />
        <h1>"We could not find that application"</h1>
        <p>"The link may be incomplete. Check you copied the whole link from your email or confirmation page."</p>
        <p><a class="link-standalone" href="/status/find">"Get your status link by email"</a></p>
        <p><a class="link-standalone" href="/">"Go to the course page"</a></p>
    }
}

/// The page shown straight after applying.
#[component]
pub fn ConfirmationPage() -> impl IntoView {
    with_status("Application received – Compassionate leadership", |status| {
        let link = format!("/status/{}", status.status_token);
        view! {
            <div class="panel">
                <h1 class="panel__title">"Application received"</h1>
                <div class="panel__body">
                    "Your reference number"<br /><strong class="reference">{status.reference.clone()}</strong>
                </div>
            </div>
            <p class="lead">{outcome_sentence(&status)}</p>
            <h2>"What happens next"</h2>
            <NextSteps status=status.clone() />
            <h2>"Your private status link"</h2>
            <p>"Your status page shows where you are in the queue, and lets you accept an offered place or withdraw. We have emailed you the link, and we email you whenever your application changes."</p>
            <p class="status-link"><a href=link.clone()>"Go to your status page"</a></p>
            <StatusLinkCopy link />
            <p class="hint">"Anyone with this link can see and change your application, so do not share it. If you lose it, "<a href="/status/find">"we can email it to you again"</a>"."</p>
        }
    })
}

/// After hydration: the full address with a copy button (the page's origin is only known then).
#[cfg_attr(bundle = "site", island)]
#[cfg_attr(not(bundle = "site"), component)]
fn StatusLinkCopy(link: String) -> impl IntoView {
    let full = RwSignal::new(None::<String>);
    let copied = RwSignal::new(false);
    let path = link.clone();
    Effect::new(move |_| {
        if let Ok(origin) = window().location().origin() {
            full.set(Some(format!("{origin}{path}")));
        }
    });
    let copy = move |_| {
        if let Some(text) = full.get_untracked() {
            let _ = window().navigator().clipboard().write_text(&text);
            copied.set(true);
        }
    };
    move || {
        full.get().map(|text| {
            view! {
                <div class="copy-field">
                    <code class="copy-field__value">{text}</code>
                    <button type="button" class="button button--secondary button--small" on:click=copy>
                        "Copy link"
                    </button>
                    <span class="copy-field__done" role="status">{move || if copied.get() { "Copied" } else { "" }}</span>
                </div>
            }
        })
    }
}

/// The applicant's status page.
#[component]
pub fn StatusPage() -> impl IntoView {
    let query = use_query_map();
    with_status("Your application – Compassionate leadership", move |status| {
        let done = query.read_untracked().get("done").unwrap_or_default();
        let token = status.status_token.clone();
        // The places left matter only to someone still waiting for one; to someone holding
        // an offer or a place, "Full" would read as bad news about their own place.
        let still_waiting = matches!(status.state, AllocationState::Waiting | AllocationState::AwaitingAttendance);
        let html = status_html(status);
        view! {
            <ActionBanner done />
            <LiveStatus token html />
            {still_waiting.then(|| view! { <PlacesPanel /> })}
        }
    })
}

/// The status as HTML, rendered on the server: the page's first render and each refresh.
pub fn status_html(status: ApplicationStatus) -> String {
    use leptos::tachys::view::RenderHtml;
    view! { <StatusBody status /> }.to_html()
}

/// The state, the queue, and what the applicant can do.
#[component]
fn StatusBody(status: ApplicationStatus) -> impl IntoView {
    let token = status.status_token.clone();
    let state = status.state;
    view! {
        <span class="caption">{format!("Reference {}", status.reference)}</span>
        <h1>"Your application"</h1>
        <dl class="summary-list">
            <div class="summary-list__row">
                <dt>"Status"</dt>
                <dd><strong class=format!("tag tag--{}", state.as_str())>{state.label()}</strong></dd>
            </div>
            <div class="summary-list__row">
                <dt>"Applied"</dt>
                <dd>{status.submitted_uk.clone()}</dd>
            </div>
            <div class="summary-list__row">
                <dt>"Courses chosen"</dt>
                <dd>{if status.choices.is_empty() { "Any course".to_string() } else { status.choices.join(", then ") }}</dd>
            </div>
        </dl>
        <p class="lead" role="status">{outcome_sentence(&status)}</p>
        {(state == AllocationState::Offered).then(|| {
            let token = token.clone();
            view! {
                <form method="post" action=format!("/status/{token}/accept") class="button-group">
                    <button type="submit" class="button">"Accept this place"</button>
                    <a class="button button--secondary" href=format!("/status/{token}/decline")>"Decline this place"</a>
                </form>
            }
        })}
        {(state == AllocationState::Allocated).then(|| {
            view! {
                <p>
                    <a class="link-standalone" href=format!("/status/{token}/calendar.ics") download>
                        "Add the course dates to your calendar (.ics file)"
                    </a>
                </p>
            }
        })}
        <NextSteps status=status.clone() on_status_page=true />
        {state.can_withdraw().then(|| {
            let token = token.clone();
            let what_it_does = match state {
                AllocationState::Offered => "Withdrawing ends your whole application: the offered place goes to the next person and you leave every waiting list. To turn down only this place, decline it instead.",
                AllocationState::Allocated => "Withdrawing gives up your place: it is offered to the next person on the waiting list.",
                _ => "Withdrawing takes you off every waiting list. You could apply again later, but you would join at the back.",
            };
            view! {
                <h2>"If you can no longer take part"</h2>
                <p>{what_it_does}</p>
                <p><a class="link-standalone" href=format!("/status/{token}/withdraw")>"Withdraw your application"</a></p>
            }
        })}
        <h2>"Your data"</h2>
        <p>"You can download everything we hold about you, or have it deleted. "<a href="/privacy">"How we use your data"</a></p>
        <ul class="link-list">
            <li><a class="link-standalone" href=format!("/status/{token}/data.json") download>"Download my data (JSON file)"</a></li>
            <li><a class="link-standalone" href=format!("/status/{token}/erase")>"Delete my data"</a></li>
        </ul>
    }
}

/// The status kept current: an island that, when the event stream says something changed (an
/// offer made, someone ahead leaving the queue), fetches the status again as HTML, at most
/// every one and a half seconds.
#[cfg_attr(bundle = "site", island)]
#[cfg_attr(not(bundle = "site"), component)]
fn LiveStatus(token: String, html: String) -> impl IntoView {
    let html = RwSignal::new(html);
    let refresh = use_live_refresh(std::time::Duration::from_millis(1500));
    Effect::new(move |previous: Option<u64>| {
        let round = refresh.get();
        if previous.is_some() {
            let token = token.clone();
            leptos::task::spawn_local(async move {
                if let Ok(fresh) = get_status_html(token).await {
                    html.set(fresh);
                }
            });
        }
        round
    });
    view! { <div class="live-status" inner_html=move || html.get()></div> }
}

/// An application's status page body, rendered as HTML (for the page to refresh itself). It
/// renders a view, so it lives with the view.
#[server(endpoint = "status_html")]
pub async fn get_status_html(token: String) -> Result<String, AppError> {
    let status = get_application_status(token).await?;
    Ok(status_html(status))
}

/// The banner after an action on the status page (`?done=…`).
#[component]
fn ActionBanner(done: String) -> impl IntoView {
    let (title, text, warning) = match done.as_str() {
        "withdrawn" => ("Application withdrawn", "You have withdrawn your application.", false),
        "accepted" => ("Place accepted", "Your place is confirmed.", false),
        "declined" => (
            "Place declined",
            "The place goes to the next person on its waiting list. This page shows where your application stands now.",
            false,
        ),
        "expired" => {
            ("Offer expired", "The offer ended before it was accepted, so the place went to the next person.", true)
        }
        "unchanged" => {
            ("Nothing changed", "Your application had already changed. This page shows where it stands now.", true)
        }
        "failed" => ("Something went wrong", "Nothing was changed. Try again in a minute.", true),
        _ => return ().into_any(),
    };
    view! {
        <div class=if warning { "notice notice--warning" } else { "notice notice--success" } role="status">
            <h2 class="notice__title">{title}</h2>
            <p>{text}</p>
        </div>
    }
    .into_any()
}

/// The check before withdrawing.
#[component]
pub fn WithdrawPage() -> impl IntoView {
    with_status("Withdraw your application – Compassionate leadership", |status| {
        let token = status.status_token.clone();
        if !status.state.can_withdraw() {
            return view! {
                <h1>"Your application has already ended"</h1>
                <p><a class="link-standalone" href=format!("/status/{token}")>"Back to your application"</a></p>
            }
            .into_any();
        }
        let place = status.state.holds_place();
        view! {
            <h1>"Are you sure you want to withdraw?"</h1>
            {place.then(|| view! { <p class="lead">"Your place will be offered to the next person on the waiting list. You cannot undo this."</p> })}
            {(!place).then(|| view! { <p class="lead">"You will leave the queue. You can apply again later, but you would join at the back."</p> })}
            <form method="post" action=format!("/status/{token}/withdraw") class="button-group">
                <button type="submit" class="button button--warning">"Yes, withdraw my application"</button>
                <a class="button button--secondary" href=format!("/status/{token}")>"No, keep my application"</a>
            </form>
        }
        .into_any()
    })
}

/// The check before accepting an offered place (where the offer email's link leads).
#[component]
pub fn AcceptPage() -> impl IntoView {
    with_status("Accept the place – Compassionate leadership", |status| {
        let token = status.status_token.clone();
        let Some(cohort) = status.cohort.clone().filter(|_| status.state == AllocationState::Offered) else {
            let already = status.state == AllocationState::Allocated;
            return view! {
                <h1>{if already { "You already have a place" } else { "There is no offer to accept" }}</h1>
                <p>{if already { "Your place is confirmed: your status page shows the course dates." } else { "Your status page shows where your application stands now." }}</p>
                <p><a class="link-standalone" href=format!("/status/{token}")>"Go to your status page"</a></p>
            }
            .into_any();
        };
        let until = status.offer_expires_uk.clone().unwrap_or_default();
        view! {
            <h1>{format!("Accept your place on {}?", cohort.name)}</h1>
            <p class="lead">{format!("The place is held for you until {until}.")}</p>
            <p>"The course meets on:"</p>
            <ul>{cohort.meetings.iter().map(|m| view! { <li>{m.when_uk.clone()}</li> }).collect_view()}</ul>
            <p>"Only accept if you can attend these sessions. If you cannot, decline, and the place goes to the next person on the waiting list."</p>
            <form method="post" action=format!("/status/{token}/accept") class="button-group">
                <button type="submit" class="button">"Yes, accept the place"</button>
                <a class="button button--secondary" href=format!("/status/{token}/decline")>"Decline the place"</a>
            </form>
        }
        .into_any()
    })
}

/// "Lost your link?": a work email in, the status link sent to it if it has an application.
/// The answer is the same either way, so the page tells nobody who has applied.
#[component]
pub fn FindLinkPage() -> impl IntoView {
    let page = Resource::new(|| (), |_| get_find_link_page());
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                let draft = page.await.ok().flatten().unwrap_or_default();
                if draft.sent {
                    return view! {
                        <Title text="Check your email – Compassionate leadership" />
                        <div class="panel">
                            <h1 class="panel__title">"Check your email"</h1>
                        </div>
                        <p class="lead">{format!("If {} has applied for a place, we have sent the link to its status page to that address.", draft.email)}</p>
                        <p>"It should arrive within a few minutes. Check your junk or spam folder too."</p>
                        <p>"If nothing arrives, check you typed the address you applied with, or contact the course team."</p>
                        <p><a class="link-standalone" href="/">"Go to the course page"</a></p>
                    }
                    .into_any();
                }
                let error = draft.error.clone();
                let lines = error.clone().map(|e| vec![("email".to_string(), e)]).unwrap_or_default();
                let title = if error.is_some() { "Error: Get your status link – Compassionate leadership" } else { "Get your status link – Compassionate leadership" };
                view! {
                    <Title text=title />
                    <crate::components::error_summary::ErrorSummary lines=Signal::derive(move || lines.clone()) />
                    <h1>"Get your status link by email"</h1>
                    <p class="lead">"Enter the work email address you applied with. If it has an application, we will email the link to its status page."</p>
                    <form method="post" action="/status/find" class="narrow-form" novalidate>
                        <div class="form-group" class:form-group--error=error.is_some()>
                            <label class="label" for="email">"Work email address"</label>
                            {error.clone().map(|e| view! {
                                <p class="error-message" id="email-error"><span class="visually-hidden">"Error: "</span>{e}</p>
                            })}
                            <input class="input" id="email" name="email" type="email" autocomplete="email" spellcheck="false"
                                value=draft.email.clone() aria-describedby=error.is_some().then_some("email-error") />
                        </div>
                        <button type="submit" class="button">"Send me the link"</button>
                    </form>
                }
                .into_any()
            })}
        </Suspense>
    }
}

/// The check before deleting the applicant's data.
#[component]
pub fn EraseCheckPage() -> impl IntoView {
    with_status("Delete your data – Compassionate leadership", |status| {
        let token = status.status_token.clone();
        let active = status.state.can_withdraw();
        view! {
            <h1>"Are you sure you want us to delete your data?"</h1>
            <p class="lead">"We will delete your name, work email address, job title, employer and access needs for good. You cannot undo this."</p>
            {active.then(|| view! {
                <p>{if status.state.holds_place() {
                    "Your application will be withdrawn first, and your place offered to the next person on the waiting list."
                } else {
                    "Your application will be withdrawn first, so you leave the queue."
                }}</p>
            })}
            <p>"Your status link will stop working. We keep only your reference number and the dates your application changed, without your name, so that the course’s numbers and the queue stay right."</p>
            <p><a href=format!("/status/{token}/data.json") download>"Download a copy of your data first"</a></p>
            <form method="post" action=format!("/status/{token}/erase") class="button-group">
                <button type="submit" class="button button--warning">"Yes, delete my data"</button>
                <a class="button button--secondary" href=format!("/status/{token}")>"No, go back"</a>
            </form>
        }
    })
}

/// After an applicant's data was deleted.
#[component]
pub fn ErasedPage() -> impl IntoView {
    view! {
        <Title text="Your data has been deleted – Compassionate leadership" />
        <div class="panel">
            <h1 class="panel__title">"Your data has been deleted"</h1>
        </div>
        <p class="lead">"We have deleted your name, work email address, job title, employer and access needs."</p>
        <p>"Your status link no longer works. Emails about your application that had not been sent yet will not be sent."</p>
        <p>"You are welcome to apply again at any time."</p>
        <p><a class="link-standalone" href="/">"Go to the course page"</a></p>
    }
}

/// The check before declining an offered place.
#[component]
pub fn DeclinePage() -> impl IntoView {
    with_status("Decline the place – Compassionate leadership", |status| {
        let token = status.status_token.clone();
        if status.state != AllocationState::Offered {
            return view! {
                <h1>"There is no offer to decline"</h1>
                <p><a class="link-standalone" href=format!("/status/{token}")>"Back to your application"</a></p>
            }
            .into_any();
        }
        let cohort = status.cohort.as_ref().map(|c| c.name.clone()).unwrap_or_default();
        let after = if status.other_queues.is_empty() {
            "You chose no other course, so your application will end.".to_string()
        } else {
            format!(
                "You stay on the waiting list for {}, in the same place as now, and your application carries on.",
                status.other_queues.join(" and ")
            )
        };
        view! {
            <h1>"Are you sure you want to decline the place?"</h1>
            <p class="lead">{format!("The place on {cohort} will go to the next person on its waiting list. You cannot undo this.")}</p>
            <p>{after}</p>
            <form method="post" action=format!("/status/{token}/decline") class="button-group">
                <button type="submit" class="button button--warning">"Yes, decline the place"</button>
                <a class="button button--secondary" href=format!("/status/{token}")>"No, go back"</a>
            </form>
        }
        .into_any()
    })
}
