import { test, expect, hydrated, demo } from "./fixtures";
import type { Page } from "@playwright/test";

const unique = () => `${Date.now()}-${Math.floor(Math.random() * 1e6)}`;

async function fillValidForm(page: Page, email: string) {
  await page.getByLabel("Full name").fill("Sam Jones");
  await page.getByLabel("Work email address").fill(email);
  await page.getByLabel("Job title").fill("Ward manager");
  await page.getByLabel("Employer").fill("Leeds Teaching Hospitals NHS Trust");
  await page.getByLabel("Yes, I am a nurse advocate").check();
  await page.getByLabel("Attendance code (if you have it)").fill(demo.attendanceCode);
  await page.getByLabel("Any of them").check();
  await page.getByLabel(/I have read the/).check();
}

test("the whole joining journey on a 375 px wide phone", async ({ page }) => {
  await page.setViewportSize({ width: 375, height: 800 });
  await page.goto("/join");
  await hydrated(page);
  await expect(page).toHaveTitle("Apply for a place – Compassionate leadership");
  await expect(page.getByText(/places left|Full — you can still apply/).first()).toBeVisible();
  await fillValidForm(page, `sam.${unique()}@nhs.net`);
  await page.getByRole("button", { name: "Submit application" }).click();

  await expect(page).toHaveURL(/\/join\/confirmation\/[0-9a-f]{48}$/);
  await expect(page.getByRole("heading", { name: "Application received" })).toBeVisible();
  await expect(page.locator(".reference")).toHaveText(/^CL-[2-9A-Z]{4}$/);
  await expect(page.locator(".lead")).toHaveText(/You have a place on January \d{4} · |waiting list/);
  await expect(page.getByText(/^http:\/\/127\.0\.0\.1:\d+\/status\/[0-9a-f]{48}$/)).toBeVisible();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);

  await page.getByRole("link", { name: "Go to your status page" }).click();
  await expect(page.getByRole("heading", { name: "Your application" })).toBeVisible();
  await expect(page.locator(".summary-list")).toContainText(/Allocated|Waiting list/);
});

test("errors by keyboard: the summary takes focus, names each field and leads to it", async ({ page }) => {
  await page.goto("/join");
  await hydrated(page);
  await page.getByLabel("Work email address").fill("sam@nhs");
  await page.getByRole("button", { name: "Submit application" }).focus();
  await page.keyboard.press("Enter");

  const summary = page.locator(".error-summary");
  await expect(summary).toBeFocused();
  await expect(summary.getByRole("heading", { name: "There is a problem" })).toBeVisible();
  await expect(page).toHaveTitle(/^Error: Apply for a place/);
  await expect(summary.getByRole("link", { name: "Enter your full name" })).toBeVisible();
  const emailMessage = "Enter your work email address in the correct format, like name@nhs.net";
  await expect(summary.getByRole("link", { name: emailMessage })).toBeVisible();
  // The message is repeated by the field, and the field says it is invalid.
  await expect(page.locator("#email-error")).toContainText(emailMessage);
  await expect(page.locator("#email")).toHaveAttribute("aria-invalid", "true");
  // Nothing was posted: the browser ran the same checks as the server.
  await expect(page).toHaveURL(/\/join$/);

  await page.keyboard.press("Tab");
  await expect(summary.getByRole("link", { name: "Enter your full name" })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page.locator("#name")).toBeFocused();
  await page.keyboard.type("Sam Jones");
});

test("the server's own checks come back as the same error summary", async ({ page }) => {
  await page.goto("/join");
  await hydrated(page);
  await fillValidForm(page, `code.${unique()}@nhs.net`);
  await page.getByLabel("Attendance code (if you have it)").fill("wrongcode99");
  await page.getByRole("button", { name: "Submit application" }).click();
  await expect(page.locator(".error-summary")).toBeFocused();
  await expect(page.locator(".error-summary")).toContainText("We do not recognise that attendance code");
  await expect(page.getByLabel("Full name")).toHaveValue("Sam Jones");
});

test("withdrawing from the status page, with a confirmation step", async ({ page, request }) => {
  const res = await request.post("/api/v1/applications", {
    data: {
      name: "Alex Withdraw",
      email: `alex.${unique()}@nhs.net`,
      job_title: "Charge nurse",
      employer: "An NHS trust",
      nurse_advocate: "yes",
      attendance_code: demo.attendanceCode,
      cohort_preferences: [],
      consent: true,
    },
  });
  expect(res.status()).toBe(201);
  const { status_token } = await res.json();
  await page.goto(`/status/${status_token}`);
  await hydrated(page);
  await page.getByRole("link", { name: "Withdraw your application" }).click();
  await expect(page.getByRole("heading", { name: "Are you sure you want to withdraw?" })).toBeVisible();
  await page.getByRole("link", { name: "No, keep my application" }).click();
  await expect(page).toHaveURL(new RegExp(`/status/${status_token}$`));
  await page.getByRole("link", { name: "Withdraw your application" }).click();
  await page.getByRole("button", { name: "Yes, withdraw my application" }).click();
  await expect(page.getByRole("heading", { name: "Application withdrawn" })).toBeVisible();
  await expect(page.locator(".summary-list")).toContainText("Withdrawn");
  await expect(page.getByRole("link", { name: "Withdraw your application" })).toHaveCount(0);
});

test("an unknown status link gets a clear not-found page", async ({ page, browserConsole }) => {
  browserConsole.allow(/status of 404/);
  const res = await page.goto(`/status/${"0".repeat(48)}`);
  expect(res?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "We could not find that application" })).toBeVisible();
});
