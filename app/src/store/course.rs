//! Reading the course and its page sections.

use super::db::{sql, Db};
use crate::errors::AppError;
use crate::models::{Course, CourseSection};

#[derive(sqlx::FromRow)]
struct CourseRow {
    id: i64,
    title: String,
    summary: String,
    session_count: i64,
    session_minutes: i64,
    outline_path: String,
}

#[derive(sqlx::FromRow)]
struct SectionRow {
    slug: String,
    heading: String,
    body: String,
}

/// The first course with its sections in page order.
pub async fn load(db: &Db) -> Result<Option<Course>, AppError> {
    let Some(course) =
        sql("SELECT id, title, summary, session_count, session_minutes, outline_path FROM course ORDER BY id LIMIT 1")
            .fetch_optional::<CourseRow>(db)
            .await?
    else {
        return Ok(None);
    };
    let sections = sql("SELECT slug, heading, body FROM course_section WHERE course_id = $1 ORDER BY position")
        .bind(course.id)
        .fetch_all::<SectionRow>(db)
        .await?;
    Ok(Some(Course {
        title: course.title,
        summary: course.summary,
        session_count: course.session_count,
        session_minutes: course.session_minutes,
        outline_path: course.outline_path,
        sections: sections
            .into_iter()
            .map(|s| CourseSection {
                slug: s.slug,
                heading: s.heading,
                paragraphs: s.body.split("\n\n").map(|p| p.trim().to_string()).filter(|p| !p.is_empty()).collect(),
            })
            .collect(),
    }))
}
