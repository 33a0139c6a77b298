//! Random secrets and codes: status tokens, references and attendance codes (server only).

use rand::Rng;

/// Letters and digits that cannot be mistaken for each other when read aloud or copied
/// (no 0/O, 1/I/L).
const REFERENCE_ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";

/// Words kept out of attendance codes: a code is read aloud to a room of nurses.
const UNFIT_WORDS: &[&str] = &[
    "abuse", "addict", "alcohol", "arrest", "bitter", "blood", "bomb", "bullet", "cage", "cancel", "cancer",
    "chaos", "coffin", "corpse", "crash", "crazy", "crime", "cruel", "damage", "danger", "dead", "death", "debt",
    "disease", "divorce", "drug", "drunk", "dumb", "enemy", "error", "evil", "exile", "expire", "fat", "fatal",
    "fault", "fever", "fury", "gossip", "guilt", "gun", "hazard", "horror", "hurt", "ill", "injury", "insane",
    "jail", "junk", "kill", "knife", "lawsuit", "lonely", "mad", "naive", "naked", "nasty", "oppose", "orphan",
    "pain", "panic", "pig", "pistol", "poison", "prison", "rifle", "riot", "risk", "rude", "sad", "scare", "sex",
    "sexy", "sick", "slave", "smoke", "sorry", "spy", "suffer", "suicide", "sword", "tired", "toilet", "toxic",
    "tragic", "trap", "ugly", "upset", "victim", "virus", "war", "weapon", "weird", "wine", "worry", "wreck",
    "wrong",
];

/// How many words make an attendance code.
pub const CODE_WORDS: usize = 4;

/// The words attendance codes are made of: BIP-39's English list (2,048 common words chosen to
/// be told apart by their first four letters), cut to those of six letters or fewer and fit to
/// be read aloud. About 1,530 words, so four of them give about 5.5 × 10¹² codes (42 bits).
pub fn code_words() -> &'static [&'static str] {
    static WORDS: std::sync::OnceLock<Vec<&'static str>> = std::sync::OnceLock::new();
    WORDS.get_or_init(|| {
        bip39::Language::English
            .word_list()
            .iter()
            .copied()
            .filter(|w| w.len() <= 6 && !UNFIT_WORDS.contains(w))
            .collect()
    })
}

/// A private status token: 192 random bits as 48 hex digits.
pub fn status_token() -> String {
    random_hex(24)
}

/// A sign-in session secret: 256 random bits as 64 hex digits.
pub fn session_secret() -> String {
    random_hex(32)
}

/// A Content-Security-Policy nonce: 128 random bits as 32 hex digits, fresh for each response.
pub fn csp_nonce() -> String {
    random_hex(16)
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

/// An attendance code such as `maple-orbit-shed-river`: four common words, easy to read aloud
/// in a Zoom call and to type on a phone (compared without case, spaces or hyphens). Guessing
/// is hopeless within the wrong-code limits: see docs/security.md for the arithmetic.
pub fn attendance_code() -> String {
    let words = code_words();
    let mut rng = rand::rng();
    (0..CODE_WORDS).map(|_| words[rng.random_range(0..words.len())]).collect::<Vec<_>>().join("-")
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
    fn an_attendance_code_is_four_short_words_joined_by_hyphens() {
        let code = attendance_code();
        let words: Vec<&str> = code.split('-').collect();
        assert_eq!(words.len(), CODE_WORDS, "{code}");
        assert!(words.iter().all(|w| code_words().contains(w) && w.len() <= 6), "{code}");
    }

    #[test]
    fn the_code_space_holds_over_a_trillion_codes() {
        let words = code_words().len();
        assert!(words >= 1200, "only {words} words");
        let space = (words as f64).powi(CODE_WORDS as i32);
        assert!(space > 2.0e12, "{space}");
        assert!(code_words().iter().all(|w| !UNFIT_WORDS.contains(w)));
        let distinct: HashSet<&str> = code_words().iter().copied().collect();
        assert_eq!(distinct.len(), words, "no word twice");
    }

    #[test]
    fn codes_do_not_repeat() {
        let codes: HashSet<String> = (0..1000).map(|_| attendance_code()).collect();
        assert_eq!(codes.len(), 1000);
    }
}
