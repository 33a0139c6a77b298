//! What the course page needs.

use crate::errors::AppError;
use crate::models::CoursePage;
use leptos::prelude::*;

/// The course with its page sections, and the taster sessions still to come.
#[server(endpoint = "course_page")]
pub async fn get_course_page() -> Result<CoursePage, AppError> {
    let state = crate::state::app_state()?;
    let course = state.store.course().await?;
    let upcoming_tasters = state.store.upcoming_tasters(chrono::Utc::now()).await?;
    Ok(CoursePage { course, upcoming_tasters })
}
