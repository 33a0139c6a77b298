//! enrol: the pages, components and server functions of the Compassionate leadership course
//! site, with the domain rules and (on the server) the store.

#![recursion_limit = "256"]

pub mod domain;
pub mod errors;
pub mod models;

// The pages and components: everything that needs Leptos (the `ui` feature, which `ssr` and
// `hydrate` bring). Without it, as the fuzz targets build it, app is its domain rules alone.
#[cfg(feature = "ui")]
pub mod components;
#[cfg(feature = "ui")]
pub mod functions;
#[cfg(feature = "ui")]
pub mod routes;
#[cfg(feature = "ui")]
mod site;
#[cfg(feature = "ui")]
pub use site::{shell, App};

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
