//! Matching Zoom attendees to applications for a coordinator to confirm: the same email first,
//! then the most similar name. Server only.

/// How an attendee was matched to an application.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MatchKind {
    Email,
    Name,
}

impl MatchKind {
    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Email => "email",
            Self::Name => "name",
        }
    }
}

/// Names this similar (Jaro–Winkler, 0 to 1) or more are offered as a likely match.
pub const NAME_THRESHOLD: f64 = 0.88;

/// A name for comparing: lower case, letters and spaces only, "Patel, Raj" turned to "raj patel".
pub fn comparable_name(name: &str) -> String {
    let turned = match name.split_once(',') {
        Some((last, first)) => format!("{} {}", first.trim(), last.trim()),
        None => name.to_string(),
    };
    let letters: String = turned
        .to_lowercase()
        .chars()
        .map(|c| match c {
            'á' | 'à' | 'â' | 'ä' => 'a',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'í' | 'ì' | 'î' | 'ï' => 'i',
            'ó' | 'ò' | 'ô' | 'ö' => 'o',
            'ú' | 'ù' | 'û' | 'ü' => 'u',
            c if c.is_alphabetic() => c,
            _ => ' ',
        })
        .collect();
    letters.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// An active application an attendee may be, with its name and email ready for comparing
/// (worked out once per report, not once per attendee).
#[derive(Clone, Debug)]
pub struct Candidate {
    pub application_id: i64,
    name: String,
    email_key: String,
}

impl Candidate {
    pub fn new(application_id: i64, name: &str, email: &str) -> Self {
        Self { application_id, name: comparable_name(name), email_key: super::email::email_key(email) }
    }
}

/// The application (by id) an attendee most likely is: one with the same email, else the one
/// with the most similar name above the threshold.
pub fn best_match(
    attendee_name: &str,
    attendee_email: Option<&str>,
    candidates: &[Candidate],
) -> Option<(i64, MatchKind)> {
    if let Some(email) = attendee_email {
        let key = super::email::email_key(email);
        if let Some(found) = candidates.iter().find(|c| c.email_key == key) {
            return Some((found.application_id, MatchKind::Email));
        }
    }
    let wanted = comparable_name(attendee_name);
    if wanted.is_empty() {
        return None;
    }
    candidates
        .iter()
        .map(|c| (c.application_id, strsim::jaro_winkler(&wanted, &c.name)))
        .filter(|(_, score)| *score >= NAME_THRESHOLD)
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(id, _)| (id, MatchKind::Name))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn candidates() -> Vec<Candidate> {
        vec![
            Candidate::new(1, "Amina Khan", "amina.khan@example.nhs.uk"),
            Candidate::new(2, "Tom O'Neill", "tom.oneill@example.nhs.uk"),
            Candidate::new(3, "Raj Patel", "r.patel@trust.nhs.uk"),
            Candidate::new(4, "Siobhan Murphy", "siobhan.murphy@example.nhs.uk"),
        ]
    }

    #[test]
    fn the_same_email_matches_first_whatever_the_name() {
        assert_eq!(best_match("A. K.", Some("AMINA.KHAN@example.nhs.uk"), &candidates()), Some((1, MatchKind::Email)));
    }

    #[test]
    fn without_an_email_a_similar_name_matches() {
        assert_eq!(best_match("Tom O'Neill", None, &candidates()), Some((2, MatchKind::Name)));
        assert_eq!(best_match("Patel, Raj", None, &candidates()), Some((3, MatchKind::Name)));
        assert_eq!(best_match("Siobhán Murphy", None, &candidates()), Some((4, MatchKind::Name)));
    }

    #[test]
    fn a_device_name_or_a_stranger_matches_nothing() {
        assert_eq!(best_match("iPhone (2)", None, &candidates()), None);
        assert_eq!(best_match("Ward 7 Laptop", None, &candidates()), None);
        assert_eq!(best_match("Jane Smith", Some("jane@elsewhere.org"), &candidates()), None);
    }

    #[test]
    fn names_compare_without_case_accents_punctuation_or_surname_first() {
        assert_eq!(comparable_name("Patel, Raj"), "raj patel");
        assert_eq!(comparable_name("SIOBHÁN  murphy"), "siobhan murphy");
        assert_eq!(comparable_name("Tom O'Neill"), "tom o neill");
    }
}
