//! The coordinators' routes: signing in and out, and every action of `app::actions::ACTIONS`
//! through one adapter, which checks the coordinator's role before it reads the request body,
//! hands the action its input and turns the action's outcome into a response.

use crate::client_ip::ClientIp;
use crate::render::render_with;
use app::actions::{Action, Body, Method, Outcome, Request, Upload, ACTIONS};
use app::auth::session::{self, require, Attempt};
use app::errors::AppError;
use app::functions::coordinator::LoginDraft;
use app::models::CoordinatorUser;
use app::state::AppState;
use axum::extract::{FromRequest, FromRequestParts, Multipart, Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use chrono::Utc;

type Pairs = Form<Vec<(String, String)>>;

/// Signing in (apart from the rest: it has a rate limit of its own).
pub fn sign_in_routes() -> Router<AppState> {
    Router::new().route("/coordinator/login", post(login))
}

/// Signing out, and every coordinator action.
pub fn routes() -> Router<AppState> {
    ACTIONS.iter().fold(Router::new().route("/coordinator/logout", post(logout)), |router, action| {
        let handler = move |state: State<AppState>, client: ClientIp, request: axum::extract::Request| {
            adapt(action, state.0, client, request)
        };
        match action.method {
            Method::Get => router.route(action.path, get(handler)),
            Method::Post => router.route(action.path, post(handler)),
        }
    })
}

/// The signed-in coordinator with the action's role, or the answer to give instead: the
/// sign-in page when nobody is signed in, 403 when the role is missing.
async fn guard(state: &AppState, headers: &HeaderMap, action: &Action) -> Result<CoordinatorUser, Response> {
    match require(&state.store, headers, action.role).await {
        Ok(user) => Ok(user),
        Err(AppError::Unauthorised) => Err(Redirect::to("/coordinator/login").into_response()),
        Err(AppError::Forbidden) => Err((StatusCode::FORBIDDEN, "Only an admin can do that.").into_response()),
        Err(other) => Err(problem(other)),
    }
}

/// Runs one action: role first, then the body, then the action, then its outcome.
async fn adapt(action: &'static Action, state: AppState, client: ClientIp, request: axum::extract::Request) -> Response {
    let headers = request.headers().clone();
    let user = match guard(&state, &headers, action).await {
        Ok(user) => user,
        Err(refused) => return refused,
    };
    let (mut parts, body) = request.into_parts();
    let id = match action.path.contains("{id}") {
        false => 0,
        true => match Path::<i64>::from_request_parts(&mut parts, &state).await {
            Ok(Path(id)) => id,
            Err(_) => return problem(AppError::NotFound("There is nothing at this address".into())),
        },
    };
    let query = Query::<Vec<(String, String)>>::try_from_uri(&parts.uri).map(|q| q.0).unwrap_or_default();
    let request = axum::extract::Request::from_parts(parts, body);
    let (form, files) = match action.body {
        Body::None => (Vec::new(), Ok(Vec::new())),
        Body::Form => match Pairs::from_request(request, &state).await {
            Ok(Form(pairs)) => (pairs, Ok(Vec::new())),
            Err(rejection) => return rejection.into_response(),
        },
        Body::Upload { max_bytes } => read_upload(request, &state, max_bytes).await,
    };
    let attempt = Attempt {
        client: client.0,
        device_secret: session::device_secret_from(&headers),
        demo_mode: state.demo,
        now: Utc::now(),
    };
    let session_hash = session::secret_from(&headers).map(|s| session::hash_secret(&s)).unwrap_or_default();
    let input = Request { user, id, form, files, query, attempt, session_hash };
    match (action.run)(state.clone(), input).await {
        Outcome::Redirect(path) => Redirect::to(&path).into_response(),
        Outcome::Page { path, context } => render_with(state, &path, &headers, context).await,
        Outcome::File { content_type, filename, body } => (
            [
                (header::CONTENT_TYPE, content_type.to_string()),
                (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{filename}\"")),
                (header::CACHE_CONTROL, "no-store".to_string()),
            ],
            body,
        )
            .into_response(),
        Outcome::Fail(error) => problem(error),
    }
}

/// A multipart form's text fields and files; `Err` for the files when one is larger than
/// `max_bytes` or the body broke off.
async fn read_upload(
    request: axum::extract::Request,
    state: &AppState,
    max_bytes: usize,
) -> (Vec<(String, String)>, Result<Vec<Upload>, ()>) {
    let Ok(mut multipart) = Multipart::from_request(request, state).await else { return (Vec::new(), Ok(Vec::new())) };
    let (mut form, mut files) = (Vec::new(), Vec::new());
    loop {
        match multipart.next_field().await {
            Ok(Some(field)) => {
                let name = field.name().unwrap_or("").to_string();
                match field.file_name().map(str::to_string) {
                    Some(filename) => match field.bytes().await {
                        Ok(bytes) if bytes.len() <= max_bytes => {
                            files.push(Upload { field: name, filename, bytes: bytes.to_vec() })
                        }
                        _ => return (form, Err(())),
                    },
                    None => {
                        let text = field.text().await.unwrap_or_default();
                        form.push((name, text));
                    }
                }
            }
            Ok(None) => return (form, Ok(files)),
            Err(_) => return (form, Err(())),
        }
    }
}

fn problem(error: AppError) -> Response {
    (StatusCode::from_u16(error.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR), error.to_string())
        .into_response()
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

async fn login(State(state): State<AppState>, client: ClientIp, headers: HeaderMap, Form(pairs): Pairs) -> Response {
    let (email, password) = (value(&pairs, "email").trim().to_string(), value(&pairs, "password").to_string());
    if email.is_empty() || password.is_empty() {
        let error = "Enter your email address and password".to_string();
        return crate::render::render_page(state, "/coordinator/login", &headers, LoginDraft { email, error }).await;
    }
    let attempt = Attempt {
        client: client.0,
        device_secret: session::device_secret_from(&headers),
        demo_mode: state.demo,
        now: Utc::now(),
    };
    match session::sign_in(&state.store, &state.throttle, &email, &password, &attempt).await {
        Ok(signed_in) => {
            tracing::info!(coordinator = signed_in.user.id, "signed in");
            let mut response = Redirect::to(safe_next(value(&pairs, "next"))).into_response();
            let secure = state.secure_cookies;
            let cookies = std::iter::once(session::session_cookie(&signed_in.session_secret, secure))
                .chain(signed_in.new_device_secret.map(|device| session::device_cookie(&device, secure)));
            for cookie in cookies {
                if let Ok(value) = HeaderValue::from_str(&cookie) {
                    response.headers_mut().append(header::SET_COOKIE, value);
                }
            }
            response
        }
        Err(error) => {
            let draft = LoginDraft { email, error: error.message().to_string() };
            crate::render::render_page(state, "/coordinator/login", &headers, draft).await
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
