//! The live places figures for a page's first render (from memory, never a database query).

use crate::errors::AppError;
use crate::models::PlacesFigure;
use leptos::prelude::*;

/// Every published cohort's places, as the live counter has them now.
#[server(endpoint = "places")]
pub async fn get_places() -> Result<Vec<PlacesFigure>, AppError> {
    Ok(crate::state::app_state()?.live.current().places.cohorts.clone())
}
