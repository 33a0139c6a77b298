//! The joining form and the applicant's status: what their pages load, and the one
//! submission path the form post and the JSON API share.

use crate::domain::application::{FormOptions, JoinForm};
use crate::errors::{AppError, FieldErrors};
use crate::models::{ApplicationStatus, Cohort, TasterSession};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// What the joining form shows, and what it was filled with when it comes back with errors.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JoinPageData {
    /// Cohorts open for applications, earliest first.
    pub cohorts: Vec<Cohort>,
    /// Taster sessions an applicant can say they attended (today's and past), latest first.
    pub tasters: Vec<TasterSession>,
    /// The submitted form and its errors, when the server sends it back.
    pub draft: Option<JoinDraft>,
    /// The course team's address, for those the form cannot take.
    pub contact_email: String,
}

impl JoinPageData {
    /// What the form's checks need to know.
    pub fn options(&self) -> FormOptions {
        FormOptions {
            open_cohort_ids: self.cohorts.iter().map(|c| c.id).collect(),
            attended_taster_ids: self.tasters.iter().map(|t| t.id).collect(),
        }
    }
}

/// A submitted form with the problems the server found in it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct JoinDraft {
    pub form: JoinForm,
    pub errors: FieldErrors,
    /// A problem that belongs to no field (e.g. the service was unavailable).
    pub notice: Option<String>,
}

/// Cohorts, taster sessions and (after a failed post) the draft for the joining form.
#[server(endpoint = "join_page")]
pub async fn get_join_page() -> Result<JoinPageData, AppError> {
    let state = crate::state::app_state()?;
    let (cohorts, tasters) = form_choices(&state.store, chrono::Utc::now()).await?;
    let contact_email = crate::state::app_state()?.mail.contact_email;
    Ok(JoinPageData { cohorts, tasters, draft: use_context::<JoinDraft>(), contact_email })
}

/// An application's current status, by its private token.
#[server(endpoint = "application_status")]
pub async fn get_application_status(token: String) -> Result<ApplicationStatus, AppError> {
    if !is_token_shaped(&token) {
        return Err(AppError::NotFound("We could not find that application".into()));
    }
    crate::state::app_state()?.store.application_status(&token).await
}

/// "Lost your link?" as it was posted: the address typed, the problem with it, or that the
/// answer was given.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FindLinkDraft {
    pub email: String,
    pub error: Option<String>,
    /// The form was accepted: the page says the link was sent if the address has an application.
    pub sent: bool,
}

/// What the "Lost your link?" page shows after a post.
#[server(endpoint = "find_link_page")]
pub async fn get_find_link_page() -> Result<Option<FindLinkDraft>, AppError> {
    Ok(use_context::<FindLinkDraft>())
}

/// Who runs the course (the data controller) and the course team's email address, for the
/// privacy notice.
#[server(endpoint = "privacy_contacts")]
pub async fn get_privacy_contacts() -> Result<(String, String), AppError> {
    let mail = crate::state::app_state()?.mail;
    Ok((mail.organisation, mail.contact_email))
}

/// Whether `token` could be a status token at all (48 lower-case hex digits).
pub fn is_token_shaped(token: &str) -> bool {
    token.len() == 48 && token.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

#[cfg(feature = "ssr")]
pub use server_side::*;

#[cfg(feature = "ssr")]
mod server_side {
    use super::*;
    use crate::domain::application::{ApplicationInput, NewApplication};
    use crate::domain::uk_time::{end_of_uk_day, uk_clock, uk_date, uk_day};
    use crate::models::ApplicationOutcome;
    use crate::state::AppState;
    use crate::store::{Store, UNKNOWN_CODE_MESSAGE};
    use chrono::{DateTime, Utc};
    use std::net::IpAddr;

    /// The open cohorts, and the sessions an applicant could have attended by the end of today.
    pub async fn form_choices(
        store: &Store,
        now: DateTime<Utc>,
    ) -> Result<(Vec<Cohort>, Vec<TasterSession>), AppError> {
        let cohorts = store.cohorts(false).await?.into_iter().filter(|c| c.status == crate::models::CohortStatus::Open).collect::<Vec<_>>();
        let open_intake = cohorts.first().map(|c| c.intake.clone());
        let cohorts = cohorts.into_iter().filter(|c| Some(&c.intake) == open_intake.as_ref()).collect();
        let tasters = store.attended_tasters(end_of_uk_day(now)).await?;
        Ok((cohorts, tasters))
    }

    async fn options(store: &Store, now: DateTime<Utc>) -> Result<FormOptions, AppError> {
        store.form_options(end_of_uk_day(now)).await
    }

    /// The joining form, posted from `client`: checked, then stored and placed.
    pub async fn submit_form(
        state: &AppState,
        client: IpAddr,
        form: &JoinForm,
        now: DateTime<Utc>,
    ) -> Result<ApplicationOutcome, AppError> {
        let app = form.parse(&options(&state.store, now).await?).map_err(AppError::Invalid)?;
        submit(state, client, app, now).await
    }

    /// An application from the JSON API, from `client`: the same checks, then stored and placed.
    pub async fn submit_input(
        state: &AppState,
        client: IpAddr,
        input: &ApplicationInput,
        now: DateTime<Utc>,
    ) -> Result<ApplicationOutcome, AppError> {
        let app = NewApplication::parse(input, &options(&state.store, now).await?).map_err(AppError::Invalid)?;
        submit(state, client, app, now).await
    }

    /// Stores a checked application. An attendance code is checked first, by a read, against
    /// the wrong-code limits (per client address and per work email): a wrong or refused code
    /// stores nothing and never takes a turn on the writer.
    async fn submit(
        state: &AppState,
        client: IpAddr,
        app: NewApplication,
        now: DateTime<Utc>,
    ) -> Result<ApplicationOutcome, AppError> {
        if let Some(code) = &app.attendance_code {
            let email_key = app.email.key();
            if let Some(until) = state.wrong_codes.locked_until(client, &email_key, now).await? {
                return Err(AppError::TooManyAttempts(too_many_codes(until)));
            }
            if !state.store.attendance_code_accepted(code, now).await? {
                state.wrong_codes.failed(client, &email_key, now).await?;
                return Err(AppError::invalid("attendance_code", UNKNOWN_CODE_MESSAGE));
            }
        }
        state.store.submit_application(app, now).await
    }

    /// What someone past the wrong-code limit is told: when to try again, and the way round it.
    pub fn too_many_codes(until: DateTime<Utc>) -> String {
        let when = if uk_day(until) == uk_day(Utc::now()) {
            uk_clock(until)
        } else {
            format!("{} on {}", uk_clock(until), uk_date(until))
        };
        format!(
            "You have entered too many attendance codes that were not right. Try again after {when}, \
             or leave the code blank and the course team will check your attendance"
        )
    }
}

#[cfg(test)]
mod tests {
    use super::is_token_shaped;

    #[test]
    fn only_48_lower_case_hex_digits_look_like_a_token() {
        assert!(is_token_shaped(&"a1".repeat(24)));
        assert!(!is_token_shaped(&"A1".repeat(24)));
        assert!(!is_token_shaped("abc"));
        assert!(!is_token_shaped(&"g1".repeat(24)));
    }
}
