//! A person's full name as they write it.

use serde::{Deserialize, Serialize};

/// The longest name accepted, in characters.
pub const MAX_NAME_CHARS: usize = 100;

/// A trimmed, non-empty name of at most [`MAX_NAME_CHARS`] characters.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonName(String);

impl PersonName {
    /// Parses what a person typed, with a message that says how to fix it.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let value = raw.trim();
        if value.is_empty() {
            return Err("Enter your full name".into());
        }
        if value.chars().count() > MAX_NAME_CHARS {
            return Err(format!("Your full name must be {MAX_NAME_CHARS} characters or fewer"));
        }
        if value.chars().any(|c| c.is_control() || matches!(c, '<' | '>' | '{' | '}' | '\\')) {
            return Err("Your full name must only include letters, spaces, hyphens and apostrophes".into());
        }
        if !value.chars().any(char::is_alphabetic) {
            return Err("Your full name must include letters".into());
        }
        Ok(Self(value.to_string()))
    }

    /// The name as typed (trimmed).
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_with_accents_apostrophes_and_hyphens_is_accepted() {
        assert_eq!(PersonName::parse(" Siobhán O'Neill-Murphy ").unwrap().as_str(), "Siobhán O'Neill-Murphy");
    }

    #[test]
    fn an_empty_name_asks_for_one() {
        assert_eq!(PersonName::parse(" \t "), Err("Enter your full name".into()));
    }

    #[test]
    fn a_name_longer_than_100_characters_is_rejected() {
        assert!(PersonName::parse(&"a".repeat(101)).is_err());
        assert!(PersonName::parse(&"a".repeat(100)).is_ok());
    }

    #[test]
    fn a_name_with_markup_characters_is_rejected() {
        assert!(PersonName::parse("<script>").is_err());
    }

    #[test]
    fn a_name_without_letters_is_rejected() {
        assert!(PersonName::parse("12345").is_err());
    }
}
