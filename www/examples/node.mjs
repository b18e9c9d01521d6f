// A short tour in Node: what some statuses mean, then requests retried against the local BigCommerce
// emulator, which rate-limits and fails on purpose. Run with `make demo`.

import { createServer } from "node:net";
import { createFetch, interpret, isNetworkError, retryInfo } from "../../pkg/dist/node.js";
import { startEmulator } from "../../tests/emulator/emulator.mjs";

for (const status of [207, 429, 503, 507]) {
  const info = interpret(status);
  console.log(`${status} ${info.text} (${info.category}, ${info.retryable ? "retryable" : "final"})`);
  console.log(`    ${info.meaning}`);
  console.log(`    try: ${info.remedies[0]}`);
}

const store = await startEmulator({ timeScale: 0.01 });
console.log(`\nBigCommerce emulator on ${store.url} (store ${store.storeHash})`);
const control = (path, body) =>
  fetch(`${store.url}/__control/${path}`, { method: "POST", body: JSON.stringify(body) });
const fault = (route, steps, extra) =>
  control("faults", { path: `/stores/${store.storeHash}${route}`, steps, ...extra });

await fault("/v3/catalog/products", [
  { status: 429, headers: { "x-rate-limit-time-reset-ms": "300", "x-rate-limit-requests-left": "0" } },
]);
await fault("/v3/catalog/brands", [{ status: 503 }, { status: 502, html: true }]);
await fault("/v3/catalog/categories", [{ status: 500 }], { method: "POST" });
await fault("/v3/catalog/products/101", [
  { status: 429, headers: { "x-rate-limit-time-reset-ms": "15000" } },
]);

const commerceFetch = createFetch({
  preset: "storefront",
  onRetry: (e) =>
    console.log(
      `    retry after attempt ${e.attempt}: ${e.status} ${e.reason}, wait ${e.delayMs} ms (${e.source})`,
    ),
});
const headers = { "x-auth-token": store.accessToken, "content-type": "application/json" };
for (const [method, route] of [
  ["GET", "/v3/catalog/products"],
  ["GET", "/v3/catalog/brands"],
  ["POST", "/v3/catalog/categories"],
  ["GET", "/v3/catalog/products/101"],
]) {
  console.log(`\n${method} ${route}`);
  const body = method === "POST" ? JSON.stringify({ name: "Sale" }) : undefined;
  const res = await commerceFetch(`${store.apiBase}${route}`, { method, headers, body });
  const info = retryInfo(res);
  const hint = info?.hintMs ? ` (server asked for ${info.hintMs} ms via ${info.source})` : "";
  console.log(
    `    → ${res.status} after ${info?.attempts ?? 1} attempt(s)${info ? `, stopped: ${info.reason}${hint}` : ""}`,
  );
  if (!res.ok) console.log(`    ${interpret(res.status).text}: ${interpret(res.status).remedies[0]}`);
}

// A port that was just open and is now closed: the connection is refused (fetch refuses port 1 and
// other "bad ports" outright, before any connection, as an invalid request).
const closedPort = await new Promise((resolve) => {
  const probe = createServer().listen(0, "127.0.0.1", () => {
    const { port } = probe.address();
    probe.close(() => resolve(port));
  });
});
console.log(`\nGET a closed port (${closedPort})`);
const error = await createFetch({ retry: 1 })(`http://127.0.0.1:${closedPort}/`).catch((e) => e);
console.log(`    → ${isNetworkError(error) ? error.name : "?"}: ${error.message}`);
await store.close();
