//! The joining form: what an applicant sends, and the checks that turn it into a
//! `NewApplication`. The browser runs the same checks after hydration; the server runs them
//! again and is the authority (it also checks the attendance code against the database).

use super::allocation::CohortChoice;
use super::text::parse_text;
use super::{field, PersonName, WorkEmail};
use crate::errors::FieldErrors;
use serde::{Deserialize, Serialize};

/// Field names in the order the form shows them; error summaries follow this order.
pub const FIELD_ORDER: [&str; 10] = [
    "name",
    "email",
    "job_title",
    "employer",
    "nurse_advocate",
    "taster_session_id",
    "attendance_code",
    "cohort_preferences",
    "access_needs",
    "consent",
];

/// The longest access-needs note accepted, in characters.
pub const MAX_ACCESS_NEEDS_CHARS: usize = 1000;

/// Whether the applicant is a nurse advocate (the course is free for them).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NurseAdvocate {
    Yes,
    InTraining,
    No,
}

impl NurseAdvocate {
    /// Every answer, in the order the form offers them.
    pub const ALL: [Self; 3] = [Self::Yes, Self::InTraining, Self::No];

    /// The stored, posted and JSON spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Yes => "yes",
            Self::InTraining => "in_training",
            Self::No => "no",
        }
    }

    /// The words on the form.
    pub fn label(self) -> &'static str {
        match self {
            Self::Yes => "Yes, I am a nurse advocate",
            Self::InTraining => "I am training to be a nurse advocate",
            Self::No => "No",
        }
    }

    /// Reads the posted spelling.
    pub fn parse(value: &str) -> Result<Self, String> {
        Self::ALL
            .into_iter()
            .find(|a| a.as_str() == value.trim())
            .ok_or_else(|| "Select whether you are a nurse advocate".to_string())
    }
}

/// The key an attendance code is compared by: without case, spaces or hyphens, so
/// "Maple orbit-Shed river" is `mapleorbitshedriver`. (ASCII lower case is enough: a code with
/// any other letter is refused by [`normalise_attendance_code`].)
pub fn attendance_code_key(raw: &str) -> String {
    raw.chars().filter(|c| !c.is_whitespace() && *c != '-').collect::<String>().to_ascii_lowercase()
}

/// An attendance code as typed, as its key: letters and digits only.
pub fn normalise_attendance_code(raw: &str) -> Result<Option<String>, String> {
    let code = attendance_code_key(raw);
    if code.is_empty() {
        return Ok(None);
    }
    if code.chars().count() > 40 || !code.chars().all(|c| c.is_ascii_alphanumeric()) || code.len() < 4 {
        return Err("Enter the attendance code as it was shown in the session, like maple-orbit-shed-river".into());
    }
    Ok(Some(code))
}

/// What an applicant sends (the form or the JSON API), before any check.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplicationInput {
    pub name: String,
    pub email: String,
    pub job_title: String,
    pub employer: String,
    pub nurse_advocate: String,
    pub taster_session_id: Option<i64>,
    pub attendance_code: String,
    /// Cohort ids in rank order; empty means any cohort.
    pub cohort_preferences: Vec<i64>,
    pub access_needs: String,
    pub consent: bool,
}

/// A joining form that passed every check: only this reaches the store.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewApplication {
    pub name: PersonName,
    pub email: WorkEmail,
    pub job_title: String,
    pub employer: String,
    pub nurse_advocate: NurseAdvocate,
    pub taster_session_id: Option<i64>,
    /// Normalised (lower case, letters and digits only).
    pub attendance_code: Option<String>,
    pub choice: CohortChoice,
    pub access_needs: String,
}

/// What the checks need to know about the world: the cohorts open for applications and the
/// taster sessions an applicant can say they attended.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FormOptions {
    pub open_cohort_ids: Vec<i64>,
    pub attended_taster_ids: Vec<i64>,
}

impl NewApplication {
    /// Checks every field, collecting one message per field that says how to fix it.
    pub fn parse(input: &ApplicationInput, options: &FormOptions) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let name = field(&mut errors, "name", PersonName::parse(&input.name));
        let email = field(&mut errors, "email", WorkEmail::parse(&input.email));
        let job_title = field(&mut errors, "job_title", parse_text(&input.job_title, "your job title", 100, true));
        let employer = field(
            &mut errors,
            "employer",
            parse_text(&input.employer, "your employer", 150, true).map_err(|e| {
                if e == "Enter your employer" {
                    "Enter your employer, such as the name of your NHS trust".into()
                } else {
                    e
                }
            }),
        );
        let nurse_advocate = field(
            &mut errors,
            "nurse_advocate",
            NurseAdvocate::parse(&input.nurse_advocate).and_then(|answer| match answer {
                NurseAdvocate::No => Err(NOT_A_NURSE_ADVOCATE.to_string()),
                eligible => Ok(eligible),
            }),
        );
        let taster_session_id = field(
            &mut errors,
            "taster_session_id",
            match input.taster_session_id {
                Some(id) if !options.attended_taster_ids.contains(&id) => {
                    Err("Select a taster session from the list, or ‘I have not attended one yet’".to_string())
                }
                other => Ok(other),
            },
        );
        let attendance_code = field(&mut errors, "attendance_code", normalise_attendance_code(&input.attendance_code));
        let choice =
            field(&mut errors, "cohort_preferences", parse_choice(&input.cohort_preferences, &options.open_cohort_ids));
        let access_needs = field(
            &mut errors,
            "access_needs",
            parse_text(&input.access_needs, "your access needs", MAX_ACCESS_NEEDS_CHARS, false),
        );
        if !input.consent {
            errors.insert(
                "consent".into(),
                "Confirm that you have read the privacy notice and agree to us using your details".into(),
            );
        }
        match (
            name,
            email,
            job_title,
            employer,
            nurse_advocate,
            taster_session_id,
            attendance_code,
            choice,
            access_needs,
        ) {
            (
                Some(name),
                Some(email),
                Some(job_title),
                Some(employer),
                Some(nurse_advocate),
                Some(taster_session_id),
                Some(attendance_code),
                Some(choice),
                Some(access_needs),
            ) if errors.is_empty() => Ok(Self {
                name,
                email,
                job_title,
                employer,
                nurse_advocate,
                taster_session_id,
                attendance_code,
                choice,
                access_needs,
            }),
            _ => Err(errors),
        }
    }
}

/// The joining form exactly as posted, kept to show it again with its errors.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct JoinForm {
    pub name: String,
    pub email: String,
    pub job_title: String,
    pub employer: String,
    pub nurse_advocate: String,
    /// A taster session id, or empty for "I have not attended one yet".
    pub taster_session_id: String,
    pub attendance_code: String,
    /// "any", "ranked", or empty when neither was chosen.
    pub preference: String,
    /// `choice_1`, `choice_2`, …: cohort ids, empty where nothing was chosen.
    pub choices: Vec<String>,
    pub access_needs: String,
    pub consent: bool,
}

/// The answer to "No, I am not a nurse advocate": the free places are not for them, and the
/// form says so before anything is stored (the page adds the course team's address).
pub const NOT_A_NURSE_ADVOCATE: &str = "The free places are for nurse advocates and nurses training to be one, so \
    we cannot take your application. The course team can tell you about other ways to take part";

/// A stored nurse-advocate answer in words, for tables and spreadsheets.
pub fn nurse_advocate_words(stored: &str) -> &'static str {
    match NurseAdvocate::parse(stored) {
        Ok(NurseAdvocate::Yes) => "yes",
        Ok(NurseAdvocate::InTraining) => "in training",
        Ok(NurseAdvocate::No) => "no",
        Err(_) => "not given",
    }
}

/// The most ranked choices a form can carry.
pub const MAX_CHOICES: usize = 9;

impl JoinForm {
    /// Reads posted name/value pairs (a urlencoded body or the browser's FormData).
    pub fn from_pairs(pairs: impl IntoIterator<Item = (String, String)>) -> Self {
        let mut form = Self::default();
        for (name, value) in pairs {
            match name.as_str() {
                "name" => form.name = value,
                "email" => form.email = value,
                "job_title" => form.job_title = value,
                "employer" => form.employer = value,
                "nurse_advocate" => form.nurse_advocate = value,
                "taster_session_id" => form.taster_session_id = value,
                "attendance_code" => form.attendance_code = value,
                "preference" => form.preference = value,
                "access_needs" => form.access_needs = value,
                "consent" => form.consent = !value.is_empty(),
                other => {
                    let rank = other.strip_prefix("choice_").and_then(|n| n.parse::<usize>().ok());
                    if let Some(rank @ 1..=MAX_CHOICES) = rank {
                        if form.choices.len() < rank {
                            form.choices.resize(rank, String::new());
                        }
                        form.choices[rank - 1] = value;
                    }
                }
            }
        }
        form
    }

    /// The ranked choice at `rank` (1-based), or empty.
    pub fn choice(&self, rank: usize) -> &str {
        self.choices.get(rank.wrapping_sub(1)).map(String::as_str).unwrap_or("")
    }

    /// The rank (1-based) of the first choice that repeats an earlier one.
    pub fn repeated_choice(&self) -> Option<usize> {
        let mut seen = Vec::new();
        for (i, choice) in self.choices.iter().enumerate() {
            let choice = choice.trim();
            if choice.is_empty() {
                continue;
            }
            if seen.contains(&choice) {
                return Some(i + 1);
            }
            seen.push(choice);
        }
        None
    }

    /// Checks the form: its own shape first (numbers, the preference), then every rule of
    /// [`NewApplication::parse`]. All messages come back together.
    pub fn parse(&self, options: &FormOptions) -> Result<NewApplication, FieldErrors> {
        let mut errors = FieldErrors::new();
        let taster_session_id = match self.taster_session_id.trim() {
            "" => None,
            id => field(
                &mut errors,
                "taster_session_id",
                id.parse::<i64>().map_err(|_| "Select a taster session from the list".to_string()),
            ),
        };
        let cohort_preferences = match self.preference.as_str() {
            "any" => Vec::new(),
            "ranked" => {
                let picked: Vec<&str> = self.choices.iter().map(|c| c.trim()).filter(|c| !c.is_empty()).collect();
                if picked.is_empty() {
                    errors.insert("cohort_preferences".into(), "Select your first choice of course".into());
                }
                picked.iter().filter_map(|c| c.parse::<i64>().ok()).collect()
            }
            _ => {
                errors.insert(
                    "cohort_preferences".into(),
                    "Select whether you can join any course or have a preference".into(),
                );
                Vec::new()
            }
        };
        let input = ApplicationInput {
            name: self.name.clone(),
            email: self.email.clone(),
            job_title: self.job_title.clone(),
            employer: self.employer.clone(),
            nurse_advocate: self.nurse_advocate.clone(),
            taster_session_id,
            attendance_code: self.attendance_code.clone(),
            cohort_preferences,
            access_needs: self.access_needs.clone(),
            consent: self.consent,
        };
        match NewApplication::parse(&input, options) {
            Ok(app) if errors.is_empty() => Ok(app),
            Ok(_) => Err(errors),
            Err(mut more) => {
                // A course chosen twice: the message goes by the choice that repeats it.
                if let (Some(rank), Some(message)) = (self.repeated_choice(), more.get("cohort_preferences")) {
                    if message == CHOSEN_TWICE {
                        more.remove("cohort_preferences");
                        more.insert(format!("choice_{rank}"), CHOSEN_TWICE.into());
                    }
                }
                for (field, message) in more {
                    errors.entry(field).or_insert(message);
                }
                Err(errors)
            }
        }
    }
}

/// The message for a course ranked twice.
pub const CHOSEN_TWICE: &str = "Choose each course only once";

fn parse_choice(ranked: &[i64], open: &[i64]) -> Result<CohortChoice, String> {
    if open.is_empty() {
        return Err("No courses are open for applications at the moment".into());
    }
    if ranked.is_empty() {
        return Ok(CohortChoice::Any);
    }
    if ranked.iter().any(|id| !open.contains(id)) {
        return Err("Select a course from the list".into());
    }
    let mut seen = Vec::with_capacity(ranked.len());
    for id in ranked {
        if seen.contains(id) {
            return Err(CHOSEN_TWICE.into());
        }
        seen.push(*id);
    }
    Ok(CohortChoice::Ranked(seen))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options() -> FormOptions {
        FormOptions { open_cohort_ids: vec![1, 2], attended_taster_ids: vec![10, 11] }
    }

    fn valid() -> ApplicationInput {
        ApplicationInput {
            name: "Sam Jones".into(),
            email: "sam.jones@nhs.net".into(),
            job_title: "Ward manager".into(),
            employer: "Oxford University Hospitals NHS Foundation Trust".into(),
            nurse_advocate: "yes".into(),
            taster_session_id: Some(10),
            attendance_code: " Willow-27 ".into(),
            cohort_preferences: vec![2, 1],
            access_needs: String::new(),
            consent: true,
        }
    }

    #[test]
    fn a_complete_form_becomes_a_new_application() {
        let app = NewApplication::parse(&valid(), &options()).unwrap();
        assert_eq!(app.email.as_str(), "sam.jones@nhs.net");
        assert_eq!(app.attendance_code.as_deref(), Some("willow27"));
        assert_eq!(app.choice, CohortChoice::Ranked(vec![2, 1]));
        assert_eq!(app.nurse_advocate, NurseAdvocate::Yes);
    }

    #[test]
    fn an_empty_form_gets_one_message_per_required_field() {
        let errors = NewApplication::parse(&ApplicationInput::default(), &options()).unwrap_err();
        let fields: Vec<&str> = errors.keys().map(String::as_str).collect();
        assert_eq!(fields, ["consent", "email", "employer", "job_title", "name", "nurse_advocate"]);
        assert_eq!(errors["email"], "Enter your work email address, like name@nhs.net");
    }

    #[test]
    fn no_preference_means_any_cohort() {
        let input = ApplicationInput { cohort_preferences: vec![], ..valid() };
        assert_eq!(NewApplication::parse(&input, &options()).unwrap().choice, CohortChoice::Any);
    }

    #[test]
    fn a_cohort_that_is_not_open_is_refused() {
        let input = ApplicationInput { cohort_preferences: vec![3], ..valid() };
        let errors = NewApplication::parse(&input, &options()).unwrap_err();
        assert_eq!(errors["cohort_preferences"], "Select a course from the list");
    }

    #[test]
    fn a_cohort_ranked_twice_is_refused() {
        let input = ApplicationInput { cohort_preferences: vec![1, 1], ..valid() };
        let errors = NewApplication::parse(&input, &options()).unwrap_err();
        assert_eq!(errors["cohort_preferences"], "Choose each course only once");
    }

    #[test]
    fn with_no_open_cohort_nobody_can_apply() {
        let closed = FormOptions { open_cohort_ids: vec![], ..options() };
        let errors = NewApplication::parse(&valid(), &closed).unwrap_err();
        assert!(errors["cohort_preferences"].contains("No courses are open"));
    }

    #[test]
    fn a_taster_that_cannot_have_been_attended_is_refused() {
        let input = ApplicationInput { taster_session_id: Some(99), ..valid() };
        assert!(NewApplication::parse(&input, &options()).unwrap_err().contains_key("taster_session_id"));
    }

    #[test]
    fn the_taster_and_its_code_are_both_optional() {
        let input = ApplicationInput { taster_session_id: None, attendance_code: "  ".into(), ..valid() };
        let app = NewApplication::parse(&input, &options()).unwrap();
        assert_eq!((app.taster_session_id, app.attendance_code), (None, None));
    }

    #[test]
    fn an_attendance_code_with_symbols_is_refused_with_an_example() {
        let input = ApplicationInput { attendance_code: "willow!27".into(), ..valid() };
        assert!(NewApplication::parse(&input, &options()).unwrap_err()["attendance_code"].contains("like maple-orbit-shed-river"));
    }

    #[test]
    fn consent_is_required() {
        let input = ApplicationInput { consent: false, ..valid() };
        assert!(NewApplication::parse(&input, &options()).unwrap_err()["consent"].contains("privacy notice"));
    }

    #[test]
    fn access_needs_longer_than_the_limit_are_refused() {
        let input = ApplicationInput { access_needs: "a".repeat(MAX_ACCESS_NEEDS_CHARS + 1), ..valid() };
        assert!(NewApplication::parse(&input, &options()).unwrap_err().contains_key("access_needs"));
    }

    #[test]
    fn an_unknown_nurse_advocate_answer_is_refused() {
        let input = ApplicationInput { nurse_advocate: "maybe".into(), ..valid() };
        assert_eq!(
            NewApplication::parse(&input, &options()).unwrap_err()["nurse_advocate"],
            "Select whether you are a nurse advocate"
        );
    }

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn a_posted_form_is_read_with_its_ranked_choices() {
        let form = JoinForm::from_pairs(pairs(&[
            ("name", "Sam"),
            ("preference", "ranked"),
            ("choice_2", "1"),
            ("choice_1", "2"),
            ("choice_99", "7"),
            ("consent", "yes"),
        ]));
        assert_eq!(form.choices, ["2", "1"]);
        assert_eq!(form.choice(1), "2");
        assert_eq!(form.choice(3), "");
        assert!(form.consent);
    }

    #[test]
    fn a_form_without_a_preference_asks_for_one() {
        let errors = JoinForm::default().parse(&options()).unwrap_err();
        assert_eq!(errors["cohort_preferences"], "Select whether you can join any course or have a preference");
    }

    #[test]
    fn a_ranked_preference_without_a_first_choice_asks_for_it() {
        let form = JoinForm { preference: "ranked".into(), ..JoinForm::default() };
        assert_eq!(form.parse(&options()).unwrap_err()["cohort_preferences"], "Select your first choice of course");
    }

    #[test]
    fn a_complete_posted_form_becomes_a_new_application() {
        let form = JoinForm::from_pairs(pairs(&[
            ("name", "Sam Jones"),
            ("email", "sam@nhs.net"),
            ("job_title", "Ward manager"),
            ("employer", "A trust"),
            ("nurse_advocate", "in_training"),
            ("taster_session_id", "11"),
            ("attendance_code", ""),
            ("preference", "ranked"),
            ("choice_1", "2"),
            ("choice_2", ""),
            ("consent", "yes"),
        ]));
        let app = form.parse(&options()).unwrap();
        assert_eq!(app.choice, CohortChoice::Ranked(vec![2]));
        assert_eq!(app.taster_session_id, Some(11));
        assert_eq!(app.nurse_advocate, NurseAdvocate::InTraining);
    }

    #[test]
    fn a_tampered_taster_id_is_refused_not_a_panic() {
        let form = JoinForm { taster_session_id: "ten".into(), ..JoinForm::default() };
        assert_eq!(form.parse(&options()).unwrap_err()["taster_session_id"], "Select a taster session from the list");
    }

    #[test]
    fn a_course_chosen_twice_is_flagged_on_the_second_choice() {
        let form = JoinForm {
            preference: "ranked".into(),
            choices: vec!["2".into(), "".into(), "2".into()],
            ..JoinForm::default()
        };
        let errors = form.parse(&options()).unwrap_err();
        assert_eq!(errors["choice_3"], CHOSEN_TWICE);
        assert!(!errors.contains_key("cohort_preferences"));
    }

    #[test]
    fn someone_who_is_not_a_nurse_advocate_is_told_kindly_before_anything_is_stored() {
        let input = ApplicationInput { nurse_advocate: "no".into(), ..valid() };
        let errors = NewApplication::parse(&input, &options()).unwrap_err();
        assert_eq!(errors["nurse_advocate"], NOT_A_NURSE_ADVOCATE);
        assert_eq!(errors.len(), 1);
    }

    #[test]
    fn a_stored_answer_reads_as_words() {
        assert_eq!(nurse_advocate_words("in_training"), "in training");
        assert_eq!(nurse_advocate_words("yes"), "yes");
        assert_eq!(nurse_advocate_words("?"), "not given");
    }

    #[test]
    fn field_order_names_every_field_once() {
        let mut fields = FIELD_ORDER.to_vec();
        fields.sort();
        fields.dedup();
        assert_eq!(fields.len(), FIELD_ORDER.len());
    }
}
