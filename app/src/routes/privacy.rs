//! The privacy notice the joining form links to: what is held, why, for how long, who sees it,
//! and how applicants download or delete it. Its version is recorded with each consent.

use crate::components::title::Title;
use crate::functions::applications::get_privacy_contacts;
use leptos::prelude::*;

/// What we collect, why, how long we keep it, and people's rights.
#[component]
pub fn PrivacyPage() -> impl IntoView {
    let contacts = Resource::new(|| (), |_| get_privacy_contacts());
    view! {
        <Title text="Privacy notice – Compassionate leadership" />
        <h1>"Privacy notice"</h1>
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                let (organisation, contact) = contacts.await.unwrap_or_else(|_| {
                    ("The Compassionate leadership course team".to_string(), String::new())
                });
                view! {
                    <p class="lead">"How we use the details you give when you apply for a free place on a Compassionate leadership course for nurse advocates."</p>
                    <h2>"Who we are"</h2>
                    <p>{format!("{organisation} runs the course and is the data controller for your details.")}
                        {(!contact.is_empty()).then(|| view! { " You can contact the course team at " <a href=format!("mailto:{contact}")>{contact.clone()}</a> "." })}
                    </p>
                    <h2>"What we hold"</h2>
                    <ul>
                        <li>"your name, work email address, job title and employer"</li>
                        <li>"whether you are a nurse advocate or in training to become one"</li>
                        <li>"the courses you would like to join, in order, and where you are in their queues"</li>
                        <li>"any access needs you tell us about (these may say something about your health, so only the course team sees them)"</li>
                        <li>"which taster session you attended and how that was confirmed: the attendance code you typed, a coordinator’s check, or the session’s Zoom attendance list (your name, your email if you were signed in to Zoom, and how long you stayed)"</li>
                        <li>"when you agreed to this notice, and which version of it"</li>
                        <li>"a record of each change to your application and of each email we sent you (not the emails’ words)"</li>
                    </ul>
                    <h2>"Why we use it"</h2>
                    <p>"To check that you joined a taster session, to allocate places fairly in the order applications became complete, to tell you by email what happens to your application, and to make the sessions accessible to you. We rely on your consent, which you give on the joining form. We never use your details for marketing."</p>
                    <h2>"Who can see it"</h2>
                    <p>"Only the course team, who sign in to see applications. We keep a log of who looked at whose application or downloaded data, and when. Emails reach you through our email provider. We do not share your details with anyone else."</p>
                    <h2>"How long we keep it"</h2>
                    <p>"We keep your details until 12 months after the last meeting of the course intake you applied for, then delete them automatically; if the course team changes this for an intake, it is shown to them before it happens. What stays is your application’s reference and the dates it changed, without your name, so the course’s numbers stay right. The log of who looked at applications is kept for a year."</p>
                    <h2>"Your rights"</h2>
                    <ul>
                        <li>"Download everything we hold about you: use “Download my data” on your status page (the link is in every email we send you)."</li>
                        <li>"Have your details deleted: use “Delete my data” on your status page. It withdraws your application and deletes your details for good."</li>
                        <li>"Withdraw at any time from your status page, or ask us to correct anything by contacting the course team."</li>
                        <li>"If you have lost your status link, we can "<a href="/status/find">"email it to you again"</a>"."</li>
                        <li>"You can complain to the Information Commissioner’s Office (ico.org.uk)."</li>
                    </ul>
                    <h2>"Cookies"</h2>
                    <p>"Applying sets no cookies. Only the course team’s sign-in uses cookies, to keep them signed in."</p>
                    <p class="hint">{format!("Version {}", crate::PRIVACY_NOTICE_VERSION)}</p>
                }
            })}
        </Suspense>
    }
}
