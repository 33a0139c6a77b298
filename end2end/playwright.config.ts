// Browser tests against the real release server (started by global-setup.ts) in Debian's
// Chromium. Never `npx playwright install`: the browser comes from the system.
import { defineConfig } from "@playwright/test";

const port = Number(process.env.ENROL_E2E_PORT ?? 3100);

export default defineConfig({
  testDir: "./tests",
  timeout: 30_000,
  expect: { timeout: 5_000 },
  fullyParallel: true,
  workers: 2,
  retries: 0,
  forbidOnly: true,
  globalSetup: "./global-setup.ts",
  reporter: [["list"], ["./summary-reporter.ts"]],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    browserName: "chromium",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
    trace: "retain-on-failure",
  },
  projects: [
    { name: "chromium", testIgnore: /\.(nojs|hostile)\.spec\.ts$/ },
    { name: "no-javascript", testMatch: /\.nojs\.spec\.ts$/, use: { javaScriptEnabled: false } },
    // Publishes a cohort and a session with hostile names: after the others, so none sees them.
    { name: "hostile-input", testMatch: /\.hostile\.spec\.ts$/, dependencies: ["chromium", "no-javascript"] },
  ],
});
