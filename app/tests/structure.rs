//! Rules about the code's shape that the compiler cannot check, read from the sources.

use std::path::Path;

/// Every `.rs` file under `dir`, with its text.
fn sources(dir: &Path) -> Vec<(String, String)> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).expect("a source folder") {
        let path = entry.expect("an entry").path();
        if path.is_dir() {
            found.extend(sources(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push((path.display().to_string(), std::fs::read_to_string(&path).expect("a source file")));
        }
    }
    found
}

fn app_sources() -> Vec<(String, String)> {
    sources(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"))
}

#[test]
fn pages_set_their_title_through_the_escaping_title_component() {
    let offenders: Vec<String> = app_sources()
        .into_iter()
        .filter(|(path, text)| !path.ends_with("components/title.rs") && text.contains("leptos_meta::Title"))
        .map(|(path, _)| path)
        .collect();
    assert!(offenders.is_empty(), "leptos_meta::Title writes its text unescaped; use components::title::Title in {offenders:?}");
}

#[test]
fn server_functions_hold_no_view_code_and_never_reach_up_to_the_pages() {
    let offenders: Vec<String> = app_sources()
        .into_iter()
        .filter(|(path, text)| path.contains("/functions/") && (text.contains("crate::routes") || text.contains("view!")))
        .map(|(path, _)| path)
        .collect();
    assert!(offenders.is_empty(), "functions/ must not render views or import routes: {offenders:?}");
}

#[test]
fn the_workflow_holds_no_sql() {
    let offenders: Vec<String> = app_sources()
        .into_iter()
        .filter(|(path, text)| {
            path.contains("/workflow/")
                && ["sqlx", "SELECT ", "INSERT ", "UPDATE ", "DELETE FROM"].iter().any(|sql| text.contains(sql))
        })
        .map(|(path, _)| path)
        .collect();
    assert!(offenders.is_empty(), "the workflow reads and writes rows through the Rows trait only: {offenders:?}");
}
