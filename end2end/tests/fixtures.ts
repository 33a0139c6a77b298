// The `test` every spec imports: it fails a test on any browser console error, uncaught page
// error or hydration warning, and gives the demo details the server printed at start.
import { test as base, expect, type Page } from "@playwright/test";
import { readFileSync } from "node:fs";
import path from "node:path";

export type Demo = { base: string; attendanceCode: string; email: string; password: string };

export const demo: Demo = JSON.parse(readFileSync(path.join(__dirname, "..", ".run", "demo.json"), "utf8"));

/** What the browser console said; a test may allow a message it expects. */
export type BrowserConsole = { problems: string[]; allow: (pattern: RegExp) => void };

export const test = base.extend<{ browserConsole: BrowserConsole }>({
  browserConsole: [
    async ({ page }, use) => {
      const problems: string[] = [];
      const allowed: RegExp[] = [];
      page.on("console", (msg) => {
        const text = msg.text();
        if (msg.type() === "error" || /hydrat|could not find wasm function|content security policy/i.test(text)) problems.push(`${msg.type()}: ${text}`);
      });
      // A Content-Security-Policy violation fails the test even if the browser only reports it.
      await page.exposeFunction("__cspViolation", (what: string) => problems.push(`csp: ${what}`));
      await page.addInitScript(() => {
        document.addEventListener("securitypolicyviolation", (e) =>
          (window as unknown as { __cspViolation: (w: string) => void }).__cspViolation(`${e.violatedDirective} ${e.blockedURI}`),
        );
      });
      page.on("pageerror", (error) => problems.push(`pageerror: ${error.message}`));
      await use({ problems, allow: (pattern) => allowed.push(pattern) });
      const unexpected = problems.filter((p) => !allowed.some((a) => a.test(p)));
      expect(unexpected, "browser console errors or hydration warnings").toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };

/** Waits until the wasm has hydrated the page (the layout marks the header once it runs). */
export async function hydrated(page: Page) {
  await expect(page.locator("header.site-header.enhanced")).toHaveCount(1, { timeout: 15_000 });
}

/** The UK date and 24-hour time `minutesAgo` minutes before now, as the coordinators' forms want them. */
export function ukNow(minutesAgo: number) {
  const at = new Date(Date.now() - minutesAgo * 60_000);
  const parts = new Intl.DateTimeFormat("en-GB", {
    timeZone: "Europe/London", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23",
  }).formatToParts(at);
  const get = (type: string) => parts.find((p) => p.type === type)!.value;
  return { date: `${get("year")}-${get("month")}-${get("day")}`, time: `${get("hour")}:${get("minute")}` };
}

/** Signs the demo coordinator in through the sign-in page and waits for the dashboard. */
export async function signIn(page: Page) {
  await page.goto("/coordinator/login");
  await page.getByLabel("Email address").fill(demo.email);
  await page.getByLabel("Password").fill(demo.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Dashboard" })).toBeVisible();
}
