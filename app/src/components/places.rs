//! "12 places left", "1 place left", "Full — you can still apply and join the waiting list".

use leptos::prelude::*;

/// The words for a number of places remaining.
pub fn places_text(remaining: i64) -> String {
    match remaining {
        i64::MIN..=0 => "Full — you can still apply and join the waiting list".into(),
        1 => "1 place left".into(),
        n => format!("{n} places left"),
    }
}

/// A cohort's places remaining as a badge.
#[component]
pub fn PlacesLeft(#[prop(into)] remaining: Signal<i64>) -> impl IntoView {
    view! {
        <strong class="places" class:places--full=move || remaining.get() <= 0 class:places--few=move || (1..=3).contains(&remaining.get())>
            {move || places_text(remaining.get())}
        </strong>
    }
}

#[cfg(test)]
mod tests {
    use super::places_text;

    #[test]
    fn places_are_counted_in_plain_words() {
        assert_eq!(places_text(12), "12 places left");
        assert_eq!(places_text(1), "1 place left");
        assert_eq!(places_text(0), "Full — you can still apply and join the waiting list");
    }
}
