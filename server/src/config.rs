//! Configuration from the environment, with defaults that suit a first `make run`.

use app::auth::limits::LimitSettings;
use app::domain::allocation::DEFAULT_OFFER_WINDOW_HOURS;
use app::store::DEFAULT_DATABASE_URL;

/// Settings read at start; Leptos reads its own (`LEPTOS_SITE_ADDR`, …) separately.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    /// `DATABASE_URL`: the database to open; default the SQLite file under `data/`.
    pub database_url: String,
    /// `ENROL_DEMO=1`: seed demo data and print the demo login.
    pub demo: bool,
    /// `ENROL_LOG_FORMAT=json`: one JSON object per log line, for log collectors.
    pub json_logs: bool,
    /// `ENROL_OFFER_HOURS`: how long a freed place is held for the applicant offered it.
    pub offer_hours: i64,
    /// `ENROL_SECURE_COOKIES=1`: the site is served over https, so cookies are marked Secure
    /// and responses carry HSTS.
    pub secure_cookies: bool,
    /// `ENROL_TRUSTED_PROXIES`, `ENROL_WRONG_CODES_PER_EMAIL`, `ENROL_WRONG_CODES_PER_CLIENT`,
    /// `ENROL_WRITE_BURST`, `ENROL_WRITES_PER_SECOND`, `ENROL_SIGN_IN_BURST`.
    pub limits: LimitSettings,
    /// `ENROL_MAIL_FROM`, `ENROL_PUBLIC_URL`, `ENROL_CONTACT_EMAIL`, `ENROL_OFFER_REMINDER_HOURS`.
    pub mail: app::mail::Settings,
    /// `ENROL_SMTP_URL`: the SMTP server emails go to; without it, `.eml` files in `outbox_dir`.
    pub smtp_url: Option<String>,
    /// `ENROL_OUTBOX_DIR`: where emails are written without an SMTP server (`data/outbox`).
    pub outbox_dir: std::path::PathBuf,
    /// `ENROL_ACCESS_LOG_DAYS`: how long the access log keeps who looked at whose data.
    pub access_log_days: u32,
}

impl Config {
    /// Reads the configuration from the process environment.
    pub fn from_env() -> Result<Self, String> {
        Self::from_lookup(|key| std::env::var(key).ok())
    }

    /// Reads the configuration through `lookup`, so tests need not touch the environment. A
    /// setting that guards something (the trusted proxies, a limit) and cannot be read stops
    /// the start with a message naming it; a plain nonsense number elsewhere falls back to its
    /// default.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, String> {
        let flag = |key: &str| lookup(key).is_some_and(|v| matches!(v.trim(), "1" | "true" | "yes" | "on"));
        let defaults = LimitSettings::default();
        let limit = |key: &str, default: u32| -> Result<u32, String> {
            match lookup(key).map(|v| v.trim().to_string()).filter(|v| !v.is_empty()) {
                None => Ok(default),
                Some(v) => v
                    .parse::<u32>()
                    .ok()
                    .filter(|n| *n >= 1)
                    .ok_or_else(|| format!("{key} must be a whole number of 1 or more, got {v:?}")),
            }
        };
        let limits = LimitSettings {
            trusted_proxies: crate::client_ip::parse_trusted_proxies(&lookup("ENROL_TRUSTED_PROXIES").unwrap_or_default())?,
            wrong_codes_per_email: limit("ENROL_WRONG_CODES_PER_EMAIL", defaults.wrong_codes_per_email)?,
            wrong_codes_per_client: limit("ENROL_WRONG_CODES_PER_CLIENT", defaults.wrong_codes_per_client)?,
            write_burst: limit("ENROL_WRITE_BURST", defaults.write_burst)?,
            writes_per_second: limit("ENROL_WRITES_PER_SECOND", defaults.writes_per_second)?,
            sign_in_burst: limit("ENROL_SIGN_IN_BURST", defaults.sign_in_burst)?,
        };
        let offer_hours = lookup("ENROL_OFFER_HOURS")
            .and_then(|v| v.trim().parse::<i64>().ok())
            .filter(|h| (1..=24 * 14).contains(h))
            .unwrap_or(DEFAULT_OFFER_WINDOW_HOURS);
        let mail_defaults = app::mail::Settings::default();
        let text = |key: &str| lookup(key).map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
        let from = text("ENROL_MAIL_FROM").unwrap_or(mail_defaults.from);
        if from.parse::<lettre::message::Mailbox>().is_err() {
            return Err(format!(
                "ENROL_MAIL_FROM must be an email address, optionally with a name, like \
                 \"Compassionate leadership <course@trust.nhs.uk>\", got {from:?}"
            ));
        }
        let public_url = text("ENROL_PUBLIC_URL").unwrap_or(mail_defaults.public_url);
        if !(public_url.starts_with("https://") || public_url.starts_with("http://")) || public_url.contains(char::is_whitespace) {
            return Err(format!(
                "ENROL_PUBLIC_URL must be the site's address as applicants reach it, like https://enrol.trust.nhs.uk, got {public_url:?}"
            ));
        }
        let contact_email = text("ENROL_CONTACT_EMAIL").unwrap_or(mail_defaults.contact_email);
        if app::domain::email::WorkEmail::parse(&contact_email).is_err() {
            return Err(format!("ENROL_CONTACT_EMAIL must be an email address, got {contact_email:?}"));
        }
        let parent_url = text("ENROL_PARENT_URL");
        if let Some(url) = &parent_url {
            if !(url.starts_with("https://") || url.starts_with("http://")) || url.contains(char::is_whitespace) {
                return Err(format!(
                    "ENROL_PARENT_URL must be the address of the provider's page the course page links back to, like https://www.trust.nhs.uk/mindfulness, got {url:?}"
                ));
            }
        }
        let reminder_hours = limit("ENROL_OFFER_REMINDER_HOURS", 12)?;
        let smtp_url = text("ENROL_SMTP_URL");
        let outbox_dir: std::path::PathBuf = text("ENROL_OUTBOX_DIR").unwrap_or_else(|| "data/outbox".into()).into();
        let mail = app::mail::Settings {
            from,
            public_url: public_url.trim_end_matches('/').to_string(),
            contact_email,
            reminder_before: chrono::Duration::hours(i64::from(reminder_hours)),
            offer_window: chrono::Duration::hours(offer_hours),
            organisation: text("ENROL_ORGANISATION").unwrap_or(mail_defaults.organisation),
            outbox_dir: smtp_url.is_none().then(|| outbox_dir.clone()),
            parent_url,
        };
        Ok(Self {
            mail,
            smtp_url,
            outbox_dir,
            access_log_days: limit("ENROL_ACCESS_LOG_DAYS", 365)?,
            database_url: lookup("DATABASE_URL")
                .filter(|v| !v.trim().is_empty())
                .unwrap_or_else(|| DEFAULT_DATABASE_URL.to_string()),
            demo: flag("ENROL_DEMO"),
            json_logs: lookup("ENROL_LOG_FORMAT").is_some_and(|v| v.eq_ignore_ascii_case("json")),
            offer_hours,
            secure_cookies: flag("ENROL_SECURE_COOKIES"),
            limits,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn config(pairs: &[(&str, &str)]) -> Config {
        let env: HashMap<String, String> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        Config::from_lookup(|key| env.get(key).cloned()).unwrap()
    }

    fn refused(pairs: &[(&str, &str)]) -> String {
        let env: HashMap<String, String> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        Config::from_lookup(|key| env.get(key).cloned()).unwrap_err()
    }

    #[test]
    fn trusted_proxies_are_read_and_a_mistake_stops_the_start() {
        assert_eq!(config(&[("ENROL_TRUSTED_PROXIES", "10.0.0.0/8, 127.0.0.1")]).limits.trusted_proxies.len(), 2);
        assert!(config(&[]).limits.trusted_proxies.is_empty(), "none by default: the peer is the client");
        assert!(refused(&[("ENROL_TRUSTED_PROXIES", "10.0.0.0/8 nginx")]).contains("\"nginx\""));
    }

    #[test]
    fn limits_default_to_the_documented_values_and_refuse_nonsense() {
        let c = config(&[("ENROL_WRONG_CODES_PER_EMAIL", "5")]);
        assert_eq!((c.limits.wrong_codes_per_email, c.limits.wrong_codes_per_client), (5, 30));
        assert_eq!((c.limits.write_burst, c.limits.writes_per_second, c.limits.sign_in_burst), (5000, 50, 30));
        assert!(refused(&[("ENROL_WRITE_BURST", "0")]).contains("ENROL_WRITE_BURST"));
        assert!(refused(&[("ENROL_SIGN_IN_BURST", "lots")]).contains("ENROL_SIGN_IN_BURST"));
    }

    #[test]
    fn with_nothing_set_it_uses_the_sqlite_file_and_production_mode() {
        let c = config(&[]);
        assert_eq!(c.database_url, "sqlite://data/enrol.db");
        assert!(!c.demo);
        assert!(!c.json_logs);
    }

    #[test]
    fn enrol_demo_1_turns_demo_mode_on_and_0_leaves_it_off() {
        assert!(config(&[("ENROL_DEMO", "1")]).demo);
        assert!(!config(&[("ENROL_DEMO", "0")]).demo);
    }

    #[test]
    fn the_offer_window_defaults_to_48_hours_and_ignores_nonsense() {
        assert_eq!(config(&[]).offer_hours, 48);
        assert_eq!(config(&[("ENROL_OFFER_HOURS", "24")]).offer_hours, 24);
        assert_eq!(config(&[("ENROL_OFFER_HOURS", "-3")]).offer_hours, 48);
        assert_eq!(config(&[("ENROL_OFFER_HOURS", "soon")]).offer_hours, 48);
    }

    #[test]
    fn email_settings_have_defaults_and_a_mistake_stops_the_start_naming_the_setting() {
        let c = config(&[]);
        assert_eq!(c.smtp_url, None, "without an SMTP server, emails are written as files");
        assert_eq!(c.outbox_dir, std::path::PathBuf::from("data/outbox"));
        assert_eq!(c.mail.reminder_before, chrono::Duration::hours(12));
        let c = config(&[("ENROL_PUBLIC_URL", "https://enrol.trust.nhs.uk/"), ("ENROL_SMTP_URL", "smtp://127.0.0.1:2525")]);
        assert_eq!(c.mail.public_url, "https://enrol.trust.nhs.uk");
        assert_eq!(c.smtp_url.as_deref(), Some("smtp://127.0.0.1:2525"));
        assert!(refused(&[("ENROL_MAIL_FROM", "course team")]).contains("ENROL_MAIL_FROM"));
        assert!(refused(&[("ENROL_PUBLIC_URL", "enrol.trust.nhs.uk")]).contains("ENROL_PUBLIC_URL"));
        assert!(refused(&[("ENROL_CONTACT_EMAIL", "nobody")]).contains("ENROL_CONTACT_EMAIL"));
        assert!(refused(&[("ENROL_PARENT_URL", "www.trust.nhs.uk")]).contains("ENROL_PARENT_URL"));
        assert!(refused(&[("ENROL_OFFER_REMINDER_HOURS", "0")]).contains("ENROL_OFFER_REMINDER_HOURS"));
    }

    #[test]
    fn database_url_is_taken_as_given() {
        assert_eq!(config(&[("DATABASE_URL", "sqlite:///tmp/x.db")]).database_url, "sqlite:///tmp/x.db");
    }
}
