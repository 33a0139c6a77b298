//! A work email address, parsed once and then trusted.
//!
//! Rule 6 compares people by their email, so two spellings of one address must give one key:
//! on the server, [`email_key`] applies Unicode's compatibility caseless matching:
//! compatibility normalisation (which turns fullwidth `ｓａｍ` into `sam`) and full case
//! folding (`ß` into `ss`). Characters that cannot be seen (a soft hyphen, a zero-width space,
//! a direction mark) would give one person two keys that look the same, so they are refused
//! when the address is parsed, in the browser too.

use serde::{Deserialize, Serialize};

/// The punctuation an address may contain besides letters and digits (RFC 5322's `atext`,
/// with the dot and the at sign).
const ALLOWED_PUNCTUATION: &str = ".@!#$%&'*+/=?^_`{|}~-";

/// What a person is told when the address holds a character outside letters, digits and that
/// punctuation: in practice an invisible one that came along with a copy and paste.
pub const HIDDEN_CHARACTER_MESSAGE: &str = "Your work email address contains a hidden or unusual \
    character, perhaps from copying and pasting it. Type the address again, like name@nhs.net";

/// The ASCII character a fullwidth form (U+FF01 to U+FF5E, and the ideographic space) stands for.
fn narrow(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        c => c,
    }
}

/// A syntactically valid email address, trimmed; compare people by their key ([`email_key`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkEmail(String);

impl WorkEmail {
    /// Parses what a person typed, with a message that says how to fix it. Fullwidth forms of
    /// ASCII (from an East Asian keyboard: `ｓａｍ＠ｎｈｓ．ｎｅｔ`) are read as the ASCII they
    /// stand for, as NFKC would, so the address is stored as it can be sent to.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let narrowed: String = raw.chars().map(narrow).collect();
        let value = narrowed.trim();
        if value.is_empty() {
            return Err("Enter your work email address, like name@nhs.net".into());
        }
        let format = || "Enter your work email address in the correct format, like name@nhs.net".to_string();
        if value.chars().count() > 254 || value.chars().any(char::is_whitespace) {
            return Err(format());
        }
        // Letters and digits of any script pass (`is_alphanumeric`); a format or control
        // character (soft hyphen, zero-width space, bidi marks), a combining mark or a symbol
        // does not.
        if !value.chars().all(|c| c.is_alphanumeric() || ALLOWED_PUNCTUATION.contains(c)) {
            return Err(HIDDEN_CHARACTER_MESSAGE.into());
        }
        let (local, domain) = value.split_once('@').ok_or_else(format)?;
        let domain_ok = domain.contains('.')
            && !domain.contains('@')
            && domain.split('.').all(|label| {
                !label.is_empty()
                    && !label.starts_with('-')
                    && !label.ends_with('-')
                    && label.chars().all(|c| c.is_alphanumeric() || c == '-')
            });
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && !local.starts_with('.')
            && !local.ends_with('.')
            && !local.contains("..")
            && !local.contains(['"', '(', ')', ',', ':', ';', '<', '>', '[', '\\', ']']);
        if !(local_ok && domain_ok) {
            return Err(format());
        }
        Ok(Self(value.to_string()))
    }

    /// The address as typed (trimmed).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The key that identifies the person (see [`email_key`]).
    #[cfg(feature = "parsers")]
    pub fn key(&self) -> String {
        email_key(&self.0)
    }
}

/// The comparison key of an email address: Unicode's compatibility caseless matching (The
/// Unicode Standard, D146: NFKD(fold(NFKD(fold(NFD(x)))))), composed again (NFC) and trimmed.
/// One person, however their keyboard spells it; and the key of a key is that key, which a
/// single NFKC-then-fold pass is not (`ͺ` decomposes to a space and a combining iota).
/// Server only: the tables would triple the size of the browser's wasm.
#[cfg(feature = "parsers")]
pub fn email_key(raw: &str) -> String {
    use caseless::default_case_fold_str as fold;
    use unicode_normalization::UnicodeNormalization;
    let once: String = fold(&raw.nfd().collect::<String>()).nfkd().collect();
    let twice: String = fold(&once).nfkd().collect();
    twice.nfc().collect::<String>().trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plain_nhs_address_is_accepted() {
        assert_eq!(WorkEmail::parse(" sam.jones@nhs.net ").unwrap().as_str(), "sam.jones@nhs.net");
    }

    #[test]
    fn an_empty_address_asks_for_one() {
        assert_eq!(WorkEmail::parse("  "), Err("Enter your work email address, like name@nhs.net".into()));
    }

    #[test]
    fn an_address_without_an_at_sign_shows_the_expected_format() {
        let err = WorkEmail::parse("sam.jones.nhs.net").unwrap_err();
        assert!(err.contains("like name@nhs.net"), "{err}");
    }

    #[test]
    fn an_address_without_a_dot_in_the_domain_is_rejected() {
        assert!(WorkEmail::parse("sam@localhost").is_err());
    }

    #[test]
    fn an_address_with_two_at_signs_or_spaces_is_rejected() {
        assert!(WorkEmail::parse("sam@@nhs.net").is_err());
        assert!(WorkEmail::parse("sam@nhs.net@nhs.net").is_err());
        assert!(WorkEmail::parse("sam jones@nhs.net").is_err());
    }

    #[test]
    fn an_address_with_an_empty_domain_label_is_rejected() {
        assert!(WorkEmail::parse("sam@nhs..net").is_err());
        assert!(WorkEmail::parse("sam@.nhs.net").is_err());
    }

    #[test]
    fn an_address_longer_than_254_characters_is_rejected() {
        let long = format!("{}@{}.nhs.net", "a".repeat(60), "b".repeat(200));
        assert!(WorkEmail::parse(&long).is_err());
    }

    #[cfg(feature = "parsers")]
    fn key(raw: &str) -> String {
        WorkEmail::parse(raw).unwrap().key()
    }

    #[test]
    #[cfg(feature = "parsers")]
    fn the_key_ignores_capitalisation() {
        let a = WorkEmail::parse("Sam.Jones@NHS.net").unwrap();
        assert_eq!(a.key(), key("sam.jones@nhs.net"));
        assert_eq!(a.as_str(), "Sam.Jones@NHS.net");
    }

    #[test]
    #[cfg(feature = "parsers")]
    fn fullwidth_letters_give_the_same_key_as_plain_ones() {
        assert_eq!(key("ｓａｍ．ｊｏｎｅｓ＠ｎｈｓ．ｎｅｔ"), "sam.jones@nhs.net");
        assert_eq!(key("ＳＡＭ.jones@nhs.net"), "sam.jones@nhs.net");
        assert_eq!(WorkEmail::parse("ｓａｍ＠ｎｈｓ．ｎｅｔ").unwrap().as_str(), "sam@nhs.net", "stored as it can be sent to");
    }

    #[test]
    #[cfg(feature = "parsers")]
    fn sharp_s_folds_to_ss_as_a_capital_would() {
        assert_eq!(key("strauß@nhs.net"), key("STRAUSS@nhs.net"));
        assert_eq!(key("strauß@nhs.net"), "strauss@nhs.net");
    }

    #[test]
    #[cfg(feature = "parsers")]
    fn the_turkish_dotted_capital_i_keeps_its_dot_and_differs_from_a_plain_i() {
        // Full (not Turkic) folding: İ becomes i with a combining dot above, as it lower-cases.
        assert_eq!(key("AYŞE.İNCE@nhs.net"), email_key("ayşe.i\u{307}nce@nhs.net"));
        assert_ne!(key("AYŞE.İNCE@nhs.net"), key("ayse.ince@nhs.net"));
        assert_ne!(key("ayşe.ınce@nhs.net"), key("ayşe.ince@nhs.net"), "a dotless ı is another letter");
    }

    #[test]
    #[cfg(feature = "parsers")]
    fn the_key_of_a_key_is_itself() {
        // Found by the email_and_name fuzz target: U+037A decomposes to a space and a combining
        // iota, so a key made by one NFKC-then-fold pass began with a space that the next pass
        // trimmed away.
        for raw in ["\u{37a}\u{36e}.gGs@w\u{37a}\u{36e}.g", "\u{345}a@nhs.net", "ǅa@nhs.net", "ﬀ\u{1e9e}@nhs.net", "AYŞE.İNCE@nhs.net"] {
            let once = email_key(raw);
            assert_eq!(email_key(&once), once, "{raw:?}");
        }
        assert_eq!(key("\u{37a}a@nhs.net"), key("\u{399}A@NHS.NET"), "the ypogegrammeni folds to an iota");
    }

    #[test]
    fn a_soft_hyphen_is_refused_with_a_message_that_says_why() {
        assert_eq!(WorkEmail::parse("sam.jones\u{AD}@nhs.net"), Err(HIDDEN_CHARACTER_MESSAGE.into()));
    }

    #[test]
    fn zero_width_and_direction_characters_are_refused() {
        for hidden in ['\u{200B}', '\u{200C}', '\u{200D}', '\u{2060}', '\u{FEFF}', '\u{200E}', '\u{202E}', '\u{180E}'] {
            let raw = format!("sam{hidden}.jones@nhs.net");
            assert_eq!(WorkEmail::parse(&raw), Err(HIDDEN_CHARACTER_MESSAGE.into()), "{hidden:?}");
        }
    }

    #[test]
    fn letters_of_other_scripts_are_accepted() {
        assert!(WorkEmail::parse("zoë.o'brien@nhs.net").is_ok());
        assert!(WorkEmail::parse("ayşe.İnce@nhs.net").is_ok());
    }
}
