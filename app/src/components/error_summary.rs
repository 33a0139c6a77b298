//! The NHS error summary: "There is a problem", a link to each field with an error, and focus
//! moved to it so screen reader and keyboard users start there.

use leptos::prelude::*;

/// One line of the summary: the id of the field to jump to, and the message.
pub type SummaryLine = (String, String);

/// Shows nothing without errors; otherwise the summary, focused when it appears.
#[component]
pub fn ErrorSummary(#[prop(into)] lines: Signal<Vec<SummaryLine>>) -> impl IntoView {
    let summary = NodeRef::<leptos::html::Div>::new();
    // After hydration, and whenever the browser's own checks find problems, focus the summary.
    Effect::new(move |_| {
        if !lines.get().is_empty() {
            if let Some(element) = summary.get() {
                let _ = element.focus();
            }
        }
    });
    move || {
        let lines = lines.get();
        (!lines.is_empty()).then(|| {
            view! {
                <div
                    class="error-summary"
                    aria-labelledby="error-summary-title"
                    role="alert"
                    tabindex="-1"
                    autofocus
                    node_ref=summary
                >
                    <h2 class="error-summary__title" id="error-summary-title">
                        "There is a problem"
                    </h2>
                    <ul class="error-summary__list">
                        {lines
                            .into_iter()
                            .map(|(anchor, message)| {
                                let target = anchor.clone();
                                view! {
                                    <li>
                                        <a href=format!("#{anchor}") on:click=move |ev| focus_field(ev, &target)>
                                            {message}
                                        </a>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                </div>
            }
        })
    }
}

/// Moves focus to the field itself (a plain link only scrolls), with its label in view.
fn focus_field(ev: leptos::ev::MouseEvent, id: &str) {
    let Some(field) = document().get_element_by_id(id) else { return };
    ev.prevent_default();
    use wasm_bindgen::JsCast;
    if let Ok(field) = field.dyn_into::<web_sys::HtmlElement>() {
        let _ = field.focus();
        let label = document().query_selector(&format!("label[for='{id}'], #{id}-legend")).ok().flatten();
        if let Some(label) = label {
            label.scroll_into_view();
        }
    }
}
