//! The HTML document around the app and the route table: every page's address.

use crate::components::layout::Layout;
use crate::routes::coordinator::admin::AccountsPage;
use crate::routes::coordinator::applications::{ApplicationPage, ApplicationsPage};
use crate::routes::coordinator::attendance::{ImportPage, ImportsPage};
use crate::routes::coordinator::audit::AuditPage;
use crate::routes::coordinator::cohorts::{CohortFormPage, CohortsAdminPage};
use crate::routes::coordinator::dashboard::DashboardPage;
use crate::routes::coordinator::emails::{EmailsPage, WriteMessagePage};
use crate::routes::coordinator::login::LoginPage;
use crate::routes::coordinator::password::PasswordPage;
use crate::routes::coordinator::privacy::{AccessLogPage, RetentionPage};
use crate::routes::coordinator::tasters::{CodeScreenPage, TasterFormPage, TastersAdminPage};
use crate::routes::course::CoursePage;
use crate::routes::join::JoinPage;
use crate::routes::not_found::NotFound;
use crate::routes::privacy::PrivacyPage;
use crate::routes::status::{
    AcceptPage, ConfirmationPage, DeclinePage, EraseCheckPage, ErasedPage, FindLinkPage, StatusPage, WithdrawPage,
};
use crate::routes::tasters::{TasterSessionPage, TastersPage};
#[cfg(feature = "ssr")]
use crate::{bundles, csp};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, HashedStylesheet, Link, Meta, MetaTags};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, SsrMode};

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
