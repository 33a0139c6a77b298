import { test, expect, hydrated } from "./fixtures";
import type { Page } from "@playwright/test";
import { readFileSync } from "node:fs";

type Taster = { id: number; starts_at: string; ends_at: string; meeting_id: string; passcode: string; zoom_url: string };

async function upcoming(page: Page): Promise<Taster[]> {
  const res = await page.request.get("/api/v1/tasters");
  return res.json();
}

/** The UK calendar date of an instant, as the grid's data-date attribute spells it. */
function ukDate(instant: string): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/London", year: "numeric", month: "2-digit", day: "2-digit" }).format(
    new Date(instant),
  );
}

test("keyboard only: reach the grid, move between months and choose a session's day", async ({ page }) => {
  const [first] = await upcoming(page);
  await page.goto("/tasters");
  await hydrated(page);
  const grid = page.getByRole("grid");
  const monthTitle = page.locator("#calendar-month");
  const startTitle = await monthTitle.textContent();

  // Tab until the grid's single tab stop has focus.
  for (let i = 0; i < 80; i++) {
    await page.keyboard.press("Tab");
    if (await page.evaluate(() => document.activeElement?.tagName === "TD" && !!document.activeElement.closest('[role="grid"]'))) break;
  }
  const focusedDate = () => page.evaluate(() => document.activeElement?.getAttribute("data-date"));
  const today = await focusedDate();
  expect(today).toBeTruthy();
  await expect(grid.locator('td[tabindex="0"]')).toHaveCount(1);

  await page.keyboard.press("PageDown");
  await expect(monthTitle).not.toHaveText(startTitle!);
  await page.keyboard.press("PageUp");
  await expect(monthTitle).toHaveText(startTitle!);
  expect(await focusedDate()).toBe(today);

  // Walk to the first upcoming session's day with the arrow keys.
  const target = ukDate(first.starts_at);
  for (let i = 0; i < 40 && (await focusedDate()) !== target; i++) {
    await page.keyboard.press((await focusedDate())! < target ? "ArrowRight" : "ArrowLeft");
  }
  expect(await focusedDate()).toBe(target);
  await page.keyboard.press("Enter");

  const panel = page.locator("#day-sessions");
  await expect(page.locator("#day-sessions-title")).toBeFocused();
  await expect(panel.getByText(first.meeting_id)).toBeVisible();
  await expect(panel.getByRole("link", { name: "Join on Zoom" })).toHaveAttribute("href", first.zoom_url);
  await expect(grid.locator(`td[data-date="${target}"]`)).toHaveAttribute("aria-selected", "true");
  await expect(page).toHaveURL(new RegExp(`day=${target}`));
});

test("the Zoom details can be copied and the session added to a calendar", async ({ page, context }) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  const [first] = await upcoming(page);
  await page.goto(`/tasters/${first.id}`);
  await hydrated(page);
  await expect(page.getByRole("heading", { level: 1, name: "Free taster session" })).toBeVisible();
  await expect(page.getByText("Free · no need to book, just turn up")).toBeVisible();
  await page.getByRole("button", { name: "Copy passcode" }).click();
  await expect(page.getByText("Copied")).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(first.passcode);
  await page.getByRole("button", { name: "Copy meeting ID" }).click();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(first.meeting_id);

  await page.getByText("Add to your calendar").click();
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: "Download a calendar file (.ics)" }).click(),
  ]);
  expect(download.suggestedFilename()).toBe(`taster-session-${first.id}.ics`);
  const ics = readFileSync((await download.path())!, "utf8");
  expect(ics).toContain("BEGIN:VCALENDAR\r\n");
  expect(ics).toContain(`UID:taster-session-${first.id}@enrol`);
  await expect(page.getByRole("link", { name: "Add to Google Calendar" })).toHaveAttribute("href", /calendar\.google\.com/);
});

test("the session's state follows the clock without a reload", async ({ page }) => {
  const [first] = await upcoming(page);
  const start = new Date(first.starts_at).getTime();
  await page.clock.install({ time: new Date(start - 20 * 60_000) });
  await page.goto(`/tasters/${first.id}`);
  await hydrated(page);
  const status = page.locator(".taster__status");
  const join = page.getByRole("link", { name: "Join on Zoom" });
  await expect(status).toHaveText("Upcoming");
  await expect(join).toHaveClass(/button--secondary/);

  await page.clock.fastForward("06:00");
  await expect(status).toHaveText("Starting soon");
  await expect(join).toHaveClass(/button--large/);
  await expect(join).not.toHaveClass(/button--secondary/);

  await page.clock.fastForward("15:00");
  await expect(status).toHaveText("Live now");

  await page.clock.fastForward("01:00:00");
  await expect(status).toHaveText("Ended");
  await expect(join).toHaveCount(0);
  await expect(page.getByRole("link", { name: "Complete the joining form" })).toBeVisible();
});

test.describe("in another time zone", () => {
  test.use({ timezoneId: "America/New_York" });
  test("the viewer's own time is shown beside UK time", async ({ page }) => {
    const [first] = await upcoming(page);
    await page.goto(`/tasters/${first.id}`);
    await hydrated(page);
    await expect(page.locator(".taster__local")).toContainText("(America/New_York)");
  });
});

test.describe("in the UK", () => {
  test.use({ timezoneId: "Europe/London" });
  test("no second time is shown when the viewer is on UK time", async ({ page }) => {
    const [first] = await upcoming(page);
    await page.goto(`/tasters/${first.id}`);
    await hydrated(page);
    await expect(page.getByText("Free · no need to book, just turn up")).toBeVisible();
    await expect(page.locator(".taster__local")).toHaveCount(0);
  });
});

test("375 px wide: the calendar comes first, as in the page's order, and nothing scrolls sideways", async ({ page }) => {
  await page.setViewportSize({ width: 375, height: 800 });
  await page.goto("/tasters");
  await hydrated(page);
  const agenda = await page.locator(".tasters-agenda").boundingBox();
  const calendar = await page.locator(".tasters-calendar").boundingBox();
  expect(calendar!.y).toBeLessThan(agenda!.y);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
});

test("wide screens show the month grid first", async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto("/tasters");
  const agenda = await page.locator(".tasters-agenda").boundingBox();
  const calendar = await page.locator(".tasters-calendar").boundingBox();
  expect(calendar!.x).toBeLessThan(agenda!.x);
});
