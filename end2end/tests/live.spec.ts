// The live places counter: one browser watches, another applies; the first sees the new
// figure without a reload.
import { test, expect, hydrated, demo } from "./fixtures";

test("a page watching the course sees a place go within two seconds, without a reload", async ({ browser, baseURL }) => {
  const watcherContext = await browser.newContext({ baseURL });
  const watcher = await watcherContext.newPage();
  const problems: string[] = [];
  watcher.on("console", (m) => m.type() === "error" && problems.push(m.text()));
  await watcher.goto("/");
  await hydrated(watcher);

  const cohorts = await (await watcher.request.get("/api/v1/cohorts")).json();
  const cohort = cohorts[0];
  const badge = watcher.locator(`.places-panel .places-left[data-cohort="${cohort.id}"] .places`);
  const words = (n: number) => (n <= 0 ? "Full — you can still apply and join the waiting list" : n === 1 ? "1 place left" : `${n} places left`);
  await expect(badge).toHaveText(/places? left|Full/);
  // The event stream is connected once it has delivered the figures.
  await expect(watcher.locator('.places-panel[data-live="on"]')).toHaveCount(1);
  let navigations = 0;
  watcher.on("framenavigated", () => navigations++);

  const applicantContext = await browser.newContext({ baseURL });
  const applicant = await applicantContext.newPage();
  const res = await applicant.request.post("/api/v1/applications", {
    data: {
      name: "Live Watcher",
      email: `live.${Date.now()}@nhs.net`,
      job_title: "Nurse",
      employer: "A trust",
      nurse_advocate: "yes",
      attendance_code: demo.attendanceCode,
      cohort_preferences: [cohort.id],
      consent: true,
    },
  });
  expect(res.status()).toBe(201);
  const body = await res.json();
  // Other tests may take places at the same time: the page must show what the server has now.
  const current = async () => {
    const now = await (await applicant.request.get("/api/v1/cohorts")).json();
    return now.find((c: { id: number }) => c.id === cohort.id).places_remaining as number;
  };
  await expect
    .poll(async () => (await badge.textContent()) === words(await current()), { timeout: 2_000, intervals: [100] })
    .toBe(true);
  expect(navigations).toBe(0);
  // A place taken is announced politely.
  if (body.state === "allocated") {
    await expect(watcher.locator(`.places-panel .places-left[data-cohort="${cohort.id}"] [role="status"]`)).toContainText(cohort.name);
  }
  expect(problems).toEqual([]);
  await watcherContext.close();
  await applicantContext.close();
});

test("the taster calendar and joining form show the places too, right in the server's HTML", async ({ page }) => {
  await page.goto("/tasters");
  await expect(page.getByRole("heading", { name: /Places on \w+ courses/ })).toBeVisible();
  await page.goto("/join");
  await expect(page.locator(".cohort-card .places").first()).toHaveText(/places? left|Full/);
});

test("a ranked course that fills while the form is open is pointed out beside the choice", async ({ page, playwright, baseURL }) => {
  const coordinator = await playwright.request.newContext({ baseURL });
  const login = await coordinator.post("/coordinator/login", { form: { email: demo.email, password: demo.password }, maxRedirects: 0 });
  expect(login.status()).toBe(303);
  const name = `January 2027 · One place ${Date.now()}`;
  const created = await coordinator.post("/coordinator/cohorts", {
    form: { name, first_date: "2027-01-05", start: "10:00", minutes: "120", meeting_count: "6", capacity: "1", status: "open" },
    maxRedirects: 0,
  });
  expect(created.status()).toBe(303);
  const cohortId = Number(/cohorts\/(\d+)/.exec(created.headers()["location"])![1]);

  await page.goto("/join");
  await hydrated(page);
  await page.getByLabel("I have a preference").check();
  await page.getByLabel("First choice").selectOption({ label: name });
  const firstNote = page.locator(".choice-note").first();
  await expect(firstNote).toBeEmpty();

  // Someone else takes the only place.
  const res = await coordinator.post("/api/v1/applications", {
    data: {
      name: "Quick Applicant", email: `quick.${Date.now()}@nhs.net`, job_title: "Nurse", employer: "A trust",
      nurse_advocate: "yes", attendance_code: demo.attendanceCode, cohort_preferences: [cohortId], consent: true,
    },
  });
  expect((await res.json()).state).toBe("allocated");

  await expect(firstNote).toHaveText(/This course has just become full\. You can keep it as your choice and join its waiting list/, { timeout: 3_000 });
  await expect(firstNote).toHaveAttribute("role", "status");
  // Only the choice that holds the full course says so.
  await expect(page.locator(".choice-note").nth(1)).toBeEmpty();
  await coordinator.dispose();
});
