// The course page with JavaScript disabled: everything is in the server-rendered HTML.
import { test, expect } from "./fixtures";

test("the course page is complete without JavaScript", async ({ page }) => {
  await page.goto("/");
  await expect(page.locator("h1")).toHaveText("Compassionate leadership training for managers and leaders");
  await expect(page.getByText("Loading")).toHaveCount(0);
  for (const heading of ["Why compassion?", "Who is the course for?", "Courses for nurse advocates", "How places are allocated"]) {
    await expect(page.getByRole("heading", { name: heading })).toBeVisible();
  }
  await expect(page.getByText("912 7343 1323")).toBeVisible();
  await expect(page.getByText("989 3314 4569")).toBeVisible();
  // Without JavaScript the navigation is shown in full on a small screen, and no Menu button.
  await page.setViewportSize({ width: 375, height: 800 });
  await expect(page.locator("#site-nav").getByRole("link", { name: "Joining form" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Menu" })).toBeHidden();
  await page.getByRole("link", { name: "Find a free taster session" }).click();
  await expect(page).toHaveURL(/\/tasters$/);
});
