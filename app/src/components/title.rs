//! The page's `<title>`. Leptos' own `Title` writes its text into the head unescaped, so a
//! cohort's name such as `</title><script>…` would end the title and add markup: this one
//! escapes the text first. Every page uses this `Title`, never `leptos_meta::Title`.

use crate::components::fields::escape_text;
use leptos::prelude::*;

/// Sets the page's title to `text`, as text.
#[component]
pub fn Title(#[prop(into)] text: String) -> impl IntoView {
    view! { <leptos_meta::Title text=escape_text(&text) /> }
}
