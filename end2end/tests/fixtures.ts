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
