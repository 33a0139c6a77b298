// Page weight and compression: what a first visit to a public page downloads (HTML, CSS, JS,
// wasm; compressed as served) stays within budget, every one of them is compressed, and
// hashed assets may be kept for a year.
import { test, expect } from "./fixtures";
import type { Page } from "@playwright/test";

type Loaded = { url: string; type: string; bytes: number; encoding?: string; cache?: string };

async function firstLoad(page: Page, path: string): Promise<Loaded[]> {
  const loaded: Promise<Loaded | null>[] = [];
  page.on("requestfinished", (request) => {
    loaded.push(
      (async () => {
        const response = await request.response();
        if (!response || request.url().includes("/api/")) return null;
        const sizes = await request.sizes();
        const headers = await response.allHeaders();
        return {
          url: request.url(),
          type: request.resourceType(),
          bytes: sizes.responseBodySize,
          encoding: headers["content-encoding"],
          cache: headers["cache-control"],
        };
      })(),
    );
  });
  await page.goto(path);
  await page.waitForLoadState("networkidle");
  return (await Promise.all(loaded)).filter((l): l is Loaded => l !== null);
}

const KB = 1024;

for (const path of ["/", "/tasters", "/join"]) {
  test(`a first visit to ${path} downloads at most 300 KB, all compressed`, async ({ page }) => {
    const loaded = await firstLoad(page, path);
    const counted = loaded.filter((l) => ["document", "stylesheet", "script", "fetch"].includes(l.type) || l.url.endsWith(".wasm"));
    const total = counted.reduce((sum, l) => sum + l.bytes, 0);
    console.log(`${path}: ${counted.map((l) => `${l.url.split("/").pop() || "page"} ${(l.bytes / KB).toFixed(1)} KB`).join(", ")}; total ${(total / KB).toFixed(1)} KB`);
    expect(total).toBeLessThanOrEqual(300 * KB);
    for (const l of counted) {
      expect(["br", "gzip"], `${l.url} is compressed`).toContain(l.encoding);
    }
    for (const l of counted.filter((l) => l.url.includes("/pkg/"))) {
      expect(l.cache, `${l.url} is cached for a year`).toBe("public, max-age=31536000, immutable");
    }
  });
}

// Each page loads its own group's wasm bundle (app/src/bundles.rs), with only that group's islands.
for (const [path, bundle] of [["/", "site"], ["/tasters", "tasters"], ["/join", "join"]]) {
  test(`${path} loads the ${bundle} wasm bundle, at most 150 KB compressed`, async ({ page }) => {
    const loaded = await firstLoad(page, path);
    const wasm = loaded.filter((l) => l.url.endsWith(".wasm"));
    expect(wasm).toHaveLength(1);
    console.log(`${path} wasm: ${wasm[0].url.split("/").pop()} ${(wasm[0].bytes / KB).toFixed(1)} KB ${wasm[0].encoding}`);
    expect(wasm[0].url).toContain(`/pkg/enrol-${bundle}.`);
    expect(wasm[0].bytes).toBeLessThanOrEqual(150 * KB);
  });
}
