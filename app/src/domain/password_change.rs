//! Coordinator passwords: how long one must be, and the form for changing one's own with the
//! checks that need no stored data (whether the current password is right is checked against
//! its hash by the caller). A form with problems comes back empty: passwords are never sent
//! back to the browser.

use crate::errors::FieldErrors;

/// The shortest password an account may have: length is what makes a password hard to guess,
/// so there are no rules about kinds of characters.
pub const MIN_PASSWORD_CHARS: usize = 12;

/// The longest password accepted, so hashing one stays cheap (a passphrase fits easily).
pub const MAX_PASSWORD_CHARS: usize = 256;

/// Checks a password chosen for an account; the message says how to fix it.
pub fn check_new_password(password: &str) -> Result<(), String> {
    let length = password.chars().count();
    if length < MIN_PASSWORD_CHARS {
        Err(format!("The password must be at least {MIN_PASSWORD_CHARS} characters long"))
    } else if length > MAX_PASSWORD_CHARS {
        Err(format!("The password must be {MAX_PASSWORD_CHARS} characters or fewer"))
    } else {
        Ok(())
    }
}

/// The fields in the order the form shows them (for the error summary).
pub const FIELDS: [&str; 3] = ["current_password", "new_password", "confirm_password"];

/// The form as posted.
pub struct PasswordChange {
    pub current: String,
    pub new: String,
    pub confirm: String,
}

impl PasswordChange {
    /// Every problem with the form, by field; nothing when it may go ahead.
    pub fn check(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::new();
        if self.current.is_empty() {
            errors.insert("current_password".into(), "Enter your current password".into());
        }
        let new_problem = if self.new.is_empty() {
            Some("Enter a new password".to_string())
        } else if let Err(message) = check_new_password(&self.new) {
            Some(message)
        } else if self.new == self.current {
            Some("Choose a new password that is different from your current one".to_string())
        } else {
            None
        };
        if let Some(message) = new_problem {
            errors.insert("new_password".into(), message);
        }
        if self.confirm.is_empty() {
            errors.insert("confirm_password".into(), "Enter the new password again".into());
        } else if self.confirm != self.new {
            errors.insert(
                "confirm_password".into(),
                "The two new passwords are different. Enter the same new password twice".into(),
            );
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

/// The summary's lines, in the form's order, each linking to its field.
pub fn summary_lines(errors: &FieldErrors) -> Vec<(String, String)> {
    FIELDS.iter().filter_map(|f| errors.get(*f).map(|m| (f.replace('_', "-"), m.clone()))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(current: &str, new: &str, confirm: &str) -> PasswordChange {
        PasswordChange { current: current.into(), new: new.into(), confirm: confirm.into() }
    }

    #[test]
    fn a_new_password_needs_twelve_characters_and_at_most_256() {
        assert!(check_new_password("eleven char").unwrap_err().contains("at least 12 characters"));
        assert!(check_new_password("twelve chars").is_ok());
        assert!(check_new_password(&"é".repeat(256)).is_ok());
        assert!(check_new_password(&"é".repeat(257)).unwrap_err().contains("256 characters or fewer"));
    }

    #[test]
    fn a_complete_form_with_a_long_enough_new_password_may_go_ahead() {
        assert!(change("old password 1", "a new long passphrase", "a new long passphrase").check().is_ok());
    }

    #[test]
    fn an_empty_form_names_every_field() {
        let errors = change("", "", "").check().unwrap_err();
        assert_eq!(errors["current_password"], "Enter your current password");
        assert_eq!(errors["new_password"], "Enter a new password");
        assert_eq!(errors["confirm_password"], "Enter the new password again");
    }

    #[test]
    fn a_short_new_password_is_refused_with_the_length_it_needs() {
        let errors = change("old password 1", "short", "short").check().unwrap_err();
        assert_eq!(errors["new_password"], "The password must be at least 12 characters long");
        assert!(!errors.contains_key("confirm_password"));
    }

    #[test]
    fn the_new_password_must_differ_from_the_current_one() {
        let errors = change("the same passphrase", "the same passphrase", "the same passphrase").check().unwrap_err();
        assert!(errors["new_password"].contains("different from your current one"));
    }

    #[test]
    fn the_confirmation_must_match() {
        let errors = change("old password 1", "a new long passphrase", "a new long passphrasE").check().unwrap_err();
        assert_eq!(errors.keys().collect::<Vec<_>>(), ["confirm_password"]);
    }

    #[test]
    fn the_summary_follows_the_form_and_links_to_each_field() {
        let errors = change("", "short", "").check().unwrap_err();
        let anchors: Vec<String> = summary_lines(&errors).into_iter().map(|(a, _)| a).collect();
        assert_eq!(anchors, ["current-password", "new-password", "confirm-password"]);
    }
}
