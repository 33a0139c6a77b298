//! A work email address, parsed once and then trusted.

use serde::{Deserialize, Serialize};

/// A syntactically valid email address, trimmed; compare people by [`WorkEmail::key`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkEmail(String);

impl WorkEmail {
    /// Parses what a person typed, with a message that says how to fix it.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let value = raw.trim();
        if value.is_empty() {
            return Err("Enter your work email address, like name@nhs.net".into());
        }
        let format = || "Enter your work email address in the correct format, like name@nhs.net".to_string();
        if value.chars().count() > 254 || value.chars().any(char::is_whitespace) {
            return Err(format());
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

    /// The address in lower case: one person, however they capitalise it.
    pub fn key(&self) -> String {
        self.0.to_lowercase()
    }
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

    #[test]
    fn the_key_ignores_capitalisation() {
        let a = WorkEmail::parse("Sam.Jones@NHS.net").unwrap();
        let b = WorkEmail::parse("sam.jones@nhs.net").unwrap();
        assert_eq!(a.key(), b.key());
        assert_eq!(a.as_str(), "Sam.Jones@NHS.net");
    }
}
