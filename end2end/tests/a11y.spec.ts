// Accessibility gate: axe-core (WCAG 2.0/2.1/2.2 A and AA) on every route and its important
// states, at 375 px and at desktop width; and on every page one h1, a skip link, a visible
// focus style, no sideways scrolling at 320 px, and 44 by 44 px touch targets on public pages.
import { test, expect, demo } from "./fixtures";
import AxeBuilder from "@axe-core/playwright";
import type { Page, APIRequestContext } from "@playwright/test";

type Fixture = {
  token: string; // a status token: allocated
  offered: string; // a status token with an offer
  tasterId: number;
  applicationId: number;
  importId: number;
};

let fixture: Fixture;

async function apply(request: APIRequestContext, email: string, cohortPreferences: number[]) {
  const res = await request.post("/api/v1/applications", {
    data: {
      name: "Axe Tester", email, job_title: "Nurse", employer: "A trust", nurse_advocate: "yes",
      attendance_code: demo.attendanceCode, cohort_preferences: cohortPreferences, consent: true,
    },
  });
  expect(res.status()).toBe(201);
  return res.json();
}

async function signIn(request: APIRequestContext) {
  const res = await request.post("/coordinator/login", { form: { email: demo.email, password: demo.password }, maxRedirects: 0 });
  expect(res.status()).toBe(303);
}

test.beforeAll(async ({ playwright, baseURL }) => {
  const request = await playwright.request.newContext({ baseURL });
  await signIn(request);
  const stamp = Date.now();
  // A one-place cohort in the current intake: full after one allocation, then an offer after a withdrawal.
  const cohortRes = await request.post("/coordinator/cohorts", {
    form: {
      name: `January 2027 · Axe ${stamp}`, first_date: "2027-01-04", start: "18:00", minutes: "120",
      meeting_count: "6", capacity: "1", status: "open",
    },
    maxRedirects: 0,
  });
  expect(cohortRes.status()).toBe(303);
  const cohortId = Number(/cohorts\/(\d+)/.exec(cohortRes.headers()["location"])![1]);
  const holder = await apply(request, `holder.${stamp}@nhs.net`, [cohortId]);
  const next = await apply(request, `next.${stamp}@nhs.net`, [cohortId]);
  expect(next.state).toBe("waiting");
  const upload = await request.post("/coordinator/attendance", {
    multipart: {
      taster_session_id: "1",
      report: { name: "report.csv", mimeType: "text/csv", buffer: Buffer.from(`Name (Original Name),User Email,Duration (Minutes)\nAxe Tester ${stamp},someone@nhs.net,60\n`) },
    },
    maxRedirects: 0,
  });
  const importId = Number(/attendance\/(\d+)/.exec(upload.headers()["location"] ?? "")?.[1] ?? "0");
  const holderCopy = await apply(request, `third.${stamp}@nhs.net`, []);
  const tasters = await (await request.get("/api/v1/tasters")).json();
  const applications = await (await request.get(`/coordinator/applications.csv?q=third.${stamp}`)).text();
  expect(applications).toContain(`third.${stamp}`);
  // The application's id, from the table's link.
  const table = await (await request.get(`/coordinator/applications?q=third.${stamp}`)).text();
  const applicationId = Number(/coordinator\/applications\/(\d+)/.exec(table)![1]);
  // Withdraw the holder: the waiting one is offered the place.
  await request.post(`/status/${holder.status_token}/withdraw`, { maxRedirects: 0 });
  fixture = { token: holderCopy.status_token, offered: next.status_token, tasterId: tasters[0].id, applicationId, importId };
  await request.dispose();
});

type PageCase = { name: string; path: () => string; act?: (page: Page) => Promise<void>; coordinator?: boolean; public?: boolean };

const cases: PageCase[] = [
  { name: "course page, with a full cohort", path: () => "/", public: true },
  { name: "taster calendar", path: () => "/tasters", public: true },
  { name: "taster calendar, an empty month", path: () => "/tasters?month=2027-03", public: true },
  { name: "taster session", path: () => `/tasters/${fixture.tasterId}`, public: true },
  { name: "joining form", path: () => "/join", public: true },
  {
    name: "joining form with errors",
    path: () => "/join",
    public: true,
    act: async (page) => {
      await page.getByRole("button", { name: "Submit application" }).click();
      await expect(page.locator(".error-summary")).toBeVisible();
    },
  },
  { name: "confirmation", path: () => `/join/confirmation/${fixture.token}`, public: true },
  { name: "status page", path: () => `/status/${fixture.token}`, public: true },
  { name: "status page with an offer", path: () => `/status/${fixture.offered}`, public: true },
  { name: "decline check", path: () => `/status/${fixture.offered}/decline`, public: true },
  { name: "withdraw check", path: () => `/status/${fixture.token}/withdraw`, public: true },
  { name: "accept check", path: () => `/status/${fixture.offered}/accept`, public: true },
  { name: "delete my data check", path: () => `/status/${fixture.token}/erase`, public: true },
  { name: "data deleted", path: () => "/status/erased", public: true },
  { name: "lost your link", path: () => "/status/find", public: true },
  {
    name: "lost your link with an error",
    path: () => "/status/find",
    public: true,
    act: async (page) => {
      await page.getByRole("button", { name: "Send me the link" }).click();
      await expect(page.locator(".error-summary")).toBeVisible();
    },
  },
  {
    name: "lost your link, sent",
    path: () => "/status/find",
    public: true,
    act: async (page) => {
      await page.getByLabel("Work email address").fill("someone@nhs.net");
      await page.getByRole("button", { name: "Send me the link" }).click();
      await expect(page.getByRole("heading", { name: "Check your email" })).toBeVisible();
    },
  },
  { name: "privacy notice", path: () => "/privacy", public: true },
  { name: "page not found", path: () => "/no-such-page", public: true },
  { name: "coordinator sign-in", path: () => "/coordinator/login" },
  {
    name: "coordinator sign-in with an error",
    path: () => "/coordinator/login",
    act: async (page) => {
      await page.getByLabel("Email address").fill("nobody@example.nhs.uk");
      await page.getByLabel("Password").fill("wrong password");
      await page.getByRole("button", { name: "Sign in" }).click();
      await expect(page.locator(".error-summary")).toBeVisible();
    },
  },
  { name: "dashboard", path: () => "/coordinator", coordinator: true },
  { name: "taster sessions", path: () => "/coordinator/tasters", coordinator: true },
  {
    name: "new taster session with errors",
    path: () => "/coordinator/tasters/new",
    coordinator: true,
    act: async (page) => {
      await page.getByRole("button", { name: "Add the session" }).click();
      await expect(page.locator(".error-summary")).toBeVisible();
    },
  },
  { name: "edit taster session", path: () => `/coordinator/tasters/${fixture.tasterId}`, coordinator: true },
  { name: "attendance code screen", path: () => `/coordinator/tasters/${fixture.tasterId}/code`, coordinator: true },
  { name: "cohorts", path: () => "/coordinator/cohorts", coordinator: true },
  { name: "new cohort", path: () => "/coordinator/cohorts/new", coordinator: true },
  { name: "edit cohort", path: () => "/coordinator/cohorts/1", coordinator: true },
  { name: "applications", path: () => "/coordinator/applications", coordinator: true },
  { name: "application", path: () => `/coordinator/applications/${fixture.applicationId}`, coordinator: true },
  { name: "attendance", path: () => "/coordinator/attendance", coordinator: true },
  { name: "match queue", path: () => `/coordinator/attendance/${fixture.importId}`, coordinator: true },
  { name: "emails", path: () => "/coordinator/emails", coordinator: true },
  { name: "write to a group", path: () => "/coordinator/emails/new", coordinator: true },
  {
    name: "write to a group with errors",
    path: () => "/coordinator/emails/new",
    coordinator: true,
    act: async (page) => {
      await page.getByRole("button", { name: "Preview the message" }).click();
      await expect(page.locator(".error-summary")).toBeVisible();
    },
  },
  {
    name: "write to a group, the preview",
    path: () => "/coordinator/emails/new",
    coordinator: true,
    act: async (page) => {
      // A cohort with somebody on it (the options say how many).
      const someone = page.locator("#cohort_id option", { hasText: /\([1-9]\d* with a place/ }).first();
      await page.getByLabel("Cohort", { exact: true }).selectOption((await someone.getAttribute("value"))!);
      await page.getByLabel("Subject").fill("joining details");
      await page.getByLabel("Message").fill("See you on Tuesday.");
      await page.getByRole("button", { name: "Preview the message" }).click();
      await expect(page.getByRole("heading", { name: "Check your message before you send it" })).toBeVisible();
    },
  },
  { name: "retention", path: () => "/coordinator/retention", coordinator: true },
  { name: "access log", path: () => "/coordinator/access-log", coordinator: true },
  { name: "accounts", path: () => "/coordinator/accounts", coordinator: true },
  { name: "audit log", path: () => "/coordinator/audit", coordinator: true },
  { name: "change password", path: () => "/coordinator/password", coordinator: true },
  {
    name: "change password with errors",
    path: () => "/coordinator/password",
    coordinator: true,
    act: async (page) => {
      await page.getByRole("button", { name: "Change password" }).click();
      await expect(page.locator(".error-summary")).toBeVisible();
    },
  },
];

const widths = [375, 1280];

for (const width of widths) {
  for (const c of cases) {
    test(`${c.name} at ${width} px`, async ({ page, browserConsole }) => {
      browserConsole.allow(/status of 404/);
      if (c.coordinator) await signIn(page.request);
      await page.setViewportSize({ width, height: 900 });
      await page.goto(c.path());
      await page.waitForLoadState("networkidle").catch(() => {});
      if (c.act) await c.act(page);

      const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]).analyze();
      const violations = results.violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(" | ")}`);
      expect(violations, "axe violations").toEqual([]);

      await expect(page.locator("h1")).toHaveCount(1);
      const skip = page.locator("a.skip-link");
      await expect(skip).toHaveAttribute("href", "#main-content");
      await expect(page.locator("#main-content")).toHaveCount(1);

      if (c.public) {
        // Touch targets: controls and standalone links at least 44 by 44 px (links inside
        // running text are exempt, as WCAG allows).
        const small = await page.evaluate(() => {
          const selector =
            "button, .button, select, textarea, summary, input:not([type=hidden]):not([type=radio]):not([type=checkbox]), .site-nav a, .site-footer a, .calendar__nav-link, .radios__label, .checkboxes__label";
          return Array.from(document.querySelectorAll<HTMLElement>(selector))
            .filter((el) => el.offsetParent !== null)
            .map((el) => ({ el, box: el.getBoundingClientRect() }))
            .filter(({ box }) => box.height < 43.5 || box.width < 43.5)
            .map(({ el, box }) => `${el.tagName.toLowerCase()}.${el.className} "${(el.textContent ?? "").trim().slice(0, 30)}" ${Math.round(box.width)}x${Math.round(box.height)}`);
        });
        expect(small, "touch targets under 44 px").toEqual([]);
      }
    });
  }
}

test("no page scrolls sideways at 320 px, and keyboard focus is always visible", async ({ page, browserConsole }) => {
  browserConsole.allow(/status of 404/);
  await signIn(page.request);
  await page.setViewportSize({ width: 320, height: 640 });
  for (const c of cases) {
    await page.goto(c.path());
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow, `${c.name} scrolls sideways at 320 px`).toBeLessThanOrEqual(0);
  }
  // The first Tab reaches the skip link, which then shows the focus style.
  await page.goto("/");
  await page.keyboard.press("Tab");
  const skip = page.locator("a.skip-link");
  await expect(skip).toBeFocused();
  const focused = await skip.evaluate((el) => {
    const style = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    return { background: style.backgroundColor, left: box.left };
  });
  expect(focused.background).toBe("rgb(255, 235, 59)");
  expect(focused.left).toBeGreaterThanOrEqual(0);
  // A focused link in the page shows the yellow focus style too.
  await page.keyboard.press("Tab");
  await page.keyboard.press("Tab");
  const style = await page.evaluate(() => {
    const el = document.activeElement as HTMLElement;
    const s = getComputedStyle(el);
    return { outline: s.outlineStyle, shadow: s.boxShadow, background: s.backgroundColor };
  });
  expect(style.background === "rgb(255, 235, 59)" || style.outline !== "none" || style.shadow !== "none").toBe(true);
});
