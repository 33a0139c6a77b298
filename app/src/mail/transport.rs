//! Where emails go: to an SMTP server (`ENROL_SMTP_URL`, in lettre's URL form: `smtp://host:25`
//! plain, as for a relay on the same host; `smtp://host:587?tls=required` for STARTTLS;
//! `smtps://host:465` for TLS; credentials as `smtps://user:password@host`), or without one, as
//! `.eml` files in a folder (`data/outbox/`), each named after its outbox id.

use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::path::PathBuf;

/// How a delivery failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Failure {
    /// Try again later: a temporary refusal (4xx), a lost connection, a server that is down.
    Retry(String),
    /// Do not try again: the server refused the message for good (5xx).
    Refused(String),
}

/// Where this server's emails go.
#[derive(Clone)]
pub enum Transport {
    Folder(PathBuf),
    Smtp { relay: AsyncSmtpTransport<Tokio1Executor>, described: String },
}

impl std::fmt::Debug for Transport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.describe())
    }
}

impl Transport {
    /// SMTP at `smtp_url` when it is set, otherwise files in `folder`. A URL that cannot be
    /// read is an error naming the setting.
    pub fn new(smtp_url: Option<&str>, folder: PathBuf) -> Result<Self, String> {
        match smtp_url.map(str::trim).filter(|u| !u.is_empty()) {
            None => Ok(Self::Folder(folder)),
            Some(url) => {
                let relay = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .map_err(|e| format!("ENROL_SMTP_URL could not be read ({e}); see the README, \"Email\""))?
                    .timeout(Some(std::time::Duration::from_secs(20)))
                    .build();
                Ok(Self::Smtp { relay, described: format!("the SMTP server at {}", crate::store::redact(url)) })
            }
        }
    }

    /// Where messages go, fit for a log line (no password).
    pub fn describe(&self) -> String {
        match self {
            Self::Folder(folder) => format!("files in {}/", folder.display()),
            Self::Smtp { described, .. } => described.clone(),
        }
    }

    /// Delivers one message; `stem` names its file in a folder.
    pub async fn deliver(&self, message: &Message, stem: &str) -> Result<(), Failure> {
        match self {
            Self::Folder(folder) => {
                let write = async {
                    tokio::fs::create_dir_all(folder).await?;
                    let partial = folder.join(format!("{stem}.eml.part"));
                    tokio::fs::write(&partial, message.formatted()).await?;
                    tokio::fs::rename(&partial, folder.join(format!("{stem}.eml"))).await
                };
                write.await.map_err(|e| Failure::Retry(format!("could not write to {}: {e}", folder.display())))
            }
            Self::Smtp { relay, .. } => match relay.send(message.clone()).await {
                Ok(_) => Ok(()),
                Err(e) if e.is_permanent() => Err(Failure::Refused(e.to_string())),
                Err(e) => Err(Failure::Retry(e.to_string())),
            },
        }
    }
}

/// Deletes the files of these emails from `folder` (their applicant's data was erased).
pub fn forget_files(folder: &std::path::Path, email_ids: &[i64]) {
    let Ok(entries) = std::fs::read_dir(folder) else { return };
    let prefixes: Vec<String> = email_ids.iter().map(|id| format!("{id:08}-")).collect();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if prefixes.iter().any(|p| name.starts_with(p.as_str())) {
            if let Err(error) = std::fs::remove_file(entry.path()) {
                tracing::warn!(%error, "could not delete an erased applicant's email file");
            }
        }
    }
}
