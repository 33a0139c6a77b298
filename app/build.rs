//! Rebuild when a migration is added or changed: `sqlx::migrate!` embeds the migrations at
//! compile time, and cargo cannot see that dependency by itself.
fn main() {
    println!("cargo:rerun-if-changed=../migrations");
}
