//! What the coordinators' pages load. Every function checks the signed-in coordinator's role
//! on the server first; a page never relies on a hidden link for safety.

use crate::domain::coordinator_forms::{CohortForm, TasterForm};
use crate::errors::{AppError, FieldErrors};
use crate::models::{
    ApplicationDetail, ApplicationFilter, ApplicationRow, CohortAdmin, CoordinatorUser, Dashboard, ImportDetail,
    ImportSummary, TasterAdmin, TasterSession,
};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A coordinator form sent back with the problems found in it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Draft<F> {
    pub form: F,
    pub errors: FieldErrors,
}

/// The sign-in form sent back after a failed attempt.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginDraft {
    pub email: String,
    pub error: String,
}

/// The new-account form sent back with its problems.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountForm {
    pub name: String,
    pub email: String,
    pub role: String,
}

/// The sign-in page: who is signed in already, and the last attempt's problem.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginPageData {
    pub signed_in: Option<CoordinatorUser>,
    pub draft: Option<LoginDraft>,
}

/// The signed-in coordinator, if any.
#[server(endpoint = "coordinator/me")]
pub async fn get_me() -> Result<Option<CoordinatorUser>, AppError> {
    crate::state::signed_in().await
}

/// The sign-in page's data.
#[server(endpoint = "coordinator/login_page")]
pub async fn get_login_page() -> Result<LoginPageData, AppError> {
    Ok(LoginPageData { signed_in: get_me().await?, draft: use_context::<LoginDraft>() })
}

/// The dashboard.
#[server(endpoint = "coordinator/dashboard")]
pub async fn get_dashboard() -> Result<Dashboard, AppError> {
    crate::state::require(crate::models::Role::Coordinator).await?;
    crate::state::app_state()?.store.dashboard().await
}

/// Taster sessions with their attendance codes.
#[server(endpoint = "coordinator/tasters")]
pub async fn get_tasters_admin() -> Result<Vec<TasterAdmin>, AppError> {
    crate::state::require(crate::models::Role::Coordinator).await?;
    crate::state::app_state()?.store.tasters_admin().await
}

/// What the taster session form shows: the session being edited (if any) and a draft.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TasterFormData {
    pub taster: Option<TasterAdmin>,
    pub draft: Option<Draft<TasterForm>>,
}

/// The taster session form (`id` empty for a new session).
#[server(endpoint = "coordinator/taster_form")]
pub async fn get_taster_form(id: Option<i64>) -> Result<TasterFormData, AppError> {
    crate::state::require(crate::models::Role::Coordinator).await?;
    let taster = match id {
        Some(id) => Some(
            crate::state::app_state()?
                .store
                .taster_admin(id)
                .await?
                .ok_or_else(|| AppError::NotFound("There is no taster session with that number".into()))?,
        ),
        None => None,
    };
    Ok(TasterFormData { taster, draft: use_context::<Draft<TasterForm>>() })
}

/// Cohorts with their places in detail.
#[server(endpoint = "coordinator/cohorts")]
pub async fn get_cohorts_admin() -> Result<Vec<CohortAdmin>, AppError> {
    crate::state::require(crate::models::Role::Coordinator).await?;
    crate::state::app_state()?.store.cohorts_admin().await
}

/// What the cohort form shows: the cohort being edited (if any) and a draft.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CohortFormData {
    pub cohort: Option<CohortAdmin>,
    pub draft: Option<Draft<CohortForm>>,
    /// The course's number of weekly sessions and their length, for a new cohort's defaults.
    pub default_meetings: i64,
    pub default_minutes: i64,
}

/// The cohort form (`id` empty for a new cohort).
#[server(endpoint = "coordinator/cohort_form")]
pub async fn get_cohort_form(id: Option<i64>) -> Result<CohortFormData, AppError> {
    crate::state::require(crate::models::Role::Coordinator).await?;
    let store = crate::state::app_state()?.store;
    let cohort = match id {
        Some(id) => Some(
            store
                .cohorts_admin()
                .await?
                .into_iter()
                .find(|c| c.cohort.id == id)
                .ok_or_else(|| AppError::NotFound("There is no cohort with that number".into()))?,
        ),
        None => None,
    };
    let course = store.course().await?;
    Ok(CohortFormData {
        cohort,
        draft: use_context::<Draft<CohortForm>>(),
        default_meetings: course.as_ref().map(|c| c.session_count).unwrap_or(6),
        default_minutes: course.as_ref().map(|c| c.session_minutes).unwrap_or(120),
    })
}

/// The applications table and what its filters offer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ApplicationsPageData {
    /// The page's rows.
    pub rows: Vec<ApplicationRow>,
    /// How many the filter selects, on all pages.
    pub total: i64,
    /// This page (from 1) and how many rows a page holds.
    pub page: u32,
    pub page_size: u32,
    pub cohorts: Vec<(i64, String)>,
}

/// The applications table for a filter.
#[server(endpoint = "coordinator/applications")]
pub async fn get_applications(filter: ApplicationFilter) -> Result<ApplicationsPageData, AppError> {
    crate::state::require(crate::models::Role::Coordinator).await?;
    let store = crate::state::app_state()?.store;
    let page_size = crate::store::APPLICATIONS_PAGE_SIZE;
    let total = store.applications_count(&filter).await?;
    // A page past the last (an old link, a hand-typed address) shows the last.
    let last = crate::components::pagination::page_count(total, page_size);
    let page = filter.page.unwrap_or(1).clamp(1, last);
    let rows = store.applications(&ApplicationFilter { page: Some(page), ..filter }).await?;
    let cohorts = store.cohorts(true).await?.into_iter().map(|c| (c.id, c.name)).collect();
    Ok(ApplicationsPageData { rows, total, page, page_size, cohorts })
}

/// One application, with what its actions offer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ApplicationPageData {
    pub detail: ApplicationDetail,
    /// Sessions that have started, to confirm attendance at.
    pub tasters: Vec<TasterSession>,
    /// The other open cohorts of the same intake with a free place, to move an allocated
    /// applicant to (see [`move_targets`]).
    pub move_targets: Vec<(i64, String, i64)>,
    /// A problem with the last action, if any.
    pub problem: Option<String>,
    /// The emails sent about it, newest first.
    pub emails: Vec<crate::models::EmailRow>,
    /// The course team's notes on it, oldest first.
    pub notes: Vec<crate::models::ApplicationNote>,
    /// Whether the coordinator is an admin (who may erase the applicant's data).
    pub admin: bool,
}

/// Where an application in `from` can move: another open cohort of the same intake with a
/// free place, as (id, name, places left).
pub fn move_targets(
    from: Option<&crate::models::Cohort>,
    cohorts: Vec<crate::models::Cohort>,
) -> Vec<(i64, String, i64)> {
    let Some(from) = from else { return Vec::new() };
    cohorts
        .into_iter()
        .filter(|c| {
            c.id != from.id
                && c.intake == from.intake
                && c.status == crate::models::CohortStatus::Open
                && c.places_remaining > 0
        })
        .map(|c| (c.id, c.name, c.places_remaining))
        .collect()
}

/// A problem with a coordinator's action, shown on the page it came back to.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionProblem(pub String);

/// One application.
#[server(endpoint = "coordinator/application")]
pub async fn get_application(id: i64) -> Result<ApplicationPageData, AppError> {
    let me = crate::state::require(crate::models::Role::Coordinator).await?;
    let store = crate::state::app_state()?.store;
    let detail = store
        .application_detail(id)
        .await?
        .ok_or_else(|| AppError::NotFound("There is no application with that number".into()))?;
    let viewed = crate::store::privacy::Access::ViewApplication;
    store.log_access(me.id, viewed, Some(&detail.row.reference), chrono::Utc::now()).await?;
    let tasters = store.attended_tasters(chrono::Utc::now()).await?;
    let move_targets = move_targets(detail.status.cohort.as_ref(), store.cohorts(true).await?);
    let emails = store.application_emails(id).await?;
    let notes = store.notes(id).await?;
    Ok(ApplicationPageData {
        notes,
        detail,
        tasters,
        move_targets,
        problem: use_context::<ActionProblem>().map(|p| p.0),
        emails,
        admin: me.role == crate::models::Role::Admin,
    })
}

/// The attendance page: uploaded reports and the sessions a report can be for.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ImportsPageData {
    pub imports: Vec<ImportSummary>,
    pub tasters: Vec<TasterSession>,
    pub problem: Option<String>,
}

/// Uploaded Zoom reports.
#[server(endpoint = "coordinator/imports")]
pub async fn get_imports() -> Result<ImportsPageData, AppError> {
    crate::state::require(crate::models::Role::Coordinator).await?;
    let store = crate::state::app_state()?.store;
    Ok(ImportsPageData {
        imports: store.imports().await?,
        tasters: store.attended_tasters(chrono::Utc::now()).await?,
        problem: use_context::<ActionProblem>().map(|p| p.0),
    })
}

/// One report's match queue.
#[server(endpoint = "coordinator/import")]
pub async fn get_import(id: i64) -> Result<ImportDetail, AppError> {
    crate::state::require(crate::models::Role::Coordinator).await?;
    crate::state::app_state()?
        .store
        .import(id)
        .await?
        .ok_or_else(|| AppError::NotFound("There is no report with that number".into()))
}

/// The audit log, 100 entries a page (admins only).
#[server(endpoint = "coordinator/audit")]
pub async fn get_audit(
    filter: crate::models::AuditFilter,
) -> Result<(Vec<crate::models::HistoryLine>, bool), AppError> {
    crate::state::require(crate::models::Role::Admin).await?;
    crate::state::app_state()?.store.history(&filter).await
}

/// One coordinator account, as admins see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountRow {
    pub user: CoordinatorUser,
    pub disabled: bool,
}

/// The accounts page (admins only).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountsPageData {
    pub accounts: Vec<AccountRow>,
    pub me: i64,
    pub draft: Option<Draft<AccountForm>>,
    /// The one-time password of an account just created, to hand over.
    pub created_password: Option<String>,
}

/// A new account's one-time password, shown once after creating it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedPassword(pub String);

/// Coordinator accounts (admins only).
#[server(endpoint = "coordinator/accounts")]
pub async fn get_accounts() -> Result<AccountsPageData, AppError> {
    let me = crate::state::require(crate::models::Role::Admin).await?;
    let accounts = crate::state::app_state()?
        .store
        .coordinators()
        .await?
        .into_iter()
        .map(|(user, disabled)| AccountRow { user, disabled: disabled.is_some() })
        .collect();
    Ok(AccountsPageData {
        accounts,
        me: me.id,
        draft: use_context::<Draft<AccountForm>>(),
        created_password: use_context::<CreatedPassword>().map(|p| p.0),
    })
}

/// The problems found in a password change, to show on the form (which comes back empty).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordProblems(pub FieldErrors);

/// The change-password page: whose password it is, and the last attempt's problems.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordPageData {
    pub email: String,
    pub errors: FieldErrors,
}

/// The change-password page (any signed-in coordinator, for their own account).
#[server(endpoint = "coordinator/password")]
pub async fn get_password_page() -> Result<PasswordPageData, AppError> {
    let me = crate::state::require(crate::models::Role::Coordinator).await?;
    Ok(PasswordPageData { email: me.email, errors: use_context::<PasswordProblems>().map(|p| p.0).unwrap_or_default() })
}

/// The Emails page: messages and how their delivery went.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailsPageData {
    pub rows: Vec<crate::models::EmailRow>,
    /// Emails that failed for good, and emails still on their way.
    pub failed: i64,
    pub undelivered: i64,
}

/// The emails, filtered.
#[server(endpoint = "coordinator/emails")]
pub async fn get_emails(filter: crate::models::EmailFilter) -> Result<EmailsPageData, AppError> {
    crate::state::require(crate::models::Role::Coordinator).await?;
    let store = crate::state::app_state()?.store;
    let (failed, undelivered) = store.email_counts().await?;
    Ok(EmailsPageData { rows: store.emails(&filter).await?, failed, undelivered })
}

/// A message to a group, as written (and sent back with its problems, or its preview).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupMessageDraft {
    /// "cohort" or "waiting".
    pub audience: String,
    pub cohort_id: String,
    pub subject: String,
    pub body: String,
    pub errors: FieldErrors,
    pub preview: Option<GroupPreview>,
}

/// What a message to a group will look like, and how many it goes to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupPreview {
    pub recipients: usize,
    pub group: String,
    pub subject: String,
    /// The plain-text rendering, with a stand-in for each applicant's own details.
    pub text: String,
}

/// The page for writing to a group: the cohorts to choose from, with how many hold a place
/// and how many wait, and the draft.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WritePageData {
    pub cohorts: Vec<(i64, String, i64, i64)>,
    pub draft: Option<GroupMessageDraft>,
}

/// The page for writing to a group.
#[server(endpoint = "coordinator/write")]
pub async fn get_write_page() -> Result<WritePageData, AppError> {
    crate::state::require(crate::models::Role::Coordinator).await?;
    let store = crate::state::app_state()?.store;
    let cohorts = store
        .cohorts_admin()
        .await?
        .into_iter()
        .map(|c| (c.cohort.id, c.cohort.name, c.allocated, c.waiting))
        .collect();
    Ok(WritePageData { cohorts, draft: use_context::<GroupMessageDraft>() })
}

/// One intake's retention, as the Retention page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetentionRow {
    pub intake: String,
    pub last_meeting_uk: Option<String>,
    pub months: u32,
    pub set_by_admin: bool,
    pub erase_on_uk: String,
    pub applications: i64,
    /// The erasure date has passed (its data goes at the next hourly run).
    pub due: bool,
}

/// The Retention page: each intake, and whether the coordinator may change the periods.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetentionPageData {
    pub intakes: Vec<RetentionRow>,
    pub admin: bool,
    pub problem: Option<String>,
}

/// When each intake's personal data will be erased.
#[server(endpoint = "coordinator/retention")]
pub async fn get_retention() -> Result<RetentionPageData, AppError> {
    let me = crate::state::require(crate::models::Role::Coordinator).await?;
    let store = crate::state::app_state()?.store;
    let now = chrono::Utc::now();
    let day = |t| crate::domain::uk_time::uk_date(t);
    let intakes = store
        .retention()
        .await?
        .into_iter()
        .map(|r| RetentionRow {
            last_meeting_uk: r.last_meeting.map(day),
            erase_on_uk: day(r.erase_on),
            due: r.erase_on <= now,
            intake: r.intake,
            months: r.months,
            set_by_admin: r.set_by_admin,
            applications: r.applications,
        })
        .collect();
    Ok(RetentionPageData {
        intakes,
        admin: me.role == crate::models::Role::Admin,
        problem: use_context::<ActionProblem>().map(|p| p.0),
    })
}

/// One row of the access log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessRow {
    pub at_uk: String,
    pub who: String,
    pub what: String,
    pub reference: Option<String>,
}

/// The access log (admins), newest first, 200 a page.
#[server(endpoint = "coordinator/access_log")]
pub async fn get_access_log(page: i64) -> Result<Vec<AccessRow>, AppError> {
    crate::state::require(crate::models::Role::Admin).await?;
    let store = crate::state::app_state()?.store;
    let rows = store.access_log(200, page.max(0) * 200).await?;
    Ok(rows
        .into_iter()
        .map(|(at, who, action, reference)| AccessRow {
            at_uk: format!("{}, {}", crate::domain::uk_time::uk_date(at), crate::domain::uk_time::uk_clock(at)),
            who,
            what: crate::store::privacy::Access::label(&action).to_string(),
            reference,
        })
        .collect())
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::move_targets;
    use crate::models::{Cohort, CohortStatus};

    fn cohort(id: i64, intake: &str, status: CohortStatus, left: i64) -> Cohort {
        Cohort {
            id,
            name: format!("Cohort {id}"),
            intake: intake.into(),
            capacity: 10,
            places_remaining: left,
            status,
            meetings: Vec::new(),
        }
    }

    #[test]
    fn only_other_open_cohorts_of_the_same_intake_with_a_free_place_are_offered() {
        let from = cohort(1, "2027-01", CohortStatus::Open, 0);
        let all = vec![
            from.clone(),
            cohort(2, "2027-01", CohortStatus::Open, 3),
            cohort(3, "2027-01", CohortStatus::Open, 0),
            cohort(4, "2027-01", CohortStatus::Closed, 5),
            cohort(5, "2027-09", CohortStatus::Open, 5),
        ];
        assert_eq!(move_targets(Some(&from), all.clone()), vec![(2, "Cohort 2".to_string(), 3)]);
        assert!(move_targets(None, all).is_empty());
    }
}
