"use client";
// A Client Component page, as a storefront's cart or search box calls the API from the browser:
// /client?url=…&expected=N fetches the path that fails once with createFetch alone, and sets
// window.smokeResult for the harness, with the .wasm files the page fetched (a production build leaves
// out the package's createClient and interpret, so the page loads commerce_fetch_lite_bg.wasm alone).
import { createFetch, retryInfo } from "commerce-fetch";
import { useEffect, useState } from "react";

const FILES = ["commerce_fetch_lite_bg", "commerce_fetch_extras_bg", "commerce_fetch_bg"];

async function check() {
  const params = new URLSearchParams(location.search);
  const expected = Number(params.get("expected"));
  const fetchRetrying = createFetch({ retry: { backoff: { baseMs: 1, maxMs: 5 } } });
  const res = await fetchRetrying(params.get("url"));
  const body = await res.text();
  const attempts = retryInfo(res)?.attempts;
  if (res.status !== 200 || body !== "ok") throw new Error(`status ${res.status}, body ${body}`);
  if (attempts !== expected) throw new Error(`retryInfo(res).attempts is ${attempts}, expected ${expected}`);
  // The package's .wasm files the page fetched, by name without the hash the bundler adds.
  const wasm = performance
    .getEntriesByType("resource")
    .map((entry) => new URL(entry.name).pathname.replace(/^.*\//, ""))
    .filter((name) => name.endsWith(".wasm"))
    .map((name) => `${FILES.find((file) => name.startsWith(file)) ?? name}.wasm`);
  return { status: res.status, attempts, wasm };
}

/** The check's result, once per page load: React's Strict Mode runs an effect twice in development. */
let running;

export default function ClientPage() {
  const [result, setResult] = useState(undefined);
  useEffect(() => {
    running ??= check().then(
      (done) => ({ ok: true, ...done }),
      (error) => ({ ok: false, error: String(error?.stack ?? error) }),
    );
    running.then((done) => {
      window.smokeResult = done;
      setResult(done);
    });
  }, []);
  return <pre id="client-result">{result === undefined ? "running" : JSON.stringify(result)}</pre>;
}
