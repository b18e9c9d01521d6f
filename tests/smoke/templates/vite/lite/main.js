// A page that uses createFetch alone, built on its own (vite.lite.config.js): Vite leaves out the
// package's createClient and interpret, so the page loads commerce_fetch_lite_bg.wasm and no other wasm.
// /?url=…&expected=N fetches the path that fails once; the harness reads window.smokeResult.
import { createFetch, retryInfo } from "commerce-fetch";

const params = new URLSearchParams(location.search);
const expected = Number(params.get("expected"));

async function check() {
  const fetchRetrying = createFetch({ retry: { backoff: { baseMs: 1, maxMs: 5 } } });
  const res = await fetchRetrying(params.get("url"));
  const body = await res.text();
  const attempts = retryInfo(res)?.attempts;
  // The .wasm files the page fetched, without the hash Vite adds to their names.
  const wasm = performance
    .getEntriesByType("resource")
    .map((entry) => new URL(entry.name).pathname.replace(/^.*\//, ""))
    .filter((name) => name.endsWith(".wasm"))
    .map((name) => name.replace(/-[\w-]+\.wasm$/, ".wasm"));
  if (res.status !== 200 || body !== "ok") throw new Error(`status ${res.status}, body ${body}`);
  if (attempts !== expected) throw new Error(`retryInfo(res).attempts is ${attempts}, expected ${expected}`);
  if (wasm.join() !== "commerce_fetch_lite_bg.wasm") throw new Error(`the page fetched ${wasm.join(", ")}`);
  return { status: res.status, attempts, wasm };
}

let result;
try {
  result = { ok: true, ...(await check()) };
} catch (error) {
  result = { ok: false, error: String(error?.stack ?? error) };
}
document.getElementById("out").textContent = JSON.stringify(result, null, 2);
window.smokeResult = result;
