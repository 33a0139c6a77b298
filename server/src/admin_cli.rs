//! `server admin create --email … [--name …]`: creates the first admin account. The password
//! comes from `ENROL_ADMIN_PASSWORD`, or is asked for on the terminal (not echoed, twice).

use app::auth::password::hash_password;
use app::domain::password_change::check_new_password;
use app::domain::WorkEmail;
use app::store::{NewCoordinator, Store};

/// What the command line asked for.
#[derive(Debug, PartialEq, Eq)]
pub struct CreateAdmin {
    pub email: String,
    pub name: String,
}

/// Reads `admin create --email E [--name N]`; anything else is a usage message.
pub fn parse(args: &[String]) -> Result<CreateAdmin, String> {
    let usage = "usage: server admin create --email name@nhs.net [--name \"Full Name\"]\n\
                 The password is read from ENROL_ADMIN_PASSWORD, or asked for on the terminal.";
    if args.len() < 2 || args[0] != "admin" || args[1] != "create" {
        return Err(usage.into());
    }
    let mut email = None;
    let mut name = None;
    let mut rest = args[2..].iter();
    while let Some(flag) = rest.next() {
        match flag.as_str() {
            "--email" => email = rest.next().cloned(),
            "--name" => name = rest.next().cloned(),
            _ => return Err(usage.into()),
        }
    }
    let email = WorkEmail::parse(email.as_deref().unwrap_or("")).map_err(|e| format!("--email: {e}\n{usage}"))?;
    let name = name.unwrap_or_else(|| "Administrator".into());
    Ok(CreateAdmin { email: email.as_str().to_string(), name })
}

/// Runs the command against the database at `url`.
pub async fn run(url: &str, command: CreateAdmin) -> Result<String, String> {
    let password = match std::env::var("ENROL_ADMIN_PASSWORD") {
        Ok(password) => password,
        Err(_) => {
            let first = rpassword::prompt_password("Password for the new admin: ").map_err(|e| e.to_string())?;
            let again = rpassword::prompt_password("The same password again: ").map_err(|e| e.to_string())?;
            if first != again {
                return Err("The two passwords were different; nothing was created".into());
            }
            first
        }
    };
    check_new_password(&password)?;
    let password_hash = hash_password(&password).map_err(|e| e.to_string())?;
    let store = Store::open(url).await.map_err(|e| e.to_string())?;
    let id = store
        .create_coordinator(&NewCoordinator {
            email: command.email.clone(),
            name: command.name,
            role: app::models::Role::Admin,
            password_hash,
            demo: false,
        }, app::workflow::Actor::System)
        .await
        .map_err(|e| e.to_string())?;
    store.close().await;
    Ok(format!("Admin account {} created (id {id}). Sign in at /coordinator/login.", command.email))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn the_command_reads_email_and_name() {
        let c = parse(&args(&["admin", "create", "--email", "Lead@NHS.net", "--name", "Lee Lead"])).unwrap();
        assert_eq!(c, CreateAdmin { email: "Lead@NHS.net".into(), name: "Lee Lead".into() });
    }

    #[test]
    fn a_missing_or_bad_email_is_refused_with_usage() {
        assert!(parse(&args(&["admin", "create"])).unwrap_err().contains("--email"));
        assert!(parse(&args(&["admin", "create", "--email", "nope"])).unwrap_err().contains("usage"));
        assert!(parse(&args(&["admin", "delete"])).is_err());
    }
}
