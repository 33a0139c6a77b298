// Starts the release server on a fresh demo database, waits until /healthz answers, and
// records what it printed (demo login, attendance code) for the tests. Returns the teardown.
import { spawn } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";

const root = path.resolve(__dirname, "..");
export const runDir = path.join(__dirname, ".run");

export default async function globalSetup() {
  const port = Number(process.env.ENROL_E2E_PORT ?? 3100);
  const base = `http://127.0.0.1:${port}`;
  const dbDir = path.join(root, "target", "e2e");
  rmSync(dbDir, { recursive: true, force: true });
  mkdirSync(dbDir, { recursive: true });
  mkdirSync(runDir, { recursive: true });

  const server = spawn(path.join(root, "target", "release", "server"), [], {
    cwd: root,
    env: {
      ...process.env,
      DATABASE_URL: `sqlite://${path.join(dbDir, "enrol.db")}`,
      ENROL_DEMO: "1",
      // Emails are written as files, beside the test database.
      ENROL_OUTBOX_DIR: path.join(dbDir, "outbox"),
      ENROL_PARENT_URL: "https://www.example.nhs.uk/mindfulness-based-courses",
      LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
      RUST_LOG: process.env.RUST_LOG ?? "warn",
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  let output = "";
  server.stdout.on("data", (chunk) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => server.on("exit", resolve));

  const deadline = Date.now() + 60_000;
  for (;;) {
    if (server.exitCode !== null) throw new Error(`server exited early:\n${output}`);
    try {
      const res = await fetch(`${base}/healthz`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      server.kill("SIGTERM");
      throw new Error(`server did not become healthy within 60 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }

  const code = /attendance code: (\S+)/i.exec(output)?.[1];
  const login = /login: (\S+) \/ password: (\S+)/i.exec(output);
  if (!code || !login) throw new Error(`demo details missing from the server output:\n${output}`);
  writeFileSync(
    path.join(runDir, "demo.json"),
    JSON.stringify({ base, attendanceCode: code, email: login[1], password: login[2] }, null, 2),
  );

  return async () => {
    server.kill("SIGTERM");
    await exited;
  };
}
