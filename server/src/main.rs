//! Starts enrol: configuration → database → demo data (demo mode only) → serve, until
//! SIGTERM or Ctrl-C.

use app::state::AppState;
use app::store::{Store, StoreSettings};
use leptos::config::get_configuration;
use server::config::Config;
use std::process::ExitCode;
use tracing_subscriber::EnvFilter;

fn main() -> ExitCode {
    // Before the runtime starts its threads (see memory.rs).
    server::memory::limit_arenas();
    match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime.block_on(start()),
        Err(e) => {
            eprintln!("enrol could not start: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn start() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let command = match server::admin_cli::parse(&args) {
        Ok(command) => command,
        Err(answer) => {
            // Help and the version are answers (exit 0); a mistake is a usage error (exit 2).
            let _ = answer.print();
            return ExitCode::from(answer.exit_code() as u8);
        }
    };
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(message) => {
            eprintln!("enrol could not start: {message}");
            return ExitCode::from(2);
        }
    };
    if let Some(command) = command {
        // `server admin create --email …`: make the first admin, then stop.
        let outcome = server::admin_cli::run(&config.database_url, command).await;
        return match outcome {
            Ok(message) => {
                println!("{message}");
                ExitCode::SUCCESS
            }
            Err(message) => {
                eprintln!("{message}");
                ExitCode::from(2)
            }
        };
    }
    init_logging(&config);
    match run(config).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            tracing::error!("{message}");
            eprintln!("enrol could not start: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run(config: Config) -> Result<(), String> {
    let mut leptos_options = get_configuration(None).map_err(|e| format!("Leptos configuration: {e}"))?.leptos_options;
    // A release build made by cargo-leptos names its assets by hash and leaves the list beside
    // the binary: use it when it is there.
    let hash_list = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join(leptos_options.hash_file.as_ref())));
    if hash_list.is_some_and(|path| path.exists()) {
        leptos_options.hash_files = true;
    }
    let addr = leptos_options.site_addr;

    let settings = StoreSettings { offer_window: chrono::Duration::hours(config.offer_hours) };
    let store = Store::open_with(&config.database_url, settings).await.map_err(|e| e.to_string())?;
    tracing::info!("database ready");

    if config.demo {
        let demo = app::demo::seed(&store, chrono::Utc::now()).await.map_err(|e| format!("demo data: {e}"))?;
        println!("Demo mode: demo data is loaded.");
        println!("Demo coordinator login: {} / password: {}", demo.email, demo.password);
        match demo.past_session {
            Some((code, when)) => println!("Demo attendance code: {code} (taster session on {when})"),
            None => println!("Demo attendance code: none (no past taster session)"),
        }
    } else if app::demo::shut_out_demo_account(&store).await.map_err(|e| format!("demo account check: {e}"))? {
        eprintln!(
            "Warning: this database has the demo coordinator account ({}); it cannot sign in unless ENROL_DEMO=1.",
            app::demo::DEMO_EMAIL
        );
    }

    let transport = app::mail::transport::Transport::new(config.smtp_url.as_deref(), config.outbox_dir.clone())?;
    println!("Emails go to {}.", transport.describe());
    tracing::info!(to = %transport.describe(), "emails");

    let live = app::live::Live::start(store.clone()).await.map_err(|e| format!("live places: {e}"))?;
    let state = AppState {
        leptos_options,
        store: store.clone(),
        live: live.clone(),
        demo: config.demo,
        throttle: app::auth::throttle::Throttle::new(&store),
        wrong_codes: config.limits.wrong_codes(&store),
        limits: config.limits.clone(),
        secure_cookies: config.secure_cookies,
        mail: config.mail.clone(),
    };
    let expiry = tokio::spawn(server::tasks::expire_offers_every(
        store.clone(),
        config.mail.clone(),
        std::time::Duration::from_secs(30),
    ));
    let retention = tokio::spawn(server::tasks::keep_personal_data_no_longer_than_needed(
        store.clone(),
        config.mail.clone(),
        config.access_log_days,
        std::time::Duration::from_secs(3600),
    ));
    let hand_back = tokio::spawn(server::memory::hand_back_every(server::memory::HAND_BACK_EVERY));
    let sender = tokio::spawn(app::mail::sender::run(
        store.clone(),
        transport,
        config.mail.clone(),
        app::mail::sender::SenderSettings::default(),
    ));
    let app = server::router(state);
    let listener = tokio::net::TcpListener::bind(&addr).await.map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    println!("enrol is serving on http://{addr}");
    tracing::info!(%addr, "listening");
    axum::serve(listener, app.into_make_service_with_connect_info::<std::net::SocketAddr>())
        .with_graceful_shutdown(async move {
            shutdown_signal().await;
            // Event streams never end by themselves: close them so the server can stop.
            live.shut_down();
        })
        .await
        .map_err(|e| format!("server error: {e}"))?;
    expiry.abort();
    retention.abort();
    sender.abort();
    hand_back.abort();
    store.close().await;
    tracing::info!("stopped");
    Ok(())
}

fn init_logging(config: &Config) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=info"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_target(false).with_writer(std::io::stderr);
    if config.json_logs {
        builder.json().init();
    } else {
        builder.init();
    }
}

/// Resolves on Ctrl-C or SIGTERM, so in-flight requests finish before the process exits.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
