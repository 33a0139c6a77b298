// Every public page and every coordinators' page, as the server sends it, through the W3C Nu
// HTML checker (vnu-jar from npm, run with Java): no errors.
import { test, expect, demo } from "./fixtures";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const vnu = path.join(__dirname, "..", "node_modules", "vnu-jar", "build", "dist", "vnu.jar");

// What Leptos 0.8 itself writes, which the checker flags and the page cannot change: its
// `<!>` hydration markers (an HTML parser reads them as empty comments), the CSP nonce that its
// HydrationScripts also puts in the preload links' crossorigin attribute (browsers read an
// unknown value as "anonymous"), and the resolved-resources script it appends after </html>
// (browsers move it into the body). Anything else is an error of ours.
const framework = [
  /^Bogus comment\.$/,
  /^Bad value “[0-9a-f]{32}” for attribute “crossorigin” on element “link”\.$/,
  /^Stray start tag “script”\.$/,
  /^Cannot recover after last error\. Any further errors will be ignored\.$/,
];

type Message = { type: string; subType?: string; url: string; lastLine?: number; message: string; extract?: string };

test("the Nu HTML checker finds no errors on any page", async ({ playwright, baseURL }) => {
  test.setTimeout(120_000);
  const request = await playwright.request.newContext({ baseURL });
  const applied = await request.post("/api/v1/applications", {
    data: {
      name: "Valid Markup", email: `valid.${Date.now()}@nhs.net`, job_title: "Nurse", employer: "A trust",
      nurse_advocate: "yes", attendance_code: demo.attendanceCode, cohort_preferences: [], consent: true,
    },
  });
  expect(applied.status()).toBe(201);
  const { status_token: token } = await applied.json();
  const tasters = await (await request.get("/api/v1/tasters")).json();
  const tasterId = (Array.isArray(tasters) ? tasters : tasters.sessions ?? tasters.tasters)[0].id;

  const publicPages = [
    "/", "/tasters", `/tasters/${tasterId}`, "/join", "/privacy", "/status/find", `/status/${token}`,
    `/join/confirmation/${token}`, `/status/${token}/withdraw`, `/status/${token}/erase`, "/coordinator/login", "/no-such-page",
  ];
  const login = await request.post("/coordinator/login", { form: { email: demo.email, password: demo.password }, maxRedirects: 0 });
  expect(login.status()).toBe(303);
  const list = await request.get("/coordinator/applications");
  const applicationId = /\/coordinator\/applications\/(\d+)/.exec(await list.text())![1];
  const coordinatorPages = [
    "/coordinator", "/coordinator/tasters", "/coordinator/tasters/new", `/coordinator/tasters/${tasterId}`,
    `/coordinator/tasters/${tasterId}/code`, "/coordinator/cohorts", "/coordinator/cohorts/new", "/coordinator/applications",
    `/coordinator/applications/${applicationId}`, "/coordinator/attendance", "/coordinator/emails", "/coordinator/emails/new",
    "/coordinator/retention", "/coordinator/access-log", "/coordinator/accounts", "/coordinator/audit", "/coordinator/password",
  ];

  const dir = mkdtempSync(path.join(tmpdir(), "enrol-vnu-"));
  const files: Record<string, string> = {};
  for (const page of [...publicPages, ...coordinatorPages]) {
    const res = await request.get(page);
    expect([200, 404], `${page} answers`).toContain(res.status());
    const file = path.join(dir, `${Object.keys(files).length}.html`);
    writeFileSync(file, await res.text());
    files[file] = page;
  }
  // vnu writes its JSON report to standard error.
  const run = spawnSync("java", ["-jar", vnu, "--format", "json", "--exit-zero-always", ...Object.keys(files)], { encoding: "utf8" });
  expect(run.error, "the Nu HTML checker ran (Java and vnu-jar are installed)").toBeUndefined();
  const output = run.stderr;
  const messages: Message[] = JSON.parse(output).messages;
  const errors = messages
    .filter((m) => m.type === "error" || m.subType === "fatal")
    .filter((m) => !framework.some((f) => f.test(m.message)))
    .map((m) => `${files[m.url.replace(/^file:/, "")] ?? m.url}:${m.lastLine ?? "?"} ${m.message} [${(m.extract ?? "").trim().slice(0, 80)}]`);
  expect(errors, "Nu HTML checker errors").toEqual([]);
  await request.dispose();
});
