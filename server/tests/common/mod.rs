//! Starts the real router on port 0 against a fresh SQLite file, for tests that drive enrol
//! over HTTP as a client would.

#![allow(dead_code)]

use app::state::AppState;
use app::store::Store;
use leptos::config::LeptosOptions;
use std::net::SocketAddr;
use tempfile::TempDir;

/// A running server and what a test needs to reach it.
pub struct TestApp {
    pub addr: SocketAddr,
    pub store: Store,
    pub client: reqwest::Client,
    _dir: TempDir,
}

impl TestApp {
    /// Starts a server on an empty database (the course content comes with the migrations).
    pub async fn spawn() -> Self {
        Self::spawn_with(false).await
    }

    /// Starts a server on a database with the demo data seeded.
    pub async fn spawn_demo() -> Self {
        Self::spawn_with(true).await
    }

    async fn spawn_with(demo: bool) -> Self {
        let dir = tempfile::tempdir().expect("temporary folder");
        let url = format!("sqlite://{}", dir.path().join("data").join("enrol.db").display());
        let store = Store::open(&url).await.expect("open the store");
        if demo {
            app::demo::seed(&store, chrono::Utc::now()).await.expect("seed demo data");
        }
        let leptos_options = LeptosOptions::builder().output_name("enrol").build();
        let state = AppState { leptos_options, store: store.clone(), demo };
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind port 0");
        let addr = listener.local_addr().expect("local address");
        let router = server::router(state);
        tokio::spawn(async move {
            axum::serve(listener, router.into_make_service_with_connect_info::<SocketAddr>()).await.expect("serve");
        });
        let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client");
        Self { addr, store, client, _dir: dir }
    }

    /// The absolute URL of `path` on this server.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// GETs `path` and returns the status and body text.
    pub async fn get(&self, path: &str) -> (u16, String) {
        let res = self.client.get(self.url(path)).send().await.expect("request");
        let status = res.status().as_u16();
        (status, res.text().await.expect("body"))
    }
}
