// The README's first example runs as written: its code block, with the package's import pointed at the
// build, against the emulator (store hash, token and API URL from the environment, as the example reads).
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { promisify } from "node:util";
import { ACCESS_TOKEN, STORE_HASH, startEmulator } from "../emulator/emulator.mjs";

const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
const entry = new URL("../../pkg/dist/node.js", import.meta.url).href;

/** The first ```js block after the "## Use" heading. */
function usageExample() {
  const use = readme.slice(readme.indexOf("\n## Use\n"));
  const match = use.match(/```js\n([\s\S]*?)```/);
  assert.ok(match, "README.md has a js block under ## Use");
  return match[1];
}

test("the README's usage example runs as written and retries a rate-limited call", async () => {
  const code = usageExample();
  assert.match(code, /from "commerce-fetch"/);
  const dir = mkdtempSync(join(tmpdir(), "readme-"));
  const file = join(dir, "example.mjs");
  writeFileSync(file, code.replace(/from "commerce-fetch"/, `from ${JSON.stringify(entry)}`));
  const store = await startEmulator();
  try {
    // One 429 with a short reset first: the example must wait it out and print the products.
    const fault = {
      method: "GET",
      path: `/stores/${STORE_HASH}/v3/catalog/products`,
      steps: [{ status: 429, headers: { "x-rate-limit-time-reset-ms": "50" } }],
    };
    const added = await fetch(`${store.url}/__control/faults`, {
      method: "POST",
      body: JSON.stringify(fault),
    });
    assert.equal(added.status, 200, await added.text());
    const { stdout } = await promisify(execFile)(process.execPath, [file], {
      env: {
        ...process.env,
        BIGCOMMERCE_STORE_HASH: STORE_HASH,
        BIGCOMMERCE_ACCESS_TOKEN: ACCESS_TOKEN,
        BIGCOMMERCE_API_URL: store.url,
      },
      timeout: 30_000,
    });
    const lines = stdout.trim().split("\n");
    assert.match(lines[0], /^retry after \d+ ms: rate_limited$/, stdout);
    assert.match(stdout, /^\[\s*'[^']+',/m, stdout);
    assert.equal(lines.at(-1), "attempts: 2", stdout);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
