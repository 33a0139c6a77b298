//! Form fields in the NHS pattern: label, hint, error message, and the input described by
//! both, with the field group marked when it has an error.

use leptos::prelude::*;

/// The `aria-describedby` value for a field with an optional hint and an optional error.
fn described_by(id: &str, has_hint: bool, has_error: bool) -> Option<String> {
    let ids: Vec<String> = [has_hint.then(|| format!("{id}-hint")), has_error.then(|| format!("{id}-error"))]
        .into_iter()
        .flatten()
        .collect();
    (!ids.is_empty()).then(|| ids.join(" "))
}

/// "Error: …" beside the field, its id `{id}-error`.
#[component]
pub fn ErrorMessage(id: String, #[prop(into)] error: Signal<Option<String>>) -> impl IntoView {
    move || {
        error.get().map(|message| {
            view! {
                <p class="error-message" id=format!("{id}-error")>
                    <span class="visually-hidden">"Error: "</span>
                    {message}
                </p>
            }
        })
    }
}

/// A hint below the label, its id `{id}-hint`.
#[component]
pub fn Hint(id: String, text: Option<String>) -> impl IntoView {
    text.map(|text| view! { <div class="hint" id=format!("{id}-hint")>{text}</div> })
}

/// A single-line text input.
#[component]
pub fn TextInput(
    id: &'static str,
    label: &'static str,
    #[prop(optional, into)] hint: Option<String>,
    #[prop(into)] value: String,
    #[prop(into)] error: Signal<Option<String>>,
    #[prop(default = "text")] input_type: &'static str,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(default = "input")] class: &'static str,
    #[prop(optional)] spellcheck: Option<bool>,
) -> impl IntoView {
    let has_hint = hint.is_some();
    view! {
        <div class="form-group" class:form-group--error=move || error.get().is_some()>
            <label class="label" for=id>{label}</label>
            <Hint id=id.to_string() text=hint />
            <ErrorMessage id=id.to_string() error />
            <input
                class=class
                class:input--error=move || error.get().is_some()
                id=id
                name=id.replace('-', "_")
                type=input_type
                value=value
                autocomplete=autocomplete
                spellcheck=spellcheck.map(|s| s.to_string())
                aria-describedby=move || described_by(id, has_hint, error.get().is_some())
                aria-invalid=move || error.get().is_some().then_some("true")
            />
        </div>
    }
}

/// A multi-line text area.
#[component]
pub fn TextArea(
    id: &'static str,
    label: &'static str,
    #[prop(optional, into)] hint: Option<String>,
    #[prop(into)] value: String,
    #[prop(into)] error: Signal<Option<String>>,
) -> impl IntoView {
    let has_hint = hint.is_some();
    view! {
        <div class="form-group" class:form-group--error=move || error.get().is_some()>
            <label class="label" for=id>{label}</label>
            <Hint id=id.to_string() text=hint />
            <ErrorMessage id=id.to_string() error />
            // Leptos writes a textarea's children raw (leptos-rs/leptos #4819), so what was
            // typed goes in escaped, by hand: `</textarea><script>` stays text.
            <textarea
                class="textarea"
                class:input--error=move || error.get().is_some()
                id=id
                name=id.replace('-', "_")
                rows="4"
                aria-describedby=move || described_by(id, has_hint, error.get().is_some())
                aria-invalid=move || error.get().is_some().then_some("true")
                inner_html=escape_text(&value)
            ></textarea>
        </div>
    }
}

/// Text made safe to write as raw HTML: the five characters that could end an element or an
/// attribute become character references, which a browser turns back into the same text.
pub fn escape_text(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            c => escaped.push(c),
        }
    }
    escaped
}

/// One option of a radio group: value, label, and an optional hint.
pub type RadioOption = (String, String, Option<String>);

/// A group of radios in a fieldset; the first radio's id is `{id}` (the error summary's
/// target), the others `{id}-2`, `{id}-3`….
#[component]
pub fn Radios(
    id: &'static str,
    name: &'static str,
    legend: &'static str,
    #[prop(optional, into)] hint: Option<String>,
    options: Vec<RadioOption>,
    #[prop(into)] selected: String,
    #[prop(into)] error: Signal<Option<String>>,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    let has_hint = hint.is_some();
    let radios = options
        .into_iter()
        .enumerate()
        .map(|(i, (value, label, option_hint))| {
            let radio_id = if i == 0 { id.to_string() } else { format!("{id}-{}", i + 1) };
            let hint_id = format!("{radio_id}-item-hint");
            let checked = value == selected;
            view! {
                <div class="radios__item">
                    <input
                        class="radios__input"
                        id=radio_id.clone()
                        name=name
                        type="radio"
                        value=value
                        checked=checked
                        aria-describedby=option_hint.as_ref().map(|_| hint_id.clone())
                    />
                    <label class="label radios__label" for=radio_id>{label}</label>
                    {option_hint.map(|text| view! { <div class="hint radios__hint" id=hint_id>{text}</div> })}
                </div>
            }
        })
        .collect_view();
    view! {
        <div class="form-group" class:form-group--error=move || error.get().is_some()>
            <fieldset class="fieldset" aria-describedby=move || described_by(id, has_hint, error.get().is_some())>
                <legend class="fieldset__legend" id=format!("{id}-legend")>{legend}</legend>
                <Hint id=id.to_string() text=hint />
                <ErrorMessage id=id.to_string() error />
                <div class="radios">{radios}</div>
                {children.map(|c| c())}
            </fieldset>
        </div>
    }
}

/// A drop-down list; `options` are (value, label) pairs.
#[component]
pub fn Select(
    id: &'static str,
    label: String,
    #[prop(optional, into)] hint: Option<String>,
    options: Vec<(String, String)>,
    #[prop(into)] selected: String,
    #[prop(into)] error: Signal<Option<String>>,
    /// Told the chosen value whenever it changes.
    #[prop(optional)]
    on_change: Option<Callback<String>>,
) -> impl IntoView {
    let has_hint = hint.is_some();
    let choices = options
        .into_iter()
        .map(|(value, text)| {
            let is_selected = value == selected;
            view! { <option value=value selected=is_selected>{text}</option> }
        })
        .collect_view();
    view! {
        <div class="form-group" class:form-group--error=move || error.get().is_some()>
            <label class="label" for=id>{label}</label>
            <Hint id=id.to_string() text=hint />
            <ErrorMessage id=id.to_string() error />
            <select
                class="select"
                class:input--error=move || error.get().is_some()
                id=id
                name=id.replace('-', "_")
                aria-describedby=move || described_by(id, has_hint, error.get().is_some())
                aria-invalid=move || error.get().is_some().then_some("true")
                on:change=move |ev| {
                    if let Some(callback) = on_change {
                        callback.run(event_target_value(&ev));
                    }
                }
            >
                {choices}
            </select>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::described_by;

    #[test]
    fn a_field_is_described_by_its_hint_then_its_error() {
        assert_eq!(described_by("email", true, true).as_deref(), Some("email-hint email-error"));
        assert_eq!(described_by("email", false, true).as_deref(), Some("email-error"));
        assert_eq!(described_by("email", false, false), None);
    }
}
