//! The course team's email address (`ENROL_CONTACT_EMAIL`) wherever a page says "contact the
//! course team", and the link back to the provider's page (`ENROL_PARENT_URL`). These views
//! render on the server only, so they read the settings directly.

use leptos::prelude::*;

/// The course team's address, or empty where no settings are at hand.
pub fn course_team_email() -> String {
    #[cfg(feature = "ssr")]
    {
        use_context::<crate::state::AppState>().map(|state| state.mail.contact_email).unwrap_or_default()
    }
    #[cfg(not(feature = "ssr"))]
    {
        String::new()
    }
}

/// The address as a mailto link (nothing when there is none).
#[component]
pub fn CourseTeamEmail() -> impl IntoView {
    let email = course_team_email();
    (!email.is_empty()).then(|| view! { <a href=format!("mailto:{email}")>{email.clone()}</a> })
}

/// "contact the course team at …", the sentence's end.
#[component]
pub fn ContactCourseTeam() -> impl IntoView {
    let email = course_team_email();
    if email.is_empty() {
        view! { "contact the course team" }.into_any()
    } else {
        view! { "contact the course team at " <CourseTeamEmail /> }.into_any()
    }
}

/// The link back to the provider's "Mindfulness-based courses for nurse advocates" page, when
/// `ENROL_PARENT_URL` is set.
#[component]
pub fn ParentPageLink() -> impl IntoView {
    #[cfg(feature = "ssr")]
    let url = use_context::<crate::state::AppState>().and_then(|state| state.mail.parent_url);
    #[cfg(not(feature = "ssr"))]
    let url: Option<String> = None;
    url.map(|href| {
        view! {
            <p class="parent-link">
                <a class="link-standalone" href=href>"Back to Mindfulness-based courses for nurse advocates"</a>
            </p>
        }
    })
}
