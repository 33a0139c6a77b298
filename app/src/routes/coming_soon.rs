//! A placeholder for a page whose feature is still being built; the route and links exist.

use leptos::prelude::*;
use leptos_meta::Title;

/// "Coming soon", with a way back to the course page.
#[component]
pub fn ComingSoon(title: &'static str) -> impl IntoView {
    view! {
        <Title text=format!("{title} – Compassionate leadership") />
        <h1>{title}</h1>
        <p class="lead">"This page is coming soon."</p>
        <p><a href="/">"Read about the course"</a></p>
    }
}
