//! The privacy notice the joining form links to.

use leptos::prelude::*;
use crate::components::title::Title;

/// What we collect, why, how long we keep it, and people's rights.
#[component]
pub fn PrivacyPage() -> impl IntoView {
    view! {
        <Title text="Privacy notice – Compassionate leadership" />
        <h1>"Privacy notice"</h1>
        <p class="lead">"How the course team uses the details you give when you apply for a Compassionate leadership course."</p>
        <h2>"What we collect"</h2>
        <ul>
            <li>"your name, work email address, job title and employer"</li>
            <li>"whether you are a nurse advocate"</li>
            <li>"which taster session you joined, and the attendance code if you gave it"</li>
            <li>"the courses you would like to join, in order"</li>
            <li>"any access needs you tell us about"</li>
            <li>"the Zoom attendance list of taster sessions (name, email if signed in to Zoom, and time in the session)"</li>
        </ul>
        <h2>"Why we use it"</h2>
        <p>"To check that you joined a taster session, to allocate places fairly in the order applications became complete, to contact you about your place, and to make the sessions accessible to you. We rely on your consent, which you give on the joining form."</p>
        <h2>"Who can see it"</h2>
        <p>"Only the course team. We do not share your details with anyone else, and we never use them for marketing."</p>
        <h2>"How long we keep it"</h2>
        <p>"We keep your details until the course you applied for has finished, then delete them within 6 months. Anonymous numbers (how many applied, attended and completed) may be kept longer."</p>
        <h2>"Your rights"</h2>
        <p>"You can withdraw at any time from your status page. You can ask for a copy of your details, or for them to be corrected or deleted, by contacting the course team. You can also complain to the Information Commissioner’s Office (ico.org.uk)."</p>
        <p class="hint">{format!("Version {}", crate::PRIVACY_NOTICE_VERSION)}</p>
    }
}
