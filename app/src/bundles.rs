//! The wasm a page loads. Each page group has its own bundle, holding only its own islands
//! (see `build.rs`): the joining form's at `/join`, the calendar's at `/tasters` and on a
//! session's page, and the site's (header menu, live places, status and dashboard refresh)
//! everywhere else. `scripts/build-bundles.sh` builds them beside the full wasm that
//! `cargo leptos build --release` makes; where a bundle was not built (a plain cargo-leptos
//! build, `cargo leptos watch`) its pages load the full wasm, which has every island.

use leptos::config::LeptosOptions;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// A page group with its own wasm bundle.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bundle {
    Site,
    Join,
    Tasters,
}

impl Bundle {
    pub const ALL: [Bundle; 3] = [Bundle::Site, Bundle::Join, Bundle::Tasters];

    /// The bundle for a page's path: the one named beside its route in [`crate::PAGES`]
    /// (the site's for an address that is no page).
    pub fn for_path(path: &str) -> Self {
        crate::PAGES.iter().find(|(pattern, _)| matches(pattern, path)).map_or(Self::Site, |(_, bundle)| *bundle)
    }

    /// The name in the bundle's feature (`bundle-join`), files (`enrol-join.<hash>.wasm`) and
    /// hash file (`hash-join.txt`, beside the server binary).
    pub fn name(self) -> &'static str {
        match self {
            Self::Site => "site",
            Self::Join => "join",
            Self::Tasters => "tasters",
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// The options the page's hydration scripts are rendered with: the bundle's own output name
/// and hash file when that bundle was built, otherwise the full wasm's (unchanged options).
pub fn hydration_options(options: &LeptosOptions, path: &str) -> LeptosOptions {
    static BUILT: OnceLock<[bool; 3]> = OnceLock::new();
    let bundle = Bundle::for_path(path);
    let built = BUILT.get_or_init(|| Bundle::ALL.map(|b| options.hash_files && is_built(options, &server_dir(), b)));
    if !built[bundle.index()] {
        return options.clone();
    }
    let mut own = options.clone();
    own.output_name = format!("{}-{}", options.output_name, bundle.name()).into();
    own.hash_file = hash_file(bundle).into();
    own
}

/// Whether `path` is an address of the route `pattern` (`:name` matches one segment).
fn matches(pattern: &str, path: &str) -> bool {
    let path = path.trim_end_matches('/');
    let (mut wanted, mut given) = (pattern.split('/'), path.split('/'));
    loop {
        match (wanted.next(), given.next()) {
            (None, None) => return true,
            (Some(w), Some(g)) if w.starts_with(':') && !g.is_empty() => {}
            (Some(w), Some(g)) if w == g => {}
            (Some(""), None) if pattern == "/" => return true,
            _ => return false,
        }
    }
}

/// Where cargo-leptos and the bundle script put hash files: beside the server binary.
fn server_dir() -> PathBuf {
    std::env::current_exe().ok().and_then(|exe| exe.parent().map(Path::to_path_buf)).unwrap_or_default()
}

fn hash_file(bundle: Bundle) -> String {
    format!("hash-{}.txt", bundle.name())
}

/// Whether the bundle's hash file names a script and a wasm that are both in the site's
/// package folder (a later plain cargo-leptos build empties that folder).
fn is_built(options: &LeptosOptions, server_dir: &Path, bundle: Bundle) -> bool {
    let Ok(hashes) = std::fs::read_to_string(server_dir.join(hash_file(bundle))) else { return false };
    let hash_of = |kind: &str| {
        hashes.lines().find_map(|line| line.split_once(':').filter(|(k, _)| k.trim() == kind).map(|(_, h)| h.trim()))
    };
    let pkg = Path::new(options.site_root.as_ref()).join(options.site_pkg_dir.as_ref());
    let base = format!("{}-{}", options.output_name, bundle.name());
    [("js", "js"), ("wasm", "wasm")].into_iter().all(|(kind, extension)| {
        hash_of(kind).is_some_and(|hash| !hash.is_empty() && pkg.join(format!("{base}.{hash}.{extension}")).is_file())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_page_loads_its_own_groups_bundle() {
        assert_eq!(Bundle::for_path("/join"), Bundle::Join);
        assert_eq!(Bundle::for_path("/join/"), Bundle::Join);
        assert_eq!(Bundle::for_path("/tasters"), Bundle::Tasters);
        assert_eq!(Bundle::for_path("/tasters/12"), Bundle::Tasters);
        for path in ["/", "/join/confirmation/abc", "/status/abc", "/privacy", "/coordinator", "/coordinator/tasters/3", "/nowhere"] {
            assert_eq!(Bundle::for_path(path), Bundle::Site, "{path}");
        }
    }

    #[test]
    fn a_bundle_counts_as_built_only_when_its_files_are_there() {
        let dir = tempfile::tempdir().unwrap();
        let options = LeptosOptions::builder()
            .output_name("enrol")
            .site_root(dir.path().to_string_lossy().to_string())
            .site_pkg_dir("pkg")
            .build();
        let pkg = dir.path().join("pkg");
        std::fs::create_dir_all(&pkg).unwrap();
        assert!(!is_built(&options, dir.path(), Bundle::Join), "no hash file");

        std::fs::write(dir.path().join("hash-join.txt"), "js: aaa\nwasm: bbb\n").unwrap();
        std::fs::write(pkg.join("enrol-join.aaa.js"), "").unwrap();
        assert!(!is_built(&options, dir.path(), Bundle::Join), "the wasm is missing");

        std::fs::write(pkg.join("enrol-join.bbb.wasm"), "").unwrap();
        assert!(is_built(&options, dir.path(), Bundle::Join));
        assert!(!is_built(&options, dir.path(), Bundle::Tasters), "another bundle's files");
    }
}
