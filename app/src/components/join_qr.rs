//! The joining form's address as a QR code, for the attendance-code screen: attendees in a Zoom
//! session point a phone at the shared screen and land on the form. Drawn on the server as
//! SVG (the `qrcode` crate); no image file, no script.

use leptos::prelude::*;

/// The joining form's full address (`ENROL_PUBLIC_URL` + `/join`).
pub fn join_address() -> String {
    #[cfg(feature = "ssr")]
    {
        use_context::<crate::state::AppState>().map(|state| state.mail.link("/join")).unwrap_or_else(|| "/join".into())
    }
    #[cfg(not(feature = "ssr"))]
    {
        "/join".to_string()
    }
}

/// `address` as an inline SVG QR code (dark modules on white, a quiet zone around), without
/// the XML prolog so it can sit inside HTML.
#[cfg(feature = "ssr")]
pub fn qr_svg(address: &str) -> Option<String> {
    let code = qrcode::QrCode::new(address.as_bytes()).ok()?;
    let svg = code.render::<qrcode::render::svg::Color>().min_dimensions(240, 240).quiet_zone(true).build();
    let start = svg.find("<svg")?;
    Some(svg[start..].to_string())
}

/// The address in words and as a QR code.
#[component]
pub fn JoinQrCode() -> impl IntoView {
    let address = join_address();
    let shown = address.trim_start_matches("https://").trim_start_matches("http://").to_string();
    #[cfg(feature = "ssr")]
    let svg = qr_svg(&address).unwrap_or_default();
    #[cfg(not(feature = "ssr"))]
    let svg = String::new();
    view! {
        <div class="join-qr">
            <div class="join-qr__code" role="img" aria-label=format!("QR code for {shown}") inner_html=svg></div>
            <p class="join-qr__address">"Apply at " <strong>{shown}</strong></p>
        </div>
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::qr_svg;

    #[test]
    fn the_code_is_an_svg_element_without_a_prolog() {
        let svg = qr_svg("https://enrol.example.nhs.uk/join").unwrap();
        assert!(svg.starts_with("<svg"), "{}", &svg[..40]);
        assert!(svg.contains("<path") || svg.contains("<rect"));
        assert!(!svg.contains("<?xml"));
    }
}
