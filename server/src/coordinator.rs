//! The coordinators' actions: plain form posts that check the signed-in coordinator's role
//! first, do one thing (each audited by the store), and redirect (303) to the page that shows
//! the result, or render the form again with its problems. `ENDPOINTS` lists every one, for
//! the authorization test.

use crate::render::render_page;
use app::auth::password::hash_password;
use app::auth::session::{self, require, Attempt};
use app::domain::coordinator_forms::{CohortForm, TasterForm, TasterInput};
use app::domain::csv_export;
use app::domain::password_change::PasswordChange;
use app::domain::uk_time::uk_instant;
use app::domain::zoom_report;
use app::domain::WorkEmail;
use app::errors::AppError;
use app::functions::coordinator::{AccountForm, ActionProblem, CreatedPassword, Draft, LoginDraft, PasswordProblems};
use app::models::{ApplicationFilter, CoordinatorUser, Role};
use app::state::AppState;
use app::workflow::Actor;
use app::store::{AttendanceSource, CohortUpdate, NewCohort, NewCoordinator, NewTaster, TasterChange};
use crate::client_ip::ClientIp;
use axum::extract::{FromRequest, FromRequestParts, Multipart, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use chrono::{Duration, Utc};

type Pairs = Form<Vec<(String, String)>>;

/// Every coordinator action: method, path (as routed) and the role it needs.
pub const ENDPOINTS: &[(&str, &str, Role)] = &[
    ("POST", "/coordinator/tasters", Role::Coordinator),
    ("POST", "/coordinator/tasters/{id}", Role::Coordinator),
    ("POST", "/coordinator/tasters/{id}/cancel", Role::Coordinator),
    ("POST", "/coordinator/tasters/{id}/reinstate", Role::Coordinator),
    ("POST", "/coordinator/tasters/{id}/regenerate", Role::Coordinator),
    ("POST", "/coordinator/cohorts", Role::Coordinator),
    ("POST", "/coordinator/cohorts/{id}", Role::Coordinator),
    ("GET", "/coordinator/applications.csv", Role::Coordinator),
    ("POST", "/coordinator/applications/{id}/attendance", Role::Coordinator),
    ("POST", "/coordinator/applications/{id}/withdraw", Role::Coordinator),
    ("POST", "/coordinator/applications/{id}/move", Role::Coordinator),
    ("POST", "/coordinator/attendance", Role::Coordinator),
    ("POST", "/coordinator/attendance/attendees/{id}/confirm", Role::Coordinator),
    ("POST", "/coordinator/attendance/attendees/{id}/reject", Role::Coordinator),
    ("POST", "/coordinator/accounts", Role::Admin),
    ("POST", "/coordinator/accounts/{id}/disable", Role::Admin),
    ("POST", "/coordinator/accounts/{id}/enable", Role::Admin),
    ("POST", "/coordinator/password", Role::Coordinator),
];

/// Signing in (apart from the rest: it has a rate limit of its own).
pub fn sign_in_routes() -> Router<AppState> {
    Router::new().route("/coordinator/login", post(login))
}

/// The coordinator routes (the pages themselves are Leptos routes).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/coordinator/logout", post(logout))
        .route("/coordinator/tasters", post(create_taster))
        .route("/coordinator/tasters/{id}", post(edit_taster))
        .route("/coordinator/tasters/{id}/cancel", post(cancel_taster))
        .route("/coordinator/tasters/{id}/reinstate", post(reinstate_taster))
        .route("/coordinator/tasters/{id}/regenerate", post(regenerate_code))
        .route("/coordinator/cohorts", post(create_cohort))
        .route("/coordinator/cohorts/{id}", post(edit_cohort))
        .route("/coordinator/applications.csv", get(export_csv))
        .route("/coordinator/applications/{id}/attendance", post(confirm_attendance))
        .route("/coordinator/applications/{id}/withdraw", post(withdraw))
        .route("/coordinator/applications/{id}/move", post(move_cohort))
        .route("/coordinator/attendance", post(upload_report))
        .route("/coordinator/attendance/attendees/{id}/confirm", post(confirm_attendee))
        .route("/coordinator/attendance/attendees/{id}/reject", post(reject_attendee))
        .route("/coordinator/accounts", post(create_account))
        .route("/coordinator/accounts/{id}/disable", post(disable_account))
        .route("/coordinator/accounts/{id}/enable", post(enable_account))
        .route("/coordinator/password", post(change_password))
}

/// The signed-in coordinator with `role`, or the answer to give instead: to the sign-in page
/// when nobody is signed in, 403 when the role is missing.
async fn guard(state: &AppState, headers: &HeaderMap, role: Role) -> Result<CoordinatorUser, Response> {
    match require(&state.store, headers, role).await {
        Ok(user) => Ok(user),
        Err(AppError::Unauthorised) => Err(Redirect::to("/coordinator/login").into_response()),
        Err(AppError::Forbidden) => Err((StatusCode::FORBIDDEN, "Only an admin can do that.").into_response()),
        Err(other) => Err(problem(other)),
    }
}

/// The signed-in coordinator, as an extractor that runs before the request body is read: when
/// nobody is signed in the answer is the sign-in page, and without the role (an admin's
/// action, `ADMIN = true`) it is 403.
pub struct Signed<const ADMIN: bool>(pub CoordinatorUser);

/// Any signed-in coordinator.
pub type AnyCoordinator = Signed<false>;
/// A signed-in admin.
pub type Admin = Signed<true>;

impl<const ADMIN: bool> FromRequestParts<AppState> for Signed<ADMIN> {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let role = if ADMIN { Role::Admin } else { Role::Coordinator };
        guard(state, &parts.headers, role).await.map(Signed)
    }
}

fn problem(error: AppError) -> Response {
    (StatusCode::from_u16(error.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR), error.to_string())
        .into_response()
}

fn see(path: &str) -> Response {
    Redirect::to(path).into_response()
}

fn value<'a>(pairs: &'a [(String, String)], name: &str) -> &'a str {
    pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str()).unwrap_or("")
}

/// `next` only ever leads back into the coordinators' pages.
fn safe_next(next: &str) -> &str {
    if next.starts_with("/coordinator")
        && !next.starts_with("//")
        && !next.contains("://")
        && next != "/coordinator/login"
    {
        next
    } else {
        "/coordinator"
    }
}

/// The sign-in attempt of this request: its client address, its browser's device secret and
/// whether the server runs in demo mode.
fn attempt(state: &AppState, client: ClientIp, headers: &HeaderMap) -> Attempt {
    Attempt {
        client: client.0,
        device_secret: session::device_secret_from(headers),
        demo_mode: state.demo,
        now: Utc::now(),
    }
}

async fn login(State(state): State<AppState>, client: ClientIp, headers: HeaderMap, Form(pairs): Pairs) -> Response {
    let (email, password) = (value(&pairs, "email").trim().to_string(), value(&pairs, "password").to_string());
    if email.is_empty() || password.is_empty() {
        let error = "Enter your email address and password".to_string();
        return render_page(state, "/coordinator/login", &headers, LoginDraft { email, error }).await;
    }
    let attempt = attempt(&state, client, &headers);
    match session::sign_in(&state.store, &state.throttle, &email, &password, &attempt).await {
        Ok(signed_in) => {
            tracing::info!(coordinator = signed_in.user.id, "signed in");
            let mut response = Redirect::to(safe_next(value(&pairs, "next"))).into_response();
            let secure = state.secure_cookies;
            let cookies = std::iter::once(session::session_cookie(&signed_in.session_secret, secure))
                .chain(signed_in.new_device_secret.map(|device| session::device_cookie(&device, secure)));
            for cookie in cookies {
                if let Ok(value) = axum::http::HeaderValue::from_str(&cookie) {
                    response.headers_mut().append(header::SET_COOKIE, value);
                }
            }
            response
        }
        Err(error) => {
            let draft = LoginDraft { email, error: error.message().to_string() };
            render_page(state, "/coordinator/login", &headers, draft).await
        }
    }
}

async fn logout(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let _ = session::sign_out(&state.store, &headers).await;
    (
        [(header::SET_COOKIE, session::clear_cookie(state.secure_cookies))],
        Redirect::to("/coordinator/login?done=signed-out"),
    )
        .into_response()
}

fn new_taster(input: &TasterInput, attendance_code: String) -> NewTaster {
    let starts_at = uk_instant(input.day, input.start);
    NewTaster {
        starts_at,
        ends_at: starts_at + Duration::minutes(input.minutes),
        zoom_url: input.zoom_url.clone(),
        meeting_id: input.meeting_id.clone(),
        passcode: input.passcode.clone(),
        attendance_code,
    }
}

async fn create_taster(
    State(state): State<AppState>,
    Signed(user): AnyCoordinator,
    headers: HeaderMap,
    Form(pairs): Pairs,
) -> Response {
    let form = TasterForm::from_pairs(pairs);
    let input = match form.parse() {
        Ok(input) => input,
        Err(errors) => return render_page(state, "/coordinator/tasters/new", &headers, Draft { form, errors }).await,
    };
    // A fresh code; on the rare clash with another session's, draw again.
    for _ in 0..5 {
        let taster = new_taster(&input, app::tokens::attendance_code());
        match state.store.create_taster(&taster, Actor::Coordinator(user.id), Utc::now()).await {
            Ok(id) => return see(&format!("/coordinator/tasters/{id}?done=created")),
            Err(AppError::Conflict(_)) => continue,
            Err(other) => return problem(other),
        }
    }
    problem(AppError::Internal)
}

async fn edit_taster(
    State(state): State<AppState>,
    Signed(user): AnyCoordinator,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(pairs): Pairs,
) -> Response {
    let form = TasterForm::from_pairs(pairs);
    let input = match form.parse() {
        Ok(input) => input,
        Err(errors) => {
            return render_page(state, &format!("/coordinator/tasters/{id}"), &headers, Draft { form, errors }).await
        }
    };
    let change = TasterChange::Details(new_taster(&input, String::new()));
    match state.store.change_taster(id, change, user.id, Utc::now()).await {
        Ok(()) => see(&format!("/coordinator/tasters/{id}?done=saved")),
        Err(error) => problem(error),
    }
}

async fn change_taster(state: AppState, user: CoordinatorUser, id: i64, change: TasterChange, done: &str) -> Response {
    match state.store.change_taster(id, change, user.id, Utc::now()).await {
        Ok(()) => see(&format!("/coordinator/tasters/{id}?done={done}")),
        Err(error) => problem(error),
    }
}

async fn cancel_taster(State(state): State<AppState>, Signed(user): AnyCoordinator, Path(id): Path<i64>) -> Response {
    change_taster(state, user, id, TasterChange::Cancel, "cancelled").await
}

async fn reinstate_taster(
    State(state): State<AppState>,
    Signed(user): AnyCoordinator,
    Path(id): Path<i64>,
) -> Response {
    change_taster(state, user, id, TasterChange::Reinstate, "reinstated").await
}

async fn regenerate_code(State(state): State<AppState>, Signed(user): AnyCoordinator, Path(id): Path<i64>) -> Response {
    change_taster(state, user, id, TasterChange::Code(app::tokens::attendance_code()), "new-code").await
}

fn meetings(starts: &[chrono::NaiveDateTime], minutes: i64) -> Vec<(chrono::DateTime<Utc>, chrono::DateTime<Utc>)> {
    starts
        .iter()
        .map(|s| {
            let start = uk_instant(s.date(), s.time());
            (start, start + Duration::minutes(minutes))
        })
        .collect()
}

async fn create_cohort(
    State(state): State<AppState>,
    Signed(user): AnyCoordinator,
    headers: HeaderMap,
    Form(pairs): Pairs,
) -> Response {
    let form = CohortForm::from_pairs(pairs);
    let input = match form.parse_new() {
        Ok(input) => input,
        Err(errors) => return render_page(state, "/coordinator/cohorts/new", &headers, Draft { form, errors }).await,
    };
    let intake = input.meeting_starts.first().map(|s| s.format("%Y-%m").to_string()).unwrap_or_default();
    let cohort = NewCohort {
        name: input.name.clone(),
        intake,
        capacity: input.capacity,
        status: input.status,
        meetings: meetings(&input.meeting_starts, input.minutes),
    };
    match state.store.create_cohort(&cohort, Actor::Coordinator(user.id), Utc::now()).await {
        Ok(id) => see(&format!("/coordinator/cohorts/{id}?done=created")),
        Err(AppError::Invalid(errors)) => {
            render_page(state, "/coordinator/cohorts/new", &headers, Draft { form, errors }).await
        }
        Err(error) => problem(error),
    }
}

async fn edit_cohort(
    State(state): State<AppState>,
    Signed(user): AnyCoordinator,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(pairs): Pairs,
) -> Response {
    let form = CohortForm::from_pairs(pairs);
    let path = format!("/coordinator/cohorts/{id}");
    let input = match form.parse_edit() {
        Ok(input) => input,
        Err(errors) => return render_page(state, &path, &headers, Draft { form, errors }).await,
    };
    let update = CohortUpdate {
        name: input.name.clone(),
        capacity: input.capacity,
        status: input.status,
        meetings: meetings(&input.meeting_starts, input.minutes),
    };
    match state.store.update_cohort(id, update, user.id, Utc::now()).await {
        Ok(()) => see(&format!("{path}?done=saved")),
        Err(AppError::Invalid(errors)) => render_page(state, &path, &headers, Draft { form, errors }).await,
        Err(error) => problem(error),
    }
}

async fn export_csv(
    State(state): State<AppState>,
    _: AnyCoordinator,
    Query(filter): Query<ApplicationFilter>,
) -> Response {
    let rows = match state.store.applications(&filter).await {
        Ok(rows) => rows,
        Err(error) => return problem(error),
    };
    let header =
        ["Reference", "Name", "Work email", "Employer", "Nurse advocate", "State", "Cohort", "Applied", "Eligible"];
    let cells: Vec<Vec<String>> = rows
        .into_iter()
        .map(|r| {
            vec![
                r.reference,
                r.name,
                r.email,
                r.employer,
                r.nurse_advocate,
                r.state.label().to_string(),
                r.cohort_name.unwrap_or_default(),
                r.submitted_uk,
                r.eligible_uk.unwrap_or_default(),
            ]
        })
        .collect();
    match csv_export::write(&header, &cells) {
        Ok(csv) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"applications-{}.csv\"", Utc::now().format("%Y-%m-%d")),
                ),
                (header::CACHE_CONTROL, "no-store".to_string()),
            ],
            csv,
        )
            .into_response(),
        Err(_) => problem(AppError::Internal),
    }
}

/// After an action on an application: back to its page, or its page with the problem.
async fn after_application(
    state: AppState,
    headers: &HeaderMap,
    id: i64,
    result: Result<impl Sized, AppError>,
    done: &str,
) -> Response {
    let path = format!("/coordinator/applications/{id}");
    match result {
        Ok(_) => see(&format!("{path}?done={done}")),
        Err(AppError::Invalid(errors)) => {
            let message = errors.into_values().next().unwrap_or_default();
            render_page(state, &path, headers, ActionProblem(message)).await
        }
        Err(AppError::Conflict(message)) => render_page(state, &path, headers, ActionProblem(message)).await,
        Err(error) => problem(error),
    }
}

async fn confirm_attendance(
    State(state): State<AppState>,
    Signed(user): AnyCoordinator,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(pairs): Pairs,
) -> Response {
    let result = match value(&pairs, "taster_session_id").parse::<i64>() {
        Ok(taster) => {
            let by = Actor::Coordinator(user.id);
            state.store.confirm_attendance(id, taster, AttendanceSource::Manual, by, Utc::now()).await
        }
        Err(_) => Err(AppError::invalid("taster_session_id", "Choose the taster session they attended")),
    };
    after_application(state, &headers, id, result, "attendance-confirmed").await
}

async fn withdraw(
    State(state): State<AppState>,
    Signed(user): AnyCoordinator,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> Response {
    let result = state.store.withdraw_by_id(id, user.id, Utc::now()).await;
    after_application(state, &headers, id, result, "withdrawn").await
}

async fn move_cohort(
    State(state): State<AppState>,
    Signed(user): AnyCoordinator,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(pairs): Pairs,
) -> Response {
    let result = match value(&pairs, "cohort_id").parse::<i64>() {
        Ok(cohort) => state.store.move_to_cohort(id, cohort, user.id, Utc::now()).await,
        Err(_) => Err(AppError::invalid("cohort_id", "Choose the cohort to move them to")),
    };
    after_application(state, &headers, id, result, "moved").await
}

/// The largest report accepted (a report of a few hundred people is a few tens of KB).
const MAX_REPORT_BYTES: usize = 1024 * 1024;

async fn upload_report(
    State(state): State<AppState>,
    Signed(user): AnyCoordinator,
    request: axum::extract::Request,
) -> Response {
    let headers = request.headers().clone();
    // Read the body only once the caller is known to be allowed to send it.
    let mut multipart = match Multipart::from_request(request, &state).await {
        Ok(multipart) => multipart,
        Err(_) => {
            let problem_found = ActionProblem("Choose the participant report file (CSV) to upload".into());
            return render_page(state, "/coordinator/attendance", &headers, problem_found).await;
        }
    };
    let mut taster = None;
    let mut file: Option<(String, Vec<u8>)> = None;
    let mut too_big = false;
    loop {
        match multipart.next_field().await {
            Ok(Some(field)) => {
                let name = field.name().unwrap_or("").to_string();
                if name == "taster_session_id" {
                    taster = field.text().await.ok().and_then(|t| t.trim().parse::<i64>().ok());
                } else if name == "report" {
                    let filename = field.file_name().unwrap_or("report.csv").to_string();
                    match field.bytes().await {
                        Ok(bytes) if bytes.len() <= MAX_REPORT_BYTES => file = Some((filename, bytes.to_vec())),
                        _ => too_big = true,
                    }
                }
            }
            Ok(None) => break,
            Err(_) => {
                too_big = true;
                break;
            }
        }
    }
    let failure = |message: &str| ActionProblem(message.to_string());
    let outcome = match (taster, file, too_big) {
        (_, _, true) => Err(failure(
            "The file is too large or did not arrive whole. Choose the CSV report Zoom exported (under 1 MB).",
        )),
        (None, _, _) => Err(failure("Choose the taster session the report is from")),
        (_, None, _) => Err(failure("Choose the participant report file (CSV) to upload")),
        (Some(_), Some((_, bytes)), _) if bytes.is_empty() => {
            Err(failure("Choose the participant report file (CSV) to upload"))
        }
        (Some(taster), Some((filename, bytes)), _) => match zoom_report::parse(&bytes) {
            Err(message) => Err(ActionProblem(message)),
            Ok(report) => match state.store.create_import(taster, &filename, &report, user.id, Utc::now()).await {
                Ok(id) => Ok(id),
                Err(AppError::Invalid(errors)) => Err(ActionProblem(errors.into_values().next().unwrap_or_default())),
                Err(error) => return problem(error),
            },
        },
    };
    match outcome {
        Ok(id) => see(&format!("/coordinator/attendance/{id}?done=uploaded")),
        Err(problem_found) => render_page(state, "/coordinator/attendance", &headers, problem_found).await,
    }
}

async fn decide(
    state: AppState,
    user: CoordinatorUser,
    id: i64,
    confirm: bool,
    pairs: Vec<(String, String)>,
) -> Response {
    let chosen = value(&pairs, "application_id").parse::<i64>().ok();
    let back = value(&pairs, "import_id")
        .parse::<i64>()
        .map(|i| format!("/coordinator/attendance/{i}"))
        .unwrap_or("/coordinator/attendance".into());
    match state.store.decide_attendee(id, confirm, chosen, user.id, Utc::now()).await {
        Ok(()) => see(&format!("{back}?done={}", if confirm { "confirmed" } else { "rejected" })),
        Err(AppError::Invalid(_)) => see(&format!("{back}?done=choose-application")),
        Err(AppError::Conflict(_)) => see(&format!("{back}?done=already-decided")),
        Err(error) => problem(error),
    }
}

async fn confirm_attendee(
    State(state): State<AppState>,
    Signed(user): AnyCoordinator,
    Path(id): Path<i64>,
    Form(pairs): Pairs,
) -> Response {
    decide(state, user, id, true, pairs).await
}

async fn reject_attendee(
    State(state): State<AppState>,
    Signed(user): AnyCoordinator,
    Path(id): Path<i64>,
    Form(pairs): Pairs,
) -> Response {
    decide(state, user, id, false, pairs).await
}

async fn create_account(
    State(state): State<AppState>,
    Signed(user): Admin,
    headers: HeaderMap,
    Form(pairs): Pairs,
) -> Response {
    let form = AccountForm {
        name: value(&pairs, "name").trim().to_string(),
        email: value(&pairs, "email").trim().to_string(),
        role: value(&pairs, "role").to_string(),
    };
    let mut errors = app::errors::FieldErrors::new();
    let name = app::domain::PersonName::parse(&form.name)
        .map_err(|m| {
            errors.insert(
                "name".into(),
                m.replace("your full name", "their full name").replace("Your full name", "Their full name"),
            )
        })
        .ok();
    let email = WorkEmail::parse(&form.email)
        .map_err(|m| errors.insert("email".into(), m.replace("your work", "their work")))
        .ok();
    let role = match form.role.as_str() {
        "admin" => Some(Role::Admin),
        "coordinator" => Some(Role::Coordinator),
        _ => {
            errors.insert("role".into(), "Choose coordinator or admin".into());
            None
        }
    };
    let (Some(name), Some(email), Some(role)) = (name, email, role) else {
        return render_page(state, "/coordinator/accounts", &headers, Draft { form, errors }).await;
    };
    let password = app::tokens::one_time_password();
    let Ok(password_hash) = hash_password(&password) else { return problem(AppError::Internal) };
    let account =
        NewCoordinator {
        email: email.as_str().to_string(),
        name: name.as_str().to_string(),
        role,
        password_hash,
        demo: false,
    };
    match state.store.create_coordinator(&account, Actor::Coordinator(user.id)).await {
        Ok(_) => render_page(state, "/coordinator/accounts", &headers, CreatedPassword(password)).await,
        Err(AppError::Conflict(message)) => {
            errors.insert("email".into(), message);
            render_page(state, "/coordinator/accounts", &headers, Draft { form, errors }).await
        }
        Err(error) => problem(error),
    }
}

async fn set_disabled(state: AppState, user: CoordinatorUser, id: i64, disabled: bool) -> Response {
    if id == user.id {
        return see("/coordinator/accounts?done=not-yourself");
    }
    match state.store.set_coordinator_disabled(id, disabled, user.id).await {
        Ok(()) => see(&format!("/coordinator/accounts?done={}", if disabled { "disabled" } else { "enabled" })),
        Err(error) => problem(error),
    }
}

async fn disable_account(State(state): State<AppState>, Signed(user): Admin, Path(id): Path<i64>) -> Response {
    set_disabled(state, user, id, true).await
}

async fn enable_account(State(state): State<AppState>, Signed(user): Admin, Path(id): Path<i64>) -> Response {
    set_disabled(state, user, id, false).await
}

/// A coordinator changes their own password: the current one must be right (wrong guesses are
/// slowed, counted against the account and locked out exactly like sign-in attempts), and
/// their other sessions end.
async fn change_password(
    State(state): State<AppState>,
    client: ClientIp,
    Signed(user): AnyCoordinator,
    headers: HeaderMap,
    Form(pairs): Pairs,
) -> Response {
    let change = PasswordChange {
        current: value(&pairs, "current_password").to_string(),
        new: value(&pairs, "new_password").to_string(),
        confirm: value(&pairs, "confirm_password").to_string(),
    };
    let again = |errors| render_page(state.clone(), "/coordinator/password", &headers, PasswordProblems(errors));
    if let Err(errors) = change.check() {
        return again(errors).await;
    }
    let wrong = |message: &str| app::errors::FieldErrors::from([("current_password".to_string(), message.to_string())]);
    let email_key = app::domain::email::email_key(&user.email);
    let too_many = "Too many wrong passwords. Wait 15 minutes, then try again.";
    let attempt = attempt(&state, client, &headers);
    let record = match state.store.login_record(&email_key).await {
        Ok(Some(record)) => record,
        Ok(None) => return problem(AppError::Unauthorised),
        Err(error) => return problem(error),
    };
    match session::check_password(&state.store, &state.throttle, Some(&record), true, &change.current, &attempt).await {
        Ok(session::Checked::Right { .. }) => {}
        Ok(session::Checked::Wrong) => {
            return again(wrong("Your current password is not right. Enter the password you signed in with")).await
        }
        Err(session::SignInError::TooManyAttempts) => return again(wrong(too_many)).await,
        Err(_) => return problem(AppError::Unavailable),
    }
    let new = change.new;
    let Ok(Ok(password_hash)) = tokio::task::spawn_blocking(move || hash_password(&new)).await else {
        return problem(AppError::Internal);
    };
    let keep = session::secret_from(&headers).map(|s| session::hash_secret(&s)).unwrap_or_default();
    match state.store.change_password(user.id, &password_hash, &keep).await {
        Ok(ended) => {
            tracing::info!(coordinator = user.id, other_sessions_ended = ended, "password changed");
            see("/coordinator/password?done=changed")
        }
        Err(error) => problem(error),
    }
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn next_only_leads_into_the_coordinators_pages() {
        assert_eq!(safe_next("/coordinator/applications?state=waiting"), "/coordinator/applications?state=waiting");
        assert_eq!(safe_next("https://evil.example/coordinator"), "/coordinator");
        assert_eq!(safe_next("//evil.example"), "/coordinator");
        assert_eq!(safe_next("/status/abc"), "/coordinator");
    }
}
