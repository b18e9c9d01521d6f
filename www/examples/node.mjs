// A short tour in Node: what some statuses mean, then requests retried against a local stand-in for
// BigCommerce that rate-limits and fails on purpose. Run with `make demo`.
import http from "node:http";
import { createFetch, interpret, isNetworkError, retryInfo } from "../../pkg/src/node.js";

for (const status of [207, 429, 503, 507]) {
  const info = interpret(status);
  console.log(`${status} ${info.text} (${info.category}, ${info.retryable ? "retryable" : "final"})`);
  console.log(`    ${info.meaning}`);
  console.log(`    try: ${info.remedies[0]}`);
}

// Each path answers from its script, one step per request; the last step repeats.
const scripts = {
  "/v3/catalog/products": [
    { status: 429, headers: { "x-rate-limit-time-reset-ms": "300", "x-rate-limit-requests-left": "0" } },
    { status: 200, body: '{"data":[{"id":1,"name":"Shirt"}]}' },
  ],
  "/v3/catalog/brands": [{ status: 503 }, { status: 502 }, { status: 200, body: '{"data":[]}' }],
  "/v3/orders": [{ status: 500 }],
};
const server = http.createServer((req, res) => {
  const steps = scripts[req.url] ?? [{ status: 404 }];
  const step = steps.length > 1 ? steps.shift() : steps[0];
  res.writeHead(step.status, { "content-type": "application/json", ...step.headers });
  res.end(step.body ?? "");
});
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const base = `http://127.0.0.1:${server.address().port}`;

const fetch = createFetch({
  preset: "storefront",
  onRetry: (e) =>
    console.log(
      `    retry after attempt ${e.attempt}: ${e.status} ${e.reason}, wait ${e.delayMs} ms (${e.source})`,
    ),
});
for (const [method, path] of [
  ["GET", "/v3/catalog/products"],
  ["GET", "/v3/catalog/brands"],
  ["POST", "/v3/orders"],
]) {
  console.log(`\n${method} ${path}`);
  const res = await fetch(`${base}${path}`, { method, body: method === "POST" ? "{}" : undefined });
  const info = retryInfo(res);
  console.log(
    `    → ${res.status} after ${info?.attempts ?? 1} attempt(s)${info ? `, stopped: ${info.reason}` : ""}`,
  );
}

console.log("\nGET a closed port");
const error = await createFetch({ retry: 1 })("http://127.0.0.1:1/").catch((e) => e);
console.log(`    → ${isNetworkError(error) ? error.name : "?"}: ${error.message}`);
server.close();
