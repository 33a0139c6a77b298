//! One taster session: when, and how to join on Zoom.

use crate::domain::calendar::Phase;
use crate::models::{TasterSession, TasterStatus};
use leptos::prelude::*;

/// A card with the session's UK time, its Zoom link, meeting ID and passcode.
#[component]
pub fn TasterCard(taster: TasterSession, #[prop(default = 3)] heading_level: u8) -> impl IntoView {
    let cancelled = taster.status == TasterStatus::Cancelled;
    // The card is rendered on the server (a cached page is at most a minute old), so the
    // server's clock says whether the session is on now, as the taster page's badge does.
    #[cfg(feature = "ssr")]
    let phase = crate::domain::calendar::phase(chrono::Utc::now(), taster.starts_at, taster.ends_at);
    #[cfg(not(feature = "ssr"))]
    let phase = Phase::Upcoming;
    let badge = match phase {
        Phase::LiveNow => Some(("tag tag--green", "Live now")),
        Phase::StartingSoon => Some(("tag tag--green", "Starting soon")),
        Phase::Upcoming | Phase::Ended => None,
    };
    let heading = taster.when_uk.clone();
    let title = match heading_level {
        2 => view! { <h2 class="card__title">{heading}</h2> }.into_any(),
        _ => view! { <h3 class="card__title">{heading}</h3> }.into_any(),
    };
    view! {
        <article class="card taster-card" class:taster-card--cancelled=cancelled>
            {title}
            {if cancelled {
                view! { <p class="tag tag--grey">"Cancelled"</p> }.into_any()
            } else {
                view! {
                    {badge.map(|(class, text)| view! { <p><strong class=class>{text}</strong></p> })}
                    <p class="taster-card__free">"Free · no need to book, just turn up"</p>
                    <dl class="taster-card__zoom">
                        <div>
                            <dt>"Meeting ID"</dt>
                            <dd>{taster.meeting_id.clone()}</dd>
                        </div>
                        <div>
                            <dt>"Passcode"</dt>
                            <dd>{taster.passcode.clone()}</dd>
                        </div>
                    </dl>
                    <a class="button button--secondary" href=taster.zoom_url.clone() rel="noopener">
                        "Join on Zoom"
                        <span class="visually-hidden">{format!(" on {}", taster.when_uk)}</span>
                    </a>
                }
                    .into_any()
            }}
        </article>
    }
}
