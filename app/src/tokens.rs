//! Random secrets and codes: status tokens, references and attendance codes (server only).

use rand::Rng;

/// Letters and digits that cannot be mistaken for each other when read aloud or copied
/// (no 0/O, 1/I/L).
const REFERENCE_ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";

/// Calm, easy-to-spell words for attendance codes, said aloud in a Zoom call.
const CODE_WORDS: &[&str] = &[
    "acorn", "amber", "aspen", "beacon", "birch", "bloom", "breeze", "brook", "canopy", "cedar", "clover", "coast",
    "comet", "coral", "cove", "daisy", "dawn", "delta", "dune", "ember", "fern", "field", "finch", "fjord", "flint",
    "garden", "glade", "glow", "grove", "harbour", "hazel", "heath", "heron", "hollow", "honey", "island", "ivy",
    "juniper", "kestrel", "lagoon", "lantern", "larch", "lark", "lilac", "linden", "lotus", "maple", "marsh", "meadow",
    "mist", "moor", "moss", "nectar", "oak", "orchard", "otter", "pebble", "pine", "plover", "pond", "poppy",
    "prairie", "quill", "rain", "raven", "reed", "ripple", "river", "robin", "rowan", "sage", "shore", "sky", "sorrel",
    "sparrow", "spring", "spruce", "star", "stone", "summit", "swallow", "thistle", "tide", "valley", "violet", "wave",
    "willow", "wren", "yarrow", "zephyr",
];

/// A private status token: 192 random bits as 48 hex digits.
pub fn status_token() -> String {
    random_hex(24)
}

/// A sign-in session secret: 256 random bits as 64 hex digits.
pub fn session_secret() -> String {
    random_hex(32)
}

/// A password for a new coordinator account, shown once to the admin who made it: 24
/// unambiguous letters and digits in groups of four (about 119 random bits).
pub fn one_time_password() -> String {
    let mut rng = rand::rng();
    let chars: Vec<char> =
        (0..24).map(|_| REFERENCE_ALPHABET[rng.random_range(0..REFERENCE_ALPHABET.len())] as char).collect();
    chars.chunks(4).map(|c| c.iter().collect::<String>()).collect::<Vec<_>>().join("-")
}

/// A short human reference such as `CL-7K3Q`; uniqueness is checked by the store.
pub fn reference() -> String {
    let mut rng = rand::rng();
    let code: String =
        (0..4).map(|_| REFERENCE_ALPHABET[rng.random_range(0..REFERENCE_ALPHABET.len())] as char).collect();
    format!("CL-{code}")
}

/// An attendance code such as `willow27`: one word and two digits.
pub fn attendance_code() -> String {
    let mut rng = rand::rng();
    let word = CODE_WORDS[rng.random_range(0..CODE_WORDS.len())];
    format!("{word}{:02}", rng.random_range(10..100))
}

fn random_hex(bytes: usize) -> String {
    let mut rng = rand::rng();
    (0..bytes).map(|_| format!("{:02x}", rng.random::<u8>())).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn a_status_token_carries_at_least_128_bits() {
        let token = status_token();
        assert_eq!(token.len(), 48);
        assert!(token.chars().all(|c| c.is_ascii_hexdigit()));
    }

    #[test]
    fn status_tokens_do_not_repeat() {
        let tokens: HashSet<String> = (0..1000).map(|_| status_token()).collect();
        assert_eq!(tokens.len(), 1000);
    }

    #[test]
    fn a_reference_is_cl_and_four_unambiguous_characters() {
        let reference = reference();
        assert_eq!(reference.len(), 7);
        assert!(reference.starts_with("CL-"));
        assert!(reference[3..].bytes().all(|b| REFERENCE_ALPHABET.contains(&b)));
    }

    #[test]
    fn a_one_time_password_is_six_groups_of_four() {
        let password = one_time_password();
        assert_eq!(password.len(), 29);
        assert_eq!(password.split('-').count(), 6);
    }

    #[test]
    fn an_attendance_code_is_a_word_and_two_digits() {
        let code = attendance_code();
        let (word, digits) = code.split_at(code.len() - 2);
        assert!(CODE_WORDS.contains(&word), "{code}");
        assert!(digits.chars().all(|c| c.is_ascii_digit()));
    }
}
