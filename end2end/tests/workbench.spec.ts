// What a first-time visitor and a coordinator trip over: the course team's address in the
// footer, the joining form's conditional choices and kind refusal, the status page that does
// not contradict an offer or a place, and the coordinators' own menu.
import { test, expect, hydrated, demo, ukNow, signIn } from "./fixtures";
import type { APIRequestContext } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";
import { readFileSync } from "node:fs";
import path from "node:path";

const unique = () => `${Date.now()}-${Math.floor(Math.random() * 1e6)}`;

async function apply(request: APIRequestContext, email: string) {
  const res = await request.post("/api/v1/applications", {
    data: {
      name: "Robin Example", email, job_title: "Charge nurse", employer: "A trust", nurse_advocate: "yes",
      attendance_code: demo.attendanceCode, cohort_preferences: [], consent: true,
    },
  });
  expect(res.status()).toBe(201);
  return res.json();
}

test("every page's footer gives the course team's email address", async ({ page }) => {
  for (const path of ["/", "/tasters", "/join", "/privacy"]) {
    await page.goto(path);
    const link = page.locator("footer").getByRole("link", { name: /@/ });
    await expect(link).toHaveAttribute("href", /^mailto:[^@]+@[^@]+$/);
  }
});

test("'Any of them' hides the ranked choices and 'I have a preference' reveals them", async ({ page }) => {
  await page.goto("/join");
  await hydrated(page);
  const first = page.getByLabel("First choice");
  await expect(first).toBeHidden();
  await page.getByLabel("I have a preference").check();
  await expect(first).toBeVisible();
  await page.getByLabel("Any of them").check();
  await expect(first).toBeHidden();
});

test("a course chosen twice is flagged on the second choice", async ({ page }) => {
  await page.goto("/join");
  await hydrated(page);
  await page.getByLabel("I have a preference").check();
  const second = page.getByLabel("Second choice");
  test.skip((await second.count()) === 0, "the demo has one open course");
  const course = await page.getByLabel("First choice").locator("option").nth(1).getAttribute("value");
  await page.getByLabel("First choice").selectOption(course!);
  await second.selectOption(course!);
  await page.getByRole("button", { name: "Submit application" }).click();
  await expect(page.locator("#choice-2-error")).toContainText("Choose each course only once");
  await expect(page.locator(".error-summary").getByRole("link", { name: "Choose each course only once" })).toHaveAttribute("href", "#choice-2");
});

test("someone who is not a nurse advocate is told kindly, with the course team's address, and nothing is sent", async ({ page }) => {
  await page.goto("/join");
  await hydrated(page);
  await page.getByLabel("No", { exact: true }).check();
  await page.getByRole("button", { name: "Submit application" }).click();
  const message = page.locator("#nurse-advocate-error");
  await expect(message).toContainText("The free places are for nurse advocates and nurses training to be one");
  await expect(message).toContainText(/email \S+@\S+/);
  await expect(page).toHaveURL(/\/join$/);
});

test("the server refuses 'No' too, naming the field", async ({ request }) => {
  const res = await request.post("/api/v1/applications", {
    data: {
      name: "Robin Example", email: `robin.${unique()}@nhs.net`, job_title: "Nurse", employer: "A trust", nurse_advocate: "no",
      attendance_code: demo.attendanceCode, cohort_preferences: [], consent: true,
    },
  });
  expect(res.status()).toBe(422);
  expect(JSON.stringify(await res.json())).toContain("nurse_advocate");
});

test("someone with a place is not shown the places panel, and withdrawing says what it does", async ({ page, request }) => {
  const { status_token: token, state } = await apply(request, `robin.${unique()}@nhs.net`);
  await page.goto(`/status/${token}`);
  if (state === "allocated") {
    await expect(page.locator(".places-panel")).toHaveCount(0);
    await expect(page.getByText("Withdrawing gives up your place: it is offered to the next person on the waiting list.")).toBeVisible();
    await expect(page.getByText("withdraw from your status page")).toHaveCount(0);
  } else {
    await expect(page.locator(".places-panel")).toHaveCount(1);
    await expect(page.getByText("Withdrawing takes you off every waiting list.", { exact: false })).toBeVisible();
  }
});

test("the coordinators' pages have their own menu, which shows the current page", async ({ page }) => {
  await signIn(page);
  await expect(page.getByRole("navigation", { name: "Main" })).toHaveCount(0);
  const menu = page.getByRole("navigation", { name: "Coordinators" });
  await expect(menu.getByRole("link", { name: "Dashboard" })).toHaveAttribute("aria-current", "page");
  await menu.getByRole("link", { name: "Applications" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Applications" })).toBeVisible();
  await expect(menu.getByRole("link", { name: "Applications" })).toHaveAttribute("aria-current", "page");
  await expect(menu.getByRole("link", { name: "Dashboard" })).not.toHaveAttribute("aria-current", "page");
  await expect(page.getByRole("link", { name: "View the public site" })).toBeVisible();
});

test("the dashboard lists offers waiting for an answer and applications awaiting an attendance check", async ({ page, request }) => {
  const res = await request.post("/api/v1/applications", {
    data: {
      name: "Awaiting Check", email: `awaiting.${unique()}@nhs.net`, job_title: "Nurse", employer: "A trust", nurse_advocate: "yes",
      attendance_code: null, cohort_preferences: [], consent: true,
    },
  });
  expect(res.status()).toBe(201);
  const { reference } = await res.json();
  await signIn(page);
  await expect(page.getByRole("heading", { name: "Offers waiting for an answer" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Awaiting an attendance check" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Match a Zoom report" })).toHaveAttribute("href", "/coordinator/attendance");
  const link = page.locator(".live-dashboard").getByRole("link", { name: reference }).first();
  await expect(link).toHaveAttribute("href", /^\/coordinator\/applications\/\d+$/);
});

test("cancelling a session and replacing its code each ask first and say what happens", async ({ page }) => {
  await signIn(page);
  await page.goto("/coordinator/tasters");
  await page.getByRole("link", { name: /^Edit/ }).first().click();
  const replace = page.getByRole("button", { name: "Yes, replace the code" });
  await expect(replace).toBeHidden();
  await page.getByText("Make a new code", { exact: true }).click();
  await expect(replace).toBeVisible();
  await expect(page.getByText(/stops working at once, for everyone/)).toBeVisible();
  // The demo's sessions are scheduled, so the first one can be cancelled.
  const cancel = page.getByRole("button", { name: "Yes, cancel this session" });
  await expect(cancel).toBeHidden();
  await page.getByText("Cancel this session", { exact: true }).click();
  await expect(cancel).toBeVisible();
  await expect(page.getByText(/its attendance code stops working/)).toBeVisible();
});

test("the code screen shows the joining form's address and a QR code of it", async ({ page }) => {
  await signIn(page);
  await page.goto("/coordinator/tasters");
  await page.getByRole("link", { name: /^Show code/ }).first().click();
  await expect(page.getByRole("img", { name: /^QR code for .+\/join$/ })).toBeVisible();
  await expect(page.locator(".join-qr svg")).toHaveCount(1);
  await expect(page.getByText(/Apply at .+\/join/)).toBeVisible();
});

test("a session that has ended says Ended, not Scheduled", async ({ page }) => {
  await signIn(page);
  await page.goto("/coordinator/tasters");
  // The demo has sessions in the past (the one whose code applicants use has started).
  await expect(page.locator("td[data-label=Status]", { hasText: "Ended" }).first()).toBeVisible();
});

test("the course page links back to the provider's page, and marks a session that is on now", async ({ page, playwright, baseURL }) => {
  const request = await playwright.request.newContext({ baseURL });
  const login = await request.post("/coordinator/login", { form: { email: demo.email, password: demo.password }, maxRedirects: 0 });
  expect(login.status()).toBe(303);
  const { date, time } = ukNow(10);
  const added = await request.post("/coordinator/tasters", {
    form: { date, start: time, minutes: "60", zoom_url: "https://zoom.us/j/93456789012", meeting_id: "934 5678 9012", passcode: "246810" },
    maxRedirects: 0,
  });
  expect(added.status()).toBe(303);
  await request.dispose();

  await page.goto("/");
  await expect(page.getByRole("link", { name: "Back to Mindfulness-based courses for nurse advocates" })).toHaveAttribute(
    "href",
    "https://www.example.nhs.uk/mindfulness-based-courses",
  );
  await expect(page.locator(".taster-card", { hasText: "Live now" }).first()).toBeVisible();
});

test("a coordinator adds a note to an application and sees it there", async ({ page, request }) => {
  const { reference } = await apply(request, `noted.${unique()}@nhs.net`);
  await signIn(page);
  await page.goto(`/coordinator/applications?q=${reference}`);
  await page.getByRole("link", { name: reference }).click();
  await page.getByLabel("Add a note").fill("Asked for captions in every session");
  await page.getByRole("button", { name: "Add the note" }).click();
  await expect(page.getByText("Note added.")).toBeVisible();
  await expect(page.locator(".note__body")).toHaveText("Asked for captions in every session");
  await expect(page.locator(".note__meta")).toContainText(/^.+ · .+\d{4}, \d{1,2}:\d{2}(am|pm)$/);
});

test("the audit log reads as sentences, shows applicants' and enrol's actions, and filters", async ({ page, request }) => {
  const { reference } = await apply(request, `audited.${unique()}@nhs.net`);
  await signIn(page);
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(`/coordinator/audit?q=${reference}`);
  const rows = page.locator("table.audit tbody tr");
  await expect(rows.filter({ hasText: "Applied" })).toHaveCount(1);
  await expect(rows.filter({ hasText: "The applicant" }).first()).toBeVisible();
  await expect(rows.filter({ hasText: /Given a place on|Put on the waiting list/ }).first()).toContainText("enrol, automatically");
  await expect(rows.first().getByRole("link", { name: reference })).toHaveAttribute("href", /^\/coordinator\/applications\/\d+$/);
  await page.screenshot({ path: test.info().outputPath("audit-log-1280.png"), fullPage: false });

  await page.getByLabel("Who").selectOption("coordinator");
  await page.getByRole("button", { name: "Show entries" }).click();
  await expect(page).toHaveURL(/who=coordinator/);
  await expect(page.getByText("Nothing in the log matches these filters.")).toBeVisible();
});

test("a long applications table is read a page at a time, and its page links pass axe", async ({ page, request }) => {
  const batch = unique();
  for (let n = 0; n < 101; n++) await apply(request, `page.${batch}.${n}@nhs.net`);
  await signIn(page);
  await page.goto("/coordinator/applications");
  await expect(page.getByRole("status").filter({ hasText: /applications · showing 1 to 100\b/ })).toBeVisible();
  const pages = page.getByRole("navigation", { name: "Pages of applications" });
  await expect(pages.getByRole("link", { name: "Page 1" })).toHaveAttribute("aria-current", "page");
  for (const width of [1280, 375]) {
    await page.setViewportSize({ width, height: 900 });
    const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]).analyze();
    expect(results.violations.map((v) => `${v.id}: ${v.help}`), `axe at ${width} px`).toEqual([]);
  }
  await pages.getByRole("link", { name: "Next page" }).focus();
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/page=2/);
  await expect(page.getByRole("status").filter({ hasText: /showing 101 to/ })).toBeVisible();
  await expect(page.getByRole("navigation", { name: "Pages of applications" }).getByRole("link", { name: "Previous page" })).toBeVisible();
});

test("the match table fits a 1280 px screen and a phone", async ({ page }) => {
  await signIn(page);
  await page.goto("/coordinator/attendance");
  // The real report, dated the day of the session the form offers first (a report of another
  // day is refused).
  const session = await page.getByLabel("Taster session").locator("option").first().textContent();
  const [, d, monthName, y] = /(\d{1,2}) (\w+) (\d{4})/.exec(session ?? "")!;
  const months = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
  const us = `${String(months.indexOf(monthName) + 1).padStart(2, "0")}/${d.padStart(2, "0")}/${y}`;
  const report = readFileSync(path.join(__dirname, "..", "..", "app", "tests", "fixtures", "zoom", "participants-only.csv"), "utf8");
  await page.getByLabel("Participant report (CSV)").setInputFiles({
    name: "participants-only.csv",
    mimeType: "text/csv",
    buffer: Buffer.from(report.replaceAll("12/12/2023", us)),
  });
  await page.getByRole("button", { name: "Upload and match" }).click();
  await expect(page.getByRole("heading", { name: "Match attendees" })).toBeVisible();
  for (const width of [1280, 375]) {
    await page.setViewportSize({ width, height: 900 });
    const fits = await page.evaluate(() => {
      const wrap = document.querySelector(".table-wrap") as HTMLElement;
      return wrap.scrollWidth <= wrap.clientWidth + 1 && document.documentElement.scrollWidth <= document.documentElement.clientWidth;
    });
    expect(fits, `the match table fits at ${width} px`).toBe(true);
  }
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.screenshot({ path: test.info().outputPath("match-table-1280.png"), fullPage: true });
});

test("on the taster page, Tab reaches the calendar before the upcoming sessions beside it", async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto("/tasters");
  await hydrated(page);
  const calendar = await page.locator(".tasters-calendar").boundingBox();
  const agenda = await page.locator(".tasters-agenda").boundingBox();
  expect(calendar!.x).toBeLessThan(agenda!.x);
  // The document's order is the visual order: the calendar's section comes first.
  const calendarFirst = await page.evaluate(() => {
    const c = document.querySelector(".tasters-calendar")!;
    const a = document.querySelector(".tasters-agenda")!;
    return Boolean(c.compareDocumentPosition(a) & Node.DOCUMENT_POSITION_FOLLOWING);
  });
  expect(calendarFirst).toBe(true);
});
