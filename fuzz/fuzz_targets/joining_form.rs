//! The joining form's parser: any urlencoded body a browser (or anyone) posts to `/join` gives
//! an application or field messages, never a panic; the JSON API's input the same.
#![no_main]

use app::domain::application::{ApplicationInput, FormOptions, JoinForm, NewApplication};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let options = FormOptions { open_cohort_ids: vec![1, 2, 3], attended_taster_ids: vec![1] };
    let pairs = form_urlencoded::parse(bytes).into_owned();
    let form = JoinForm::from_pairs(pairs);
    let _ = form.repeated_choice();
    let _ = form.parse(&options);
    if let Ok(input) = serde_json::from_slice::<ApplicationInput>(bytes) {
        let _ = NewApplication::parse(&input, &options);
    }
});
