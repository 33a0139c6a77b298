//! Signing coordinators in and out, and recognising them on every request.
//!
//! A session is a random 256-bit secret in an HttpOnly, SameSite=Strict cookie (Secure when
//! configured for https); the database keeps only its SHA-256, so signing out or expiry ends
//! it for good. Sessions end after 30 minutes idle or 12 hours in all.
//!
//! A browser a coordinator has signed in on also keeps a device cookie (another 256-bit
//! secret, stored hashed): wrong passwords from it are counted on its own, so that a flood of
//! wrong passwords from elsewhere, which locks the account, does not lock its coordinator out
//! of their usual browser (see `throttle.rs`).

use crate::auth::password::verify_password;
use crate::auth::throttle::{delay_after, Throttle, ACCOUNT};
use crate::errors::AppError;
use crate::models::{CoordinatorUser, Role};
use crate::store::{LoginRecord, Store};
use axum::http::HeaderMap;
use chrono::{DateTime, Duration, Utc};
use sha2::{Digest, Sha256};
use std::net::IpAddr;

/// The session cookie's name.
pub const COOKIE: &str = "enrol_session";
/// A session ends after this long without a request.
pub const IDLE: Duration = Duration::minutes(30);
/// A session ends this long after signing in, however active.
pub const ABSOLUTE: Duration = Duration::hours(12);
/// Activity is written down at most this often (not on every request).
const TOUCH_EVERY: Duration = Duration::minutes(1);

/// The one message for a wrong email and a wrong password alike.
pub const WRONG_DETAILS: &str = "Enter a correct email address and password";

/// SHA-256 of a session secret, as stored.
pub fn hash_secret(secret: &str) -> String {
    Sha256::digest(secret.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// The session secret from a request's cookies.
pub fn secret_from(headers: &HeaderMap) -> Option<String> {
    cookie_value(headers, COOKIE)
}

/// A cookie's value, if it looks like one of our 256-bit secrets (64 hex digits).
fn cookie_value(headers: &HeaderMap, cookie: &str) -> Option<String> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == cookie)
        .map(|(_, value)| value.to_string())
        .filter(|v| v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The `Set-Cookie` value that starts a session.
pub fn session_cookie(secret: &str, secure: bool) -> String {
    format!(
        "{COOKIE}={secret}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}{}",
        ABSOLUTE.num_seconds(),
        if secure { "; Secure" } else { "" }
    )
}

/// The `Set-Cookie` value that removes the session cookie.
pub fn clear_cookie(secure: bool) -> String {
    format!("{COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0{}", if secure { "; Secure" } else { "" })
}

/// The device cookie's name: it marks a browser a coordinator has signed in on before.
pub const DEVICE_COOKIE: &str = "enrol_device";
/// A browser not used to sign in for this long is forgotten.
pub const DEVICE_FORGOTTEN_AFTER: Duration = Duration::days(180);

/// The device secret from a request's cookies, if it looks like one.
pub fn device_secret_from(headers: &HeaderMap) -> Option<String> {
    cookie_value(headers, DEVICE_COOKIE)
}

/// The `Set-Cookie` value that marks this browser as one its coordinator has signed in on.
/// It only ever reaches the coordinators' pages (`Path=/coordinator`).
pub fn device_cookie(secret: &str, secure: bool) -> String {
    format!(
        "{DEVICE_COOKIE}={secret}; Path=/coordinator; HttpOnly; SameSite=Strict; Max-Age={}{}",
        DEVICE_FORGOTTEN_AFTER.num_seconds(),
        if secure { "; Secure" } else { "" }
    )
}

/// Why signing in failed, in words for the person signing in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SignInError {
    WrongDetails,
    TooManyAttempts,
    Unavailable,
}

impl SignInError {
    /// The message the sign-in page shows.
    pub fn message(&self) -> &'static str {
        match self {
            Self::WrongDetails => WRONG_DETAILS,
            Self::TooManyAttempts => "Too many attempts to sign in. Wait 15 minutes, then try again.",
            Self::Unavailable => "Signing in is not possible at the moment. Try again in a few minutes.",
        }
    }
}

/// A Argon2id hash of nothing anyone types, checked when the email matches no account, so a
/// wrong email takes as long to refuse as a wrong password.
fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| crate::auth::password::hash_password("decoy password never used").unwrap_or_default())
}

/// Who is trying a password, and from where: the client address, the browser's device secret
/// (if it has one), and whether the server runs in demo mode.
#[derive(Clone, Debug)]
pub struct Attempt {
    pub client: IpAddr,
    pub device_secret: Option<String>,
    pub demo_mode: bool,
    pub now: DateTime<Utc>,
}

/// Whose count a wrong password goes on: a browser the account has signed in on keeps its own,
/// so attempts from anywhere else cannot lock the coordinator out of it.
enum Counter {
    Device { id_hash: String },
    Account,
}

/// The counter for `record` from this attempt's browser.
async fn counter(store: &Store, record: Option<&LoginRecord>, attempt: &Attempt) -> Result<Counter, AppError> {
    let (Some(record), Some(secret)) = (record, attempt.device_secret.as_deref()) else { return Ok(Counter::Account) };
    let id_hash = hash_secret(secret);
    Ok(match store.device(&id_hash).await? {
        Some(device) if device.coordinator_id == record.id => Counter::Device { id_hash },
        _ => Counter::Account,
    })
}

/// The outcome of checking a password.
pub enum Checked {
    /// Right, for an account that may sign in; `known_browser` when the account has signed in
    /// on this browser before.
    Right { known_browser: bool },
    /// Wrong (counted, and waited for).
    Wrong,
}

/// Checks `password` for `record` (none: an unknown email, checked against a decoy so it takes
/// as long), at sign-in or when a coordinator changes theirs.
///
/// The attempt is counted as wrong before the password is checked, in one step on the store
/// (an account's or a known browser's count) or under a lock (a client address's count), and
/// forgiven when it was right: so many attempts at once cannot all be checked while the lock
/// they add up to is still being written. A known browser's attempts count on that browser
/// only; others count on the client address and on the account, which locks it for other
/// browsers after `LOCK_AFTER` in a row. A wrong answer waits longer after each in a row.
/// `usable` is false for an account that may not sign in (disabled, or the demo account
/// outside demo mode): its right password is as good as wrong.
pub async fn check_password(
    store: &Store,
    throttle: &Throttle,
    record: Option<&LoginRecord>,
    usable: bool,
    password: &str,
    attempt: &Attempt,
) -> Result<Checked, SignInError> {
    let now = attempt.now;
    let unavailable = |_| SignInError::Unavailable;
    let counter = counter(store, record, attempt).await.map_err(unavailable)?;
    let in_a_row = match (&counter, record) {
        (Counter::Device { id_hash }, _) => store.reserve_device_attempt(id_hash, ACCOUNT, now).await.map_err(unavailable)?,
        (Counter::Account, record) => {
            let from_client = throttle.reserve(attempt.client, now).await.map_err(unavailable)?;
            match (from_client, record) {
                (None, _) => None,
                (Some(_), Some(record)) => store.reserve_login_attempt(record.id, ACCOUNT, now).await.map_err(unavailable)?,
                (Some(count), None) => Some(count),
            }
        }
    };
    let Some(in_a_row) = in_a_row else { return Err(SignInError::TooManyAttempts) };
    let phc = record.map(|r| r.password_hash.clone()).unwrap_or_else(|| decoy_hash().to_string());
    let candidate = password.to_string();
    let matches = tokio::task::spawn_blocking(move || verify_password(&candidate, &phc)).await.unwrap_or(false);
    match record {
        Some(record) if matches && usable => {
            let known_browser = match counter {
                Counter::Device { id_hash } => {
                    store.device_succeeded(&id_hash, now).await.map_err(unavailable)?;
                    true
                }
                Counter::Account => {
                    throttle.forgive(attempt.client, now).await.map_err(unavailable)?;
                    store.login_succeeded(record.id).await.map_err(unavailable)?;
                    false
                }
            };
            Ok(Checked::Right { known_browser })
        }
        _ => {
            tokio::time::sleep(delay_after(in_a_row)).await;
            Ok(Checked::Wrong)
        }
    }
}

/// What a successful sign-in gives: the coordinator, the new session's secret, and a device
/// secret to set when this browser was not known yet.
pub struct SignedIn {
    pub user: CoordinatorUser,
    pub session_secret: String,
    pub new_device_secret: Option<String>,
}

/// Checks an email and password; on success stores a new session and returns its secret.
pub async fn sign_in(
    store: &Store,
    throttle: &Throttle,
    email: &str,
    password: &str,
    attempt: &Attempt,
) -> Result<SignedIn, SignInError> {
    let email_key = crate::domain::email::email_key(email);
    let record = store.login_record(&email_key).await.map_err(|_| SignInError::Unavailable)?;
    // The demo account's password is published: outside demo mode it is as good as wrong.
    let usable = record.as_ref().is_some_and(|r| r.disabled_at.is_none() && (attempt.demo_mode || !r.is_demo));
    match (check_password(store, throttle, record.as_ref(), usable, password, attempt).await?, record) {
        (Checked::Right { known_browser }, Some(record)) => {
            let unavailable = |_| SignInError::Unavailable;
            // A browser signed in on for the first time is remembered from now on.
            let new_device_secret = if known_browser {
                None
            } else {
                let secret = crate::tokens::session_secret();
                let forget_before = attempt.now - DEVICE_FORGOTTEN_AFTER;
                store.add_device(&hash_secret(&secret), record.id, attempt.now, forget_before).await.map_err(unavailable)?;
                Some(secret)
            };
            let session_secret = crate::tokens::session_secret();
            store
                .create_session(&hash_secret(&session_secret), record.id, attempt.now, attempt.now + ABSOLUTE)
                .await
                .map_err(|_| SignInError::Unavailable)?;
            Ok(SignedIn { user: record.user(), session_secret, new_device_secret })
        }
        _ => Err(SignInError::WrongDetails),
    }
}

/// The coordinator a request belongs to, if its session is valid (idle and absolute limits
/// applied; an expired session is deleted).
pub async fn current(
    store: &Store,
    headers: &HeaderMap,
    now: DateTime<Utc>,
) -> Result<Option<CoordinatorUser>, AppError> {
    let Some(secret) = secret_from(headers) else { return Ok(None) };
    let id_hash = hash_secret(&secret);
    let Some(session) = store.session(&id_hash).await? else { return Ok(None) };
    if now >= session.expires_at || now - session.last_seen_at >= IDLE {
        store.delete_session(&id_hash).await?;
        return Ok(None);
    }
    if now - session.last_seen_at >= TOUCH_EVERY {
        store.touch_session(&id_hash, now).await?;
    }
    Ok(Some(session.user))
}

/// The signed-in coordinator, if they hold `role`: otherwise `Unauthorised` (not signed in)
/// or `Forbidden` (signed in without the role).
pub async fn require(store: &Store, headers: &HeaderMap, role: Role) -> Result<CoordinatorUser, AppError> {
    match current(store, headers, Utc::now()).await? {
        None => Err(AppError::Unauthorised),
        Some(user) if user.role.allows(role) => Ok(user),
        Some(_) => Err(AppError::Forbidden),
    }
}

/// Ends the request's session, if it has one.
pub async fn sign_out(store: &Store, headers: &HeaderMap) -> Result<(), AppError> {
    if let Some(secret) = secret_from(headers) {
        store.delete_session(&hash_secret(&secret)).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_secret_is_read_from_among_other_cookies_and_must_look_like_one() {
        let secret = "ab".repeat(32);
        let mut headers = HeaderMap::new();
        headers.insert("cookie", format!("theme=dark; {COOKIE}={secret}; other=1").parse().unwrap());
        assert_eq!(secret_from(&headers), Some(secret));
        headers.insert("cookie", format!("{COOKIE}=short").parse().unwrap());
        assert_eq!(secret_from(&headers), None);
    }

    #[test]
    fn the_device_cookie_reaches_only_the_coordinators_pages() {
        let cookie = device_cookie("s", false);
        assert!(cookie.starts_with("enrol_device=s; Path=/coordinator;") && cookie.contains("HttpOnly"), "{cookie}");
        assert!(cookie.contains("SameSite=Strict") && cookie.contains("Max-Age=15552000"), "{cookie}");
    }

    #[test]
    fn the_cookie_is_http_only_same_site_strict_and_secure_when_asked() {
        let cookie = session_cookie("s", true);
        assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && cookie.ends_with("; Secure"));
        assert!(!session_cookie("s", false).contains("Secure"));
        assert!(clear_cookie(false).contains("Max-Age=0"));
    }

    #[test]
    fn the_stored_hash_is_sha_256_of_the_secret() {
        assert_eq!(hash_secret("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    #[test]
    fn an_admin_may_do_what_a_coordinator_may_but_not_the_other_way() {
        assert!(Role::Admin.allows(Role::Coordinator));
        assert!(!Role::Coordinator.allows(Role::Admin));
    }
}
