// The coordinators' journey: sign in, add a taster session, show its code, an applicant in
// another browser uses the code and gets a place, the dashboard shows it live, export as CSV.
import { test, expect, hydrated, demo, ukNow } from "./fixtures";
import { readFileSync } from "node:fs";

test("a coordinator runs a taster session and watches an application arrive", async ({ browser, baseURL }) => {
  const coordinatorContext = await browser.newContext({ baseURL });
  const page = await coordinatorContext.newPage();
  const problems: string[] = [];
  page.on("console", (m) => m.type() === "error" && !/status of 40[134]/.test(m.text()) && problems.push(m.text()));

  // Sign in (anonymous visitors are sent to the sign-in page).
  await page.goto("/coordinator");
  await expect(page).toHaveURL(/\/coordinator\/login\?next=/);
  await page.getByLabel("Email address").fill(demo.email);
  await page.getByLabel("Password").fill(demo.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Dashboard" })).toBeVisible();

  // Add a taster session that started five minutes ago, so its code works now.
  await page.getByRole("navigation", { name: "Coordinators" }).getByRole("link", { name: "Taster sessions" }).click();
  await page.getByRole("link", { name: "Add a taster session" }).click();
  const start = ukNow(5);
  await page.getByLabel("Date").fill(start.date);
  await page.getByLabel("Start time (UK time)").fill(start.time);
  await page.getByLabel("Length in minutes").fill("60");
  await page.getByLabel("Zoom link").fill("https://zoom.us/j/55566677788");
  await page.getByLabel("Meeting ID").fill("555 6667 7788");
  await page.getByLabel("Passcode").fill("424242");
  await page.getByRole("button", { name: "Add the session" }).click();
  await expect(page.getByText("Taster session added")).toBeVisible();
  const code = (await page.locator(".code-panel__code").textContent())!.trim();
  expect(code).toMatch(/^[a-z]+(-[a-z]+){3}$/);

  // Show the code large for the Zoom screen.
  await page.getByRole("link", { name: "Show the code on screen" }).click();
  await expect(page.locator(".code-screen__code")).toHaveText(code);

  // Watch the dashboard.
  await page.goto("/coordinator");
  await hydrated(page);

  // An applicant, in another browser, applies with the code.
  const applicantContext = await browser.newContext({ baseURL });
  const applicant = await applicantContext.newPage();
  const name = `Dana Dashboard ${Date.now() % 100000}`;
  const email = `dana.${Date.now()}@nhs.net`;
  await applicant.goto("/join");
  await applicant.getByLabel("Full name").fill(name);
  await applicant.getByLabel("Work email address").fill(email);
  await applicant.getByLabel("Job title").fill("Sister");
  await applicant.getByLabel("Employer").fill("A trust");
  await applicant.getByLabel("Yes, I am a nurse advocate").check();
  await applicant.getByLabel("Attendance code (if you have it)").fill(code);
  await applicant.getByLabel("Any of them").check();
  await applicant.getByLabel(/I have read the/).check();
  await applicant.getByRole("button", { name: "Submit application" }).click();
  await expect(applicant.getByRole("heading", { name: "Application received" })).toBeVisible();
  await expect(applicant.locator(".lead")).toContainText(/You have a place on|waiting list/);

  // The dashboard shows the new application without a reload.
  await expect(page.locator(".recent-list")).toContainText(name, { timeout: 5_000 });

  // Export the applications as CSV.
  await page.goto(`/coordinator/applications?q=${encodeURIComponent(email)}`);
  await expect(page.getByRole("status").filter({ hasText: "1 application" })).toBeVisible();
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: "Download these as a spreadsheet (CSV)" }).click(),
  ]);
  const csv = readFileSync((await download.path())!, "utf8");
  // A byte-order mark first, so Excel reads the file as UTF-8.
  expect(csv.charCodeAt(0)).toBe(0xfeff);
  expect(csv.slice(1).split("\r\n")[0]).toMatch(/^Reference,Name,Work email,Job title,Employer,Nurse advocate,Access needs,/);
  expect(csv).toContain(email);

  // Sign out.
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByText("You have signed out.")).toBeVisible();
  expect(problems).toEqual([]);
  await coordinatorContext.close();
  await applicantContext.close();
});

test("the coordinators' table turns into cards on a phone", async ({ page }) => {
  await page.setViewportSize({ width: 375, height: 800 });
  await page.goto("/coordinator/login");
  await page.getByLabel("Email address").fill(demo.email);
  await page.getByLabel("Password").fill(demo.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.goto("/coordinator/applications");
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
});
