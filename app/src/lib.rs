//! enrol: the pages, components and server functions of the Compassionate leadership course
//! site, with the domain rules and (on the server) the store.

#![recursion_limit = "256"]

pub mod components;
pub mod domain;
pub mod errors;
pub mod functions;
pub mod models;
pub mod routes;

#[cfg(feature = "ssr")]
pub mod actions;
#[cfg(feature = "ssr")]
pub mod auth;
#[cfg(feature = "ssr")]
pub mod bundles;
#[cfg(feature = "ssr")]
pub mod calendar_files;
#[cfg(feature = "ssr")]
pub mod csp;
#[cfg(feature = "ssr")]
pub mod demo;
#[cfg(feature = "ssr")]
pub mod live;
#[cfg(feature = "ssr")]
pub mod mail;
#[cfg(feature = "ssr")]
pub mod state;
#[cfg(feature = "ssr")]
pub mod store;
#[cfg(feature = "ssr")]
pub mod tokens;
#[cfg(feature = "ssr")]
pub mod workflow;

use components::layout::Layout;
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, HashedStylesheet, Link, Meta, MetaTags};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, SsrMode};
use routes::coordinator::admin::AccountsPage;
use routes::coordinator::audit::AuditPage;
use routes::coordinator::applications::{ApplicationPage, ApplicationsPage};
use routes::coordinator::emails::{EmailsPage, WriteMessagePage};
use routes::coordinator::privacy::{AccessLogPage, RetentionPage};
use routes::coordinator::attendance::{ImportPage, ImportsPage};
use routes::coordinator::cohorts::{CohortFormPage, CohortsAdminPage};
use routes::coordinator::dashboard::DashboardPage;
use routes::coordinator::login::LoginPage;
use routes::coordinator::password::PasswordPage;
use routes::coordinator::tasters::{CodeScreenPage, TasterFormPage, TastersAdminPage};
use routes::course::CoursePage;
use routes::join::JoinPage;
use routes::not_found::NotFound;
use routes::privacy::PrivacyPage;
use routes::status::{
    AcceptPage, ConfirmationPage, DeclinePage, EraseCheckPage, ErasedPage, FindLinkPage, StatusPage, WithdrawPage,
};
use routes::tasters::{TasterSessionPage, TastersPage};

/// The HTML document around the app, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    // The page loads its own group's wasm bundle (see `bundles`).
    #[cfg(feature = "ssr")]
    let scripts = {
        csp::provide_request_nonce();
        let path = use_context::<axum::http::request::Parts>().map(|parts| parts.uri.path().to_string());
        bundles::hydration_options(&options, path.as_deref().unwrap_or("/"))
    };
    #[cfg(not(feature = "ssr"))]
    let scripts = options.clone();
    view! {
        <!DOCTYPE html>
        <html lang="en-GB">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="theme-color" content="#005eb8" />
                <AutoReload options=options.clone() />
                <HydrationScripts options=scripts islands=true />
                <HashedStylesheet options id="leptos" />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The application: the shared layout around the route table. It renders on the server;
/// only the islands inside it (`#[island]`) are hydrated in the browser.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Link rel="icon" href="/favicon.svg" type_="image/svg+xml" />
        <Link rel="icon" href="/favicon.ico" sizes="32x32" />
        <Meta name="description" content="Free Compassionate leadership training for nurse advocates: six weekly online sessions. Join a free taster session on Zoom and apply for a place on a January course." />
        <Router>
            <Layout>
                // Every public page renders completely on the server (Async), so it is whole
                // without JavaScript; see TOOLCHAIN.md on out-of-order streaming.
                <Routes fallback=NotFound>
                    <Route path=path!("/") view=CoursePage ssr=SsrMode::Async />
                    <Route path=path!("/tasters") view=TastersPage ssr=SsrMode::Async />
                    <Route path=path!("/tasters/:id") view=TasterSessionPage ssr=SsrMode::Async />
                    <Route path=path!("/join") view=JoinPage ssr=SsrMode::Async />
                    <Route path=path!("/join/confirmation/:token") view=ConfirmationPage ssr=SsrMode::Async />
                    <Route path=path!("/status/find") view=FindLinkPage ssr=SsrMode::Async />
                    <Route path=path!("/status/erased") view=ErasedPage ssr=SsrMode::Async />
                    <Route path=path!("/status/:token") view=StatusPage ssr=SsrMode::Async />
                    <Route path=path!("/status/:token/accept") view=AcceptPage ssr=SsrMode::Async />
                    <Route path=path!("/status/:token/erase") view=EraseCheckPage ssr=SsrMode::Async />
                    <Route path=path!("/status/:token/withdraw") view=WithdrawPage ssr=SsrMode::Async />
                    <Route path=path!("/status/:token/decline") view=DeclinePage ssr=SsrMode::Async />
                    <Route path=path!("/privacy") view=PrivacyPage ssr=SsrMode::Async />
                    <Route path=path!("/coordinator/login") view=LoginPage ssr=SsrMode::Async />
                    <Route path=path!("/coordinator") view=DashboardPage ssr=SsrMode::Async />
                    <Route path=path!("/coordinator/tasters") view=TastersAdminPage ssr=SsrMode::Async />
                    <Route path=path!("/coordinator/tasters/new") view=TasterFormPage ssr=SsrMode::Async />
                    <Route path=path!("/coordinator/tasters/:id") view=TasterFormPage ssr=SsrMode::Async />
                    <Route path=path!("/coordinator/tasters/:id/code") view=CodeScreenPage ssr=SsrMode::Async />
                    <Route path=path!("/coordinator/cohorts") view=CohortsAdminPage ssr=SsrMode::Async />
                    <Route path=path!("/coordinator/cohorts/new") view=CohortFormPage ssr=SsrMode::Async />
                    <Route path=path!("/coordinator/cohorts/:id") view=CohortFormPage ssr=SsrMode::Async />
                    <Route path=path!("/coordinator/applications") view=ApplicationsPage ssr=SsrMode::Async />
                    <Route path=path!("/coordinator/applications/:id") view=ApplicationPage ssr=SsrMode::Async />
                    <Route path=path!("/coordinator/attendance") view=ImportsPage ssr=SsrMode::Async />
                    <Route path=path!("/coordinator/attendance/:id") view=ImportPage ssr=SsrMode::Async />
                    <Route path=path!("/coordinator/emails") view=EmailsPage ssr=SsrMode::Async />
                    <Route path=path!("/coordinator/emails/new") view=WriteMessagePage ssr=SsrMode::Async />
                    <Route path=path!("/coordinator/retention") view=RetentionPage ssr=SsrMode::Async />
                    <Route path=path!("/coordinator/access-log") view=AccessLogPage ssr=SsrMode::Async />
                    <Route path=path!("/coordinator/accounts") view=AccountsPage ssr=SsrMode::Async />
                    <Route path=path!("/coordinator/audit") view=AuditPage ssr=SsrMode::Async />
                    <Route path=path!("/coordinator/password") view=PasswordPage ssr=SsrMode::Async />
                </Routes>
            </Layout>
        </Router>
    }
}

/// Every page's route, as `App` writes it, and the wasm bundle its islands are in (see
/// `bundles`). A page added to `App` gets its line here: `server/tests/skeleton.rs` checks
/// that the two lists name the same routes.
#[cfg(feature = "ssr")]
pub const PAGES: &[(&str, bundles::Bundle)] = {
    use bundles::Bundle::{Join, Site, Tasters};
    &[
        ("/", Site),
        ("/tasters", Tasters),
        ("/tasters/:id", Tasters),
        ("/join", Join),
        ("/join/confirmation/:token", Site),
        ("/status/find", Site),
        ("/status/erased", Site),
        ("/status/:token", Site),
        ("/status/:token/accept", Site),
        ("/status/:token/erase", Site),
        ("/status/:token/withdraw", Site),
        ("/status/:token/decline", Site),
        ("/privacy", Site),
        ("/coordinator/login", Site),
        ("/coordinator", Site),
        ("/coordinator/tasters", Site),
        ("/coordinator/tasters/new", Site),
        ("/coordinator/tasters/:id", Site),
        ("/coordinator/tasters/:id/code", Site),
        ("/coordinator/cohorts", Site),
        ("/coordinator/cohorts/new", Site),
        ("/coordinator/cohorts/:id", Site),
        ("/coordinator/applications", Site),
        ("/coordinator/applications/:id", Site),
        ("/coordinator/attendance", Site),
        ("/coordinator/attendance/:id", Site),
        ("/coordinator/emails", Site),
        ("/coordinator/emails/new", Site),
        ("/coordinator/retention", Site),
        ("/coordinator/access-log", Site),
        ("/coordinator/accounts", Site),
        ("/coordinator/audit", Site),
        ("/coordinator/password", Site),
    ]
};

/// The version of the privacy notice an applicant agrees to; stored with their consent.
pub const PRIVACY_NOTICE_VERSION: &str = "2026-12";

/// The browser's entry: hydrates every island on the page. Called from the wasm crate, which
/// also makes the islands of this crate part of the wasm.
#[cfg(feature = "hydrate")]
pub fn hydrate_islands() {
    leptos::mount::hydrate_islands();
}
