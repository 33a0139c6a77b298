// An applicant's own data, in the browser: the status page offers it as a download, and
// deletes it after a confirmation step; the email the application sent is on disk as a file
// until then, and gone after.
import { test, expect, demo } from "./fixtures";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

const outbox = path.join(__dirname, "..", "..", "target", "e2e", "outbox");
const emailsTo = (address: string) =>
  readdirSync(outbox).filter((f) => f.endsWith(".eml") && readFileSync(path.join(outbox, f), "utf8").includes(address));

test("an applicant downloads their data, then deletes it", async ({ page, request, browserConsole }) => {
  browserConsole.allow(/status of 404/);
  const email = `zelda.${Date.now()}@quixote.nhs.uk`;
  const res = await request.post("/api/v1/applications", {
    data: {
      name: "Zelda Quixote", email, job_title: "Matron", employer: "A trust", nurse_advocate: "yes",
      attendance_code: demo.attendanceCode, cohort_preferences: [], consent: true,
    },
  });
  expect(res.status()).toBe(201);
  const { status_token: token } = await res.json();
  // The application received email is written to the outbox folder within seconds.
  await expect.poll(() => emailsTo(email).length, { timeout: 15_000 }).toBeGreaterThan(0);

  await page.goto(`/status/${token}`);
  await expect(page.getByRole("heading", { name: "Your data" })).toBeVisible();
  const download = page.waitForEvent("download");
  await page.getByRole("link", { name: "Download my data (JSON file)" }).click();
  const file = await (await download).path();
  const data = JSON.parse(readFileSync(file, "utf8"));
  expect(data.application.data.name).toBe("Zelda Quixote");
  expect(data.emails.data.length).toBeGreaterThan(0);

  await page.getByRole("link", { name: "Delete my data" }).click();
  await expect(page.getByRole("heading", { name: "Are you sure you want us to delete your data?" })).toBeVisible();
  await page.getByRole("button", { name: "Yes, delete my data" }).click();
  await expect(page).toHaveURL(/\/status\/erased$/);
  await expect(page.getByRole("heading", { name: "Your data has been deleted" })).toBeVisible();
  expect(emailsTo(email), "the emails written as files are deleted too").toEqual([]);

  const gone = await page.goto(`/status/${token}`);
  expect(gone?.status()).toBe(404);
});

test("without JavaScript, Lost your link? answers on the page", async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto("/status/find");
  await page.getByLabel("Work email address").fill("nobody@nhs.net");
  await page.getByRole("button", { name: "Send me the link" }).click();
  await expect(page.getByRole("heading", { name: "Check your email" })).toBeVisible();
  await expect(page.getByText("If nobody@nhs.net has applied")).toBeVisible();
  await context.close();
});
