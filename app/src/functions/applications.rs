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
    Ok(JoinPageData { cohorts, tasters, draft: use_context::<JoinDraft>() })
}

/// An application's current status, by its private token.
#[server(endpoint = "application_status")]
pub async fn get_application_status(token: String) -> Result<ApplicationStatus, AppError> {
    if !is_token_shaped(&token) {
        return Err(AppError::NotFound("We could not find that application".into()));
    }
    crate::state::app_state()?.store.application_status(&token).await
}

/// An application's status page body, rendered as HTML (for the page to refresh itself).
#[server(endpoint = "status_html")]
pub async fn get_status_html(token: String) -> Result<String, AppError> {
    let status = get_application_status(token).await?;
    Ok(crate::routes::status::status_html(status))
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
    use crate::domain::uk_time::end_of_uk_day;
    use crate::models::ApplicationOutcome;
    use crate::store::Store;
    use chrono::{DateTime, Utc};

    /// The open cohorts, and the sessions an applicant could have attended by the end of today.
    pub async fn form_choices(
        store: &Store,
        now: DateTime<Utc>,
    ) -> Result<(Vec<Cohort>, Vec<TasterSession>), AppError> {
        let cohorts = store.cohorts(false).await?.into_iter().filter(|c| c.status == "open").collect::<Vec<_>>();
        let open_intake = cohorts.first().map(|c| c.intake.clone());
        let cohorts = cohorts.into_iter().filter(|c| Some(&c.intake) == open_intake.as_ref()).collect();
        let tasters = store.attended_tasters(end_of_uk_day(now)).await?;
        Ok((cohorts, tasters))
    }

    async fn options(store: &Store, now: DateTime<Utc>) -> Result<FormOptions, AppError> {
        store.form_options(end_of_uk_day(now)).await
    }

    /// The joining form, posted: checked, then stored and placed.
    pub async fn submit_form(
        store: &Store,
        form: &JoinForm,
        now: DateTime<Utc>,
    ) -> Result<ApplicationOutcome, AppError> {
        let app = form.parse(&options(store, now).await?).map_err(AppError::Invalid)?;
        store.submit_application(app, now).await
    }

    /// An application from the JSON API: the same checks, then stored and placed.
    pub async fn submit_input(
        store: &Store,
        input: &ApplicationInput,
        now: DateTime<Utc>,
    ) -> Result<ApplicationOutcome, AppError> {
        let app = NewApplication::parse(input, &options(store, now).await?).map_err(AppError::Invalid)?;
        store.submit_application(app, now).await
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
