// Hostile input, as an attacker would send it: every free-text field of the joining form (sent
// back with errors, and stored), the coordinators' forms and a Zoom report's names carry
// payloads that would run script or add markup if anything wrote them out unescaped; every
// page that shows them is visited. A payload that ran sets `window.__xss`, and one that became
// markup adds an element with the class `xss`; either fails the test, as does any Content
// Security Policy violation (the console fixture fails on every console error). Runs after the
// other suites (its own project): it publishes a cohort and a session with hostile names.
import { test, expect, hydrated, demo, signIn } from "./fixtures";
import type { Page } from "@playwright/test";

const SCRIPT = `</textarea></title><script>window.__xss=1</script><b class="xss">b</b>`;
const ATTRIBUTE = `"><img class="xss" src="x" onerror="window.__xss=2">`;
const LINK = `javascript:window.__xss=3`;
const PAYLOAD = `${SCRIPT}${ATTRIBUTE}${LINK}`;
// Names refuse < > { }, so theirs is what is left of a payload: quotes and ampersands.
const NAME = `Sam "Jones" O'Brien & Co`;

/** The UK date `days` days ago, as the date field wants it. */
function ukDate(days: number) {
  const parts = new Intl.DateTimeFormat("en-GB", { timeZone: "Europe/London", year: "numeric", month: "2-digit", day: "2-digit" })
    .formatToParts(new Date(Date.now() - days * 86_400_000));
  const get = (type: string) => parts.find((p) => p.type === type)!.value;
  return `${get("year")}-${get("month")}-${get("day")}`;
}

const unique = () => `${Date.now()}${Math.floor(Math.random() * 1e6)}`;

/** Nothing ran and nothing became markup on this page. */
async function harmless(page: Page, where: string) {
  expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss), `script ran on ${where}`).toBeUndefined();
  await expect(page.locator(".xss"), `markup from input on ${where}`).toHaveCount(0);
  expect(await page.locator("a[href^='javascript:']").count(), `a javascript: link on ${where}`).toBe(0);
}

test("another site's auto-submitting form cannot run script on the joining form sent back with errors", async ({ page, baseURL }) => {
  // The attacker's page posts to enrol; the answer is enrol's form with what was "typed".
  const fields = { name: NAME, email: "not an email", job_title: PAYLOAD.slice(0, 100), employer: PAYLOAD.slice(0, 150), access_needs: PAYLOAD };
  const inputs = Object.entries(fields)
    .map(([name, value]) => `<input type="hidden" name="${name}" value="${value.replace(/&/g, "&amp;").replace(/"/g, "&quot;")}">`)
    .join("");
  await page.setContent(`<form method="post" action="${baseURL}/join">${inputs}</form>`);
  await Promise.all([page.waitForURL(`${baseURL}/join`), page.locator("form").evaluate((f: HTMLFormElement) => f.submit())]);
  await hydrated(page);
  await expect(page.locator(".error-summary")).toBeVisible();
  await harmless(page, "/join with errors");
  await expect(page.getByLabel(/Access needs/)).toHaveValue(PAYLOAD);
  await expect(page.getByLabel("Full name")).toHaveValue(NAME);
});

test("hostile text stored by an applicant and by coordinators stays text on every page that shows it", async ({ browser, baseURL }) => {
  test.setTimeout(120_000);
  const coordinator = await (await browser.newContext({ baseURL })).newPage();
  await signIn(coordinator);

  // A cohort, and a taster session with hostile Zoom details, published by a coordinator.
  const cohortName = `January ${unique()} ${SCRIPT}`.slice(0, 120);
  await coordinator.goto("/coordinator/cohorts/new");
  await coordinator.getByLabel("Name").fill(cohortName);
  await coordinator.getByLabel("Date of the first meeting").fill("2027-01-07");
  await coordinator.getByLabel("Start time (UK time)").fill("18:00");
  await coordinator.getByLabel("Length of each meeting in minutes").fill("120");
  await coordinator.getByLabel("Number of weekly meetings").fill("6");
  await coordinator.getByLabel("Places").fill("3");
  await coordinator.getByLabel("Open", { exact: true }).check();
  await coordinator.getByRole("button", { name: "Add the cohort" }).click();
  await expect(coordinator.getByText(/Cohort added/)).toBeVisible();
  await harmless(coordinator, "the cohort's page");

  await coordinator.goto("/coordinator/tasters/new");
  // Two days ago, so that its attendance can be reconciled from a report below.
  const sessionDay = ukDate(2);
  await coordinator.getByLabel("Date").fill(sessionDay);
  await coordinator.getByLabel("Start time (UK time)").fill("12:00");
  await coordinator.getByLabel("Length in minutes").fill("60");
  await coordinator.getByLabel("Zoom link").fill(`https://zoom.us/j/1${ATTRIBUTE.replace(/ /g, "/")}`);
  await coordinator.getByLabel("Meeting ID").fill("912 7343 1323");
  await coordinator.getByLabel("Passcode").fill(`"><b/class=xss>`);
  await coordinator.getByRole("button", { name: "Add the session" }).click();
  await expect(coordinator.getByText("Taster session added")).toBeVisible();
  await harmless(coordinator, "the session's page (coordinators)");
  const sessionId = /\/coordinator\/tasters\/(\d+)/.exec(coordinator.url())![1];

  // An applicant applies with hostile text in every field that takes it.
  const applicant = await (await browser.newContext({ baseURL })).newPage();
  const email = `hostile.${unique()}@nhs.net`;
  await applicant.goto("/join");
  await hydrated(applicant);
  await harmless(applicant, "/join");
  await applicant.getByLabel("Full name").fill(NAME);
  await applicant.getByLabel("Work email address").fill(email);
  await applicant.getByLabel("Job title").fill(PAYLOAD.slice(0, 100));
  await applicant.getByLabel("Employer").fill(PAYLOAD.slice(0, 150));
  await applicant.getByLabel("Yes, I am a nurse advocate").check();
  await applicant.getByLabel("Any of them").check();
  await applicant.getByLabel(/Access needs/).fill(PAYLOAD);
  await applicant.getByLabel(/I have read the/).check();
  await applicant.getByRole("button", { name: "Submit application" }).click();
  await expect(applicant.getByRole("heading", { name: "Application received" })).toBeVisible();
  await harmless(applicant, "the confirmation page");
  await applicant.getByRole("link", { name: "Go to your status page" }).click();
  await hydrated(applicant);
  await harmless(applicant, "the status page");

  // The public pages that show the cohort's name and the session's details.
  for (const path of ["/", "/tasters", `/tasters?month=${sessionDay.slice(0, 7)}&day=${sessionDay}`, `/tasters/${sessionId}`, "/join"]) {
    await applicant.goto(path);
    await hydrated(applicant);
    await harmless(applicant, path);
  }

  // The coordinators' pages that show the application.
  await coordinator.goto(`/coordinator/applications?q=${encodeURIComponent(email)}`);
  await hydrated(coordinator);
  await harmless(coordinator, "the applications table");
  await coordinator.getByRole("row", { name: NAME }).getByRole("link", { name: /^CL-/ }).click();
  await expect(coordinator.getByRole("heading", { level: 1 })).toContainText(NAME);
  await harmless(coordinator, "the application's page");
  await expect(coordinator.getByText(PAYLOAD.slice(0, 40)).first()).toBeVisible();
  for (const path of ["/coordinator", "/coordinator/cohorts", "/coordinator/tasters", "/coordinator/audit"]) {
    await coordinator.goto(path);
    await hydrated(coordinator);
    await harmless(coordinator, path);
  }

  // A Zoom report whose attendee names are payloads, and its match queue.
  const [y, m, d] = sessionDay.split("-");
  const zoomDay = `${m}/${d}/${y}`;
  const report = [
    "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest",
    `"${PAYLOAD.replace(/"/g, '""')}",,${zoomDay} 12:00:00 PM,${zoomDay} 01:00:00 PM,60,Yes`,
    `"${NAME.replace(/"/g, '""')}",${email},${zoomDay} 12:01:00 PM,${zoomDay} 01:00:00 PM,59,Yes`,
  ].join("\r\n");
  await coordinator.goto("/coordinator/attendance");
  await coordinator.getByLabel(/Taster session/).selectOption(sessionId);
  await coordinator.getByLabel(/Participant report/).setInputFiles({ name: "hostile.csv", mimeType: "text/csv", buffer: Buffer.from(report) });
  await coordinator.getByRole("button", { name: "Upload and match" }).click();
  await expect(coordinator).toHaveURL(/\/coordinator\/attendance\/\d+/);
  await hydrated(coordinator);
  await harmless(coordinator, "the attendance match queue");
  await expect(coordinator.getByText(PAYLOAD.slice(0, 30)).first()).toBeVisible();

  // The CSV export is an attachment of text, never a page a browser would render.
  const csv = await coordinator.request.get(`/coordinator/applications.csv?q=${encodeURIComponent(email)}`);
  expect(csv.headers()["content-type"]).toBe("text/csv; charset=utf-8");
  expect(csv.headers()["content-disposition"]).toMatch(/^attachment;/);
  expect(csv.headers()["x-content-type-options"]).toBe("nosniff");
  expect(await csv.text()).toContain(email);

  // A message to the hostile cohort's waiting list: its preview, and the Emails page.
  await coordinator.goto("/coordinator/emails/new");
  await coordinator.getByLabel("Everyone on the cohort’s waiting list").check();
  const option = coordinator.locator("#cohort_id option", { hasText: cohortName.slice(0, 20) });
  await coordinator.getByLabel("Cohort", { exact: true }).selectOption((await option.getAttribute("value"))!);
  await coordinator.getByLabel("Subject").fill(PAYLOAD.slice(0, 150));
  await coordinator.getByLabel("Message").fill(PAYLOAD);
  await coordinator.getByRole("button", { name: "Preview the message" }).click();
  await harmless(coordinator, "a message's preview (or its errors)");
  await expect(coordinator.getByLabel("Message")).toHaveValue(PAYLOAD);
  await coordinator.goto("/coordinator/emails");
  await hydrated(coordinator);
  await harmless(coordinator, "the Emails page");

  // Unpublish the hostile cohort again, so other runs see the demo's own.
  await coordinator.goto("/coordinator/cohorts");
  await coordinator.getByRole("link", { name: cohortName }).click();
  await coordinator.getByLabel("Draft", { exact: true }).check();
  await coordinator.getByRole("button", { name: "Save changes" }).click();
  await expect(coordinator.getByText("Changes saved.")).toBeVisible();
});
