// A TypeScript project as a CommonJS Node back end has it: `module: nodenext` without "type": "module",
// lib ES2022 without the DOM, @types/node, strict, no skipLibCheck. tsc turns the import into require().
// `node out/main.js URL EXPECTED`.

import type { RetryDetails } from "commerce-fetch";
import * as lib from "commerce-fetch";

async function main(): Promise<void> {
  const [url, expected] = process.argv.slice(2);
  // The check shared with the other stacks, an ES module (typed by check.d.mts).
  const { runCheck } = await import("./check.mjs");
  const result = await runCheck(lib, url, Number(expected));
  const fetch: typeof globalThis.fetch = lib.createFetch();
  const details: RetryDetails | undefined = lib.retryInfo(new Response("ok"));
  console.log(`SMOKE_RESULT ${JSON.stringify({ ...result, typed: typeof fetch, details })}`);
}

void main();
