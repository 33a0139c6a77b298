//! The command line (clap): `server` serves the site; `server admin create --email … [--name …]`
//! creates the first admin account, its password from `ENROL_ADMIN_PASSWORD` or asked for on
//! the terminal (not echoed, twice); `--help` says so.

use app::auth::password::hash_password;
use app::domain::password_change::check_new_password;
use app::domain::WorkEmail;
use app::store::{NewCoordinator, Store};
use clap::{CommandFactory, Parser, Subcommand};

/// enrol's command line: with no command the server serves the site (configured by the
/// environment, README "Configuration"); `admin create` makes an admin account.
#[derive(Debug, Parser)]
#[command(name = "server", version, about = "enrol: the Compassionate leadership course's site and its coordinators' area")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Manage coordinator accounts.
    Admin {
        #[command(subcommand)]
        action: AdminAction,
    },
}

#[derive(Debug, Subcommand)]
pub enum AdminAction {
    /// Create an admin account (for the first one; later ones are added in the coordinators'
    /// area). The password is read from ENROL_ADMIN_PASSWORD, or asked for on the terminal.
    Create {
        /// The admin's work email address, which they sign in with.
        #[arg(long)]
        email: String,
        /// Their full name, as the audit log shows it.
        #[arg(long, default_value = "Administrator")]
        name: String,
    },
}

/// What the command line asked for.
#[derive(Debug, PartialEq, Eq)]
pub struct CreateAdmin {
    pub email: String,
    pub name: String,
}

/// Reads the command line (`args` without the program's name): `None` to serve the site, an
/// admin to create, or clap's own answer (help, a version, or a usage error) to print.
pub fn parse(args: &[String]) -> Result<Option<CreateAdmin>, clap::Error> {
    let cli = Cli::try_parse_from(std::iter::once("server".to_string()).chain(args.iter().cloned()))?;
    match cli.command {
        None => Ok(None),
        Some(Command::Admin { action: AdminAction::Create { email, name } }) => {
            let email = WorkEmail::parse(&email).map_err(|e| {
                Cli::command().error(clap::error::ErrorKind::ValueValidation, format!("--email: {e}"))
            })?;
            Ok(Some(CreateAdmin { email: email.as_str().to_string(), name }))
        }
    }
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
        assert_eq!(c, Some(CreateAdmin { email: "Lead@NHS.net".into(), name: "Lee Lead".into() }));
        assert_eq!(parse(&[]).unwrap(), None, "no command: serve the site");
    }

    #[test]
    fn a_missing_or_bad_email_is_refused_with_usage() {
        let missing = parse(&args(&["admin", "create"])).unwrap_err();
        assert!(missing.to_string().contains("--email"));
        let bad = parse(&args(&["admin", "create", "--email", "nope"])).unwrap_err();
        assert!(bad.to_string().contains("--email") && bad.to_string().contains("Usage"), "{bad}");
        assert!(parse(&args(&["admin", "delete"])).is_err());
    }

    #[test]
    fn help_is_an_answer_not_an_error() {
        let help = parse(&args(&["admin", "create", "--help"])).unwrap_err();
        assert_eq!(help.kind(), clap::error::ErrorKind::DisplayHelp);
        assert_eq!(help.exit_code(), 0);
        let text = help.to_string();
        assert!(text.contains("--email") && text.contains("ENROL_ADMIN_PASSWORD"), "{text}");
    }
}
