// The taster calendar with JavaScript disabled: links replace buttons, each session has a page.
import { test, expect } from "./fixtures";

test("browse months, choose a day and open a session without JavaScript", async ({ page }) => {
  const sessions = await (await page.request.get("/api/v1/tasters")).json();
  const first = sessions[0];
  await page.goto("/tasters");
  await expect(page.getByRole("heading", { name: "Upcoming sessions" })).toBeVisible();
  await expect(page.getByText(first.meeting_id).first()).toBeVisible();
  // No copy buttons without JavaScript.
  await expect(page.getByRole("button", { name: /Copy/ })).toHaveCount(0);

  const title = await page.locator("#calendar-month").textContent();
  await page.getByRole("link", { name: /Next month/ }).click();
  await expect(page).toHaveURL(/\?month=\d{4}-\d{2}$/);
  await expect(page.locator("#calendar-month")).not.toHaveText(title!);
  await page.getByRole("link", { name: /Previous month/ }).click();
  await expect(page.locator("#calendar-month")).toHaveText(title!);

  await page.locator(".calendar__link").first().click();
  await expect(page).toHaveURL(/day=\d{4}-\d{2}-\d{2}/);
  await expect(page.locator("#day-sessions-title")).toBeVisible();

  await page.goto(`/tasters/${first.id}`);
  await expect(page.getByRole("heading", { name: "Free taster session" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Join on Zoom" })).toHaveAttribute("href", first.zoom_url);
  await expect(page.locator(".taster__status")).toHaveText(/Upcoming|Starting soon|Live now/);
});

test("a month that is not a month is explained, not an error page", async ({ page }) => {
  await page.goto("/tasters?month=2026-13");
  await expect(page.getByText("is not a month: use the form 2026-12")).toBeVisible();
});
