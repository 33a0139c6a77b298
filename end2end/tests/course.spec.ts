import { test, expect, hydrated } from "./fixtures";

test.describe("course page", () => {
  test("shows every part of the course page with a proper title", async ({ page }) => {
    await page.goto("/");
    await expect(page).toHaveTitle("Compassionate leadership training for nurse advocates");
    await expect(page.locator("h1")).toHaveText("Compassionate leadership training for managers and leaders");
    await expect(page.locator('meta[name="description"]')).toHaveAttribute("content", /nurse advocates/);
    const headings = await page.locator("main h2").allTextContents();
    for (const heading of [
      "How to get a place",
      "Why compassion?",
      "How does compassion improve care?",
      "Who is the course for?",
      "What’s in the course programme?",
      "Courses for nurse advocates",
      "How places are allocated",
    ]) {
      expect(headings).toContain(heading);
    }
    await expect(page.getByText("Research by Prof Michael West")).toBeVisible();
  });

  test("lists the two upcoming taster sessions with their Zoom details", async ({ page }) => {
    await page.goto("/");
    const section = page.locator("#nurse-advocates");
    await expect(section.getByText("912 7343 1323")).toBeVisible();
    await expect(section.getByText("114640")).toBeVisible();
    await expect(section.getByText("989 3314 4569")).toBeVisible();
    await expect(section.getByText("637529")).toBeVisible();
    await expect(section.getByRole("heading", { name: /^Wednesday \d+ \w+ \d{4}, 4pm to 5pm$/ })).toBeVisible();
    await expect(section.getByRole("heading", { name: /^Tuesday \d+ \w+ \d{4}, 3pm to 4pm$/ })).toBeVisible();
    // Other tests may add sessions of their own; the two from the course page are always there.
    expect(await section.getByRole("link", { name: /Join on Zoom/ }).count()).toBeGreaterThanOrEqual(2);
  });

  test("calls to action lead to the taster calendar and the joining form", async ({ page }) => {
    await page.goto("/");
    await page.getByRole("link", { name: "Find a free taster session" }).click();
    await expect(page).toHaveURL(/\/tasters$/);
    await expect(page.locator("h1")).toBeVisible();
    await page.goto("/");
    await page.getByRole("link", { name: "Complete the joining form" }).first().click();
    await expect(page).toHaveURL(/\/join$/);
    await expect(page.locator("h1")).toBeVisible();
  });

  test("offers the programme outline as a real PDF", async ({ page, request }) => {
    await page.goto("/");
    const href = await page.getByRole("link", { name: "Download the programme outline (PDF)" }).getAttribute("href");
    const res = await request.get(href!);
    expect(res.status()).toBe(200);
    expect(res.headers()["content-type"]).toContain("application/pdf");
    expect((await res.body()).subarray(0, 5).toString()).toBe("%PDF-");
  });

  test("hydrates: the mobile menu button folds and unfolds the navigation", async ({ page }) => {
    await page.setViewportSize({ width: 375, height: 800 });
    await page.goto("/");
    await hydrated(page);
    const menu = page.getByRole("button", { name: "Menu" });
    const nav = page.locator("#site-nav");
    await expect(menu).toBeVisible();
    await expect(menu).toHaveAttribute("aria-expanded", "false");
    await expect(nav).toBeHidden();
    await menu.click();
    await expect(menu).toHaveAttribute("aria-expanded", "true");
    await expect(nav.getByRole("link", { name: "Taster sessions" })).toBeVisible();
  });

  test("the skip link is the first thing the keyboard reaches and moves focus to the content", async ({ page }) => {
    await page.goto("/");
    await hydrated(page);
    await page.keyboard.press("Tab");
    const skip = page.getByRole("link", { name: "Skip to main content" });
    await expect(skip).toBeFocused();
    await expect(skip).toBeVisible();
    await page.keyboard.press("Enter");
    await expect(page).toHaveURL(/#main-content$/);
  });

  test("nothing scrolls sideways on a 320 px wide screen", async ({ page }) => {
    await page.setViewportSize({ width: 320, height: 640 });
    await page.goto("/");
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
  });

  test("an unknown address answers 404 with a helpful page", async ({ page, browserConsole }) => {
    // The browser reports the document's own 404 status in the console; that one is expected.
    browserConsole.allow(/status of 404/);
    const res = await page.goto("/no-such-page");
    expect(res?.status()).toBe(404);
    await expect(page.locator("h1")).toHaveText("Page not found");
  });
});
