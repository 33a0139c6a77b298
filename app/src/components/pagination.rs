//! Links between the pages of a long table (the NHS and GOV.UK pagination pattern): Previous,
//! the first and last page, the pages around this one, Next.

use leptos::prelude::*;

/// How many pages `total` rows take, `page_size` to a page (at least one, for the empty table).
pub fn page_count(total: i64, page_size: u32) -> u32 {
    let size = i64::from(page_size.max(1));
    u32::try_from((total.max(1) + size - 1) / size).unwrap_or(u32::MAX)
}

/// The page numbers to link, in order; `None` stands for pages left out ("…").
pub fn page_numbers(page: u32, pages: u32) -> Vec<Option<u32>> {
    let mut shown: Vec<Option<u32>> = Vec::new();
    for n in 1..=pages {
        let near = n + 1 >= page && n <= page + 1;
        if n == 1 || n == pages || near {
            shown.push(Some(n));
        } else if shown.last() != Some(&None) {
            shown.push(None);
        }
    }
    shown
}

/// A count with thousands separated by commas, as people read figures: 26,960.
pub fn grouped(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(d);
    }
    if n < 0 {
        format!("-{out}")
    } else {
        out
    }
}

/// Previous, page numbers and Next for `page` of `pages`; nothing when there is one page.
/// `href` gives a page's address, `label` names what is paged ("Pages of applications").
#[component]
pub fn Pagination(page: u32, pages: u32, href: impl Fn(u32) -> String + 'static, label: &'static str) -> impl IntoView {
    (pages > 1).then(|| {
        let previous = (page > 1).then(|| {
            view! {
                <a class="pagination__link" href=href(page - 1) rel="prev">
                    "Previous"<span class="visually-hidden">" page"</span>
                </a>
            }
        });
        let next = (page < pages).then(|| {
            view! {
                <a class="pagination__link" href=href(page + 1) rel="next">
                    "Next"<span class="visually-hidden">" page"</span>
                </a>
            }
        });
        let numbers = page_numbers(page, pages)
            .into_iter()
            .map(|n| match n {
                Some(n) if n == page => view! {
                    <li class="pagination__item pagination__item--current">
                        <a class="pagination__link" href=href(n) aria-label=format!("Page {n}") aria-current="page">{n}</a>
                    </li>
                }
                .into_any(),
                Some(n) => view! {
                    <li class="pagination__item">
                        <a class="pagination__link" href=href(n) aria-label=format!("Page {n}")>{n}</a>
                    </li>
                }
                .into_any(),
                None => view! { <li class="pagination__item pagination__item--gap" aria-hidden="true">"…"</li> }.into_any(),
            })
            .collect_view();
        view! {
            <nav class="pagination" aria-label=label>
                {previous}
                <ul class="pagination__list">{numbers}</ul>
                {next}
            </nav>
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_few_pages_are_all_linked() {
        assert_eq!(page_numbers(1, 1), vec![Some(1)]);
        assert_eq!(page_numbers(2, 3), vec![Some(1), Some(2), Some(3)]);
    }

    #[test]
    fn many_pages_keep_the_ends_and_this_one_s_neighbours() {
        assert_eq!(page_numbers(1, 270), vec![Some(1), Some(2), None, Some(270)]);
        assert_eq!(page_numbers(50, 270), vec![Some(1), None, Some(49), Some(50), Some(51), None, Some(270)]);
        assert_eq!(page_numbers(270, 270), vec![Some(1), None, Some(269), Some(270)]);
        assert_eq!(page_numbers(3, 270), vec![Some(1), Some(2), Some(3), Some(4), None, Some(270)]);
    }

    #[test]
    fn pages_are_counted_up_and_an_empty_table_has_one() {
        assert_eq!(page_count(0, 100), 1);
        assert_eq!(page_count(100, 100), 1);
        assert_eq!(page_count(101, 100), 2);
        assert_eq!(page_count(26960, 100), 270);
    }

    #[test]
    fn figures_are_grouped_in_thousands() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1000), "1,000");
        assert_eq!(grouped(26960), "26,960");
        assert_eq!(grouped(1234567), "1,234,567");
        assert_eq!(grouped(-4500), "-4,500");
    }
}
