// The joining journey with JavaScript disabled: plain form posts, errors from the server,
// what was typed kept, then a confirmation.
import { test, expect, demo } from "./fixtures";

test("apply without JavaScript: errors come back with what was typed, then it succeeds", async ({ page }) => {
  const email = `nojs.${Date.now()}@nhs.net`;
  await page.goto("/join");
  await page.getByLabel("Full name").fill("Jo Nojs");
  await page.getByLabel("Work email address").fill(email);
  await page.getByRole("button", { name: "Submit application" }).click();

  await expect(page.getByRole("heading", { name: "There is a problem" })).toBeVisible();
  await expect(page).toHaveTitle(/^Error: /);
  await expect(page.getByRole("link", { name: "Enter your job title" })).toBeVisible();
  await expect(page.getByLabel("Full name")).toHaveValue("Jo Nojs");
  await expect(page.getByLabel("Work email address")).toHaveValue(email);

  await page.getByLabel("Job title").fill("Matron");
  await page.getByLabel("Employer").fill("An NHS trust");
  await page.getByLabel("I am training to be a nurse advocate").check();
  await page.getByLabel("Attendance code (if you have it)").fill(demo.attendanceCode);
  // The ranked choices are revealed by the radio itself (the NHS conditional pattern, in CSS).
  await expect(page.getByLabel("First choice")).toBeHidden();
  await page.getByLabel("I have a preference").check();
  await expect(page.getByLabel("First choice")).toBeVisible();
  await page.getByLabel("First choice").selectOption({ index: 1 });
  await page.getByLabel(/I have read the/).check();
  await page.getByRole("button", { name: "Submit application" }).click();

  await expect(page.getByRole("heading", { name: "Application received" })).toBeVisible();
  await expect(page.locator(".reference")).toHaveText(/^CL-/);
  await page.getByRole("link", { name: "Go to your status page" }).click();
  await expect(page.getByRole("heading", { name: "Your application" })).toBeVisible();
});
