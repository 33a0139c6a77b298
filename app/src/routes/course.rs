//! The course page at `/`: what the course is, who it is for, the taster sessions and how
//! places are allocated, with calls to action to the taster calendar and the joining form.

use crate::components::load_error::LoadError;
use crate::components::places::PlacesPanel;
use crate::components::taster_card::TasterCard;
use crate::functions::course::get_course_page;
use crate::models::{Course, CoursePage as CoursePageData, CourseSection, TasterSession};
use leptos::prelude::*;
use crate::components::title::Title;

/// The course page.
#[component]
pub fn CoursePage() -> impl IntoView {
    let page = Resource::new(|| (), |_| get_course_page());
    view! {
        <Title text="Compassionate leadership training for nurse advocates" />
        <Suspense fallback=|| view! { <p class="loading">"Loading the course…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(CoursePageData { course: Some(course), upcoming_tasters }) => {
                        view! { <CourseContent course upcoming_tasters /> }.into_any()
                    }
                    Ok(CoursePageData { course: None, .. }) => {
                        view! {
                            <h1>"Compassionate leadership"</h1>
                            <p class="lead">"The course details will appear here soon."</p>
                        }
                            .into_any()
                    }
                    Err(error) => {
                        view! {
                            <h1>"Compassionate leadership"</h1>
                            <LoadError error />
                        }
                            .into_any()
                    }
                }
            })}
        </Suspense>
    }
}

#[component]
fn CourseContent(course: Course, upcoming_tasters: Vec<TasterSession>) -> impl IntoView {
    let hours = course.session_minutes as f64 / 60.0;
    let facts = format!(
        "{} weekly sessions of {} hours, online",
        number_word(course.session_count),
        if hours.fract() == 0.0 { format!("{hours:.0}") } else { format!("{hours:.1}") }
    );
    let contents: Vec<_> = course
        .sections
        .iter()
        .map(|s| view! { <li><a href=format!("#{}", s.slug)>{s.heading.clone()}</a></li> })
        .collect();
    let outline_path = course.outline_path.clone();
    let tasters = StoredValue::new(upcoming_tasters);
    let sections = course
        .sections
        .into_iter()
        .map(|section| {
            let extra = section_extra(&section, &outline_path, tasters.get_value());
            view! { <Section section extra /> }
        })
        .collect::<Vec<_>>();

    view! {
        <div class="hero">
            <p class="tag">"Free for nurse advocates"</p>
            <h1>{course.title}</h1>
            <p class="lead">{course.summary}</p>
            <p class="hero__facts">{facts}</p>
            <div class="button-group">
                <a class="button" href="/tasters">"Find a free taster session"</a>
                <a class="button button--secondary" href="/join">"Complete the joining form"</a>
            </div>
        </div>

        <PlacesPanel />

        <section class="steps" aria-labelledby="steps-heading">
            <h2 id="steps-heading">"How to get a place"</h2>
            <ol class="steps__list">
                <li>
                    <strong>"Join a free taster session on Zoom."</strong>
                    " No need to book, just turn up. Note the attendance code given during the session."
                </li>
                <li>
                    <strong>"Complete the short joining form."</strong>
                    " Enter the attendance code if you have it."
                </li>
                <li>
                    <strong>"Get your place."</strong>
                    " Places on the January courses are allocated first come, first served, to people who have done both."
                </li>
            </ol>
        </section>

        <nav class="contents" aria-labelledby="contents-heading">
            <h2 id="contents-heading" class="contents__title">"On this page"</h2>
            <ul>{contents}</ul>
        </nav>

        {sections}
        <crate::components::contact::ParentPageLink />
    }
}

#[component]
fn Section(section: CourseSection, extra: AnyView) -> impl IntoView {
    let heading_id = format!("{}-heading", section.slug);
    let labelled_by = heading_id.clone();
    view! {
        <section id=section.slug class="course-section" aria-labelledby=labelled_by>
            <h2 id=heading_id>{section.heading}</h2>
            {section.paragraphs.into_iter().map(|p| view! { <p>{p}</p> }).collect::<Vec<_>>()}
            {extra}
        </section>
    }
}

/// The live parts a section carries below its words.
fn section_extra(section: &CourseSection, outline_path: &str, tasters: Vec<TasterSession>) -> AnyView {
    match section.slug.as_str() {
        "programme" => view! {
            <p>
                <a class="download-link" href=outline_path.to_string()>
                    "Download the programme outline (PDF)"
                </a>
            </p>
        }
        .into_any(),
        "nurse-advocates" => view! { <UpcomingTasters tasters /> }.into_any(),
        "how-places-are-allocated" => view! {
            <div class="button-group">
                <a class="button" href="/join">"Complete the joining form"</a>
            </div>
        }
        .into_any(),
        _ => ().into_any(),
    }
}

#[component]
fn UpcomingTasters(tasters: Vec<TasterSession>) -> impl IntoView {
    if tasters.is_empty() {
        return view! {
            <div class="notice">
                <p>"No taster sessions are scheduled at the moment. New dates are added here as soon as they are set."</p>
            </div>
        }
        .into_any();
    }
    view! {
        <div class="card-list">
            {tasters.into_iter().map(|taster| view! { <TasterCard taster /> }).collect::<Vec<_>>()}
        </div>
        <p><a class="link-standalone" href="/tasters">"See all taster sessions on the calendar"</a></p>
    }
    .into_any()
}

/// "Six" for 6: numbers up to twelve in words, as the page's prose does.
fn number_word(n: i64) -> String {
    const WORDS: [&str; 13] =
        ["Zero", "One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine", "Ten", "Eleven", "Twelve"];
    usize::try_from(n).ok().and_then(|i| WORDS.get(i)).map(|w| w.to_string()).unwrap_or_else(|| n.to_string())
}

#[cfg(test)]
mod tests {
    use super::number_word;

    #[test]
    fn small_numbers_are_words_and_large_ones_digits() {
        assert_eq!(number_word(6), "Six");
        assert_eq!(number_word(13), "13");
        assert_eq!(number_word(-1), "-1");
    }
}
