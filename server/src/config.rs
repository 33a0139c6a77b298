//! Configuration from the environment, with defaults that suit a first `make run`.

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
    /// `ENROL_SECURE_COOKIES=1`: the site is served over https, so cookies are marked Secure.
    pub secure_cookies: bool,
}

impl Config {
    /// Reads the configuration from the process environment.
    pub fn from_env() -> Self {
        Self::from_lookup(|key| std::env::var(key).ok())
    }

    /// Reads the configuration through `lookup`, so tests need not touch the environment.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Self {
        let flag = |key: &str| lookup(key).is_some_and(|v| matches!(v.trim(), "1" | "true" | "yes" | "on"));
        Self {
            database_url: lookup("DATABASE_URL")
                .filter(|v| !v.trim().is_empty())
                .unwrap_or_else(|| DEFAULT_DATABASE_URL.to_string()),
            demo: flag("ENROL_DEMO"),
            json_logs: lookup("ENROL_LOG_FORMAT").is_some_and(|v| v.eq_ignore_ascii_case("json")),
            offer_hours: lookup("ENROL_OFFER_HOURS")
                .and_then(|v| v.trim().parse::<i64>().ok())
                .filter(|h| (1..=24 * 14).contains(h))
                .unwrap_or(DEFAULT_OFFER_WINDOW_HOURS),
            secure_cookies: flag("ENROL_SECURE_COOKIES"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn config(pairs: &[(&str, &str)]) -> Config {
        let env: HashMap<String, String> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        Config::from_lookup(|key| env.get(key).cloned())
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
    fn database_url_is_taken_as_given() {
        assert_eq!(config(&[("DATABASE_URL", "sqlite:///tmp/x.db")]).database_url, "sqlite:///tmp/x.db");
    }
}
