//! Build-time settings of the app crate:
//!
//! - Rebuild when a migration is added or changed: `sqlx::migrate!` embeds the migrations at
//!   compile time, and cargo cannot see that dependency by itself.
//! - Which page groups' islands this build makes, as `cfg(bundle = "…")`. The server, and the
//!   wasm that cargo-leptos builds, get every group; a page group's own wasm bundle (feature
//!   `bundle-site`, `bundle-join` or `bundle-tasters`, built by `scripts/build-bundles.sh`) gets
//!   only its own, so a page downloads the code of its own islands and little else. An island
//!   outside the build is compiled as a plain component, which nothing in the wasm calls.
fn main() {
    println!("cargo:rerun-if-changed=../migrations");

    const GROUPS: [&str; 3] = ["site", "join", "tasters"];
    println!("cargo::rustc-check-cfg=cfg(bundle, values(\"site\", \"join\", \"tasters\"))");
    let feature = |name: &str| std::env::var_os(format!("CARGO_FEATURE_{}", name.to_uppercase())).is_some();
    let own: Vec<&str> = GROUPS.into_iter().filter(|group| feature(&format!("bundle_{group}"))).collect();
    let every = feature("ssr") || own.is_empty();
    for group in GROUPS {
        if every || own.contains(&group) {
            println!("cargo::rustc-cfg=bundle=\"{group}\"");
        }
    }
}
