//! The email and name types: any text gives a value or a message, never a panic; an accepted
//! email's key (what rule 6 compares) is already its own key, so two spellings that meet on a
//! key stay met.
#![no_main]

use app::domain::{PersonName, WorkEmail};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    if let Ok(email) = WorkEmail::parse(text) {
        let key = email.key();
        assert_eq!(app::domain::email::email_key(&key), key, "the key of a key is itself");
    }
    let _ = PersonName::parse(text);
});
