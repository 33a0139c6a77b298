//! Free-text fields with a length limit (job title, employer, access needs).

/// Trims `raw` and checks it is present (when `required`) and no longer than `max` characters.
///
/// `what` names the field in the message the person sees, e.g. "your job title".
pub fn parse_text(raw: &str, what: &str, max: usize, required: bool) -> Result<String, String> {
    let value = raw.trim();
    if value.is_empty() {
        return if required { Err(format!("Enter {what}")) } else { Ok(String::new()) };
    }
    if value.chars().count() > max {
        return Err(format!("{} must be {max} characters or fewer", capitalise(what)));
    }
    if value.chars().any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t') {
        return Err(format!("{} must not contain control characters", capitalise(what)));
    }
    Ok(value.to_string())
}

fn capitalise(what: &str) -> String {
    let mut chars = what.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_required_blank_field_asks_for_a_value() {
        assert_eq!(parse_text("   ", "your job title", 100, true), Err("Enter your job title".into()));
    }

    #[test]
    fn an_optional_blank_field_is_empty() {
        assert_eq!(parse_text(" ", "your access needs", 100, false), Ok(String::new()));
    }

    #[test]
    fn text_longer_than_the_limit_is_rejected_with_the_limit_named() {
        let long = "a".repeat(101);
        assert_eq!(
            parse_text(&long, "your job title", 100, true),
            Err("Your job title must be 100 characters or fewer".into())
        );
    }

    #[test]
    fn surrounding_spaces_are_trimmed() {
        assert_eq!(parse_text("  Ward sister ", "your job title", 100, true), Ok("Ward sister".into()));
    }
}
