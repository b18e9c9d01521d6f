// Redirects: followed by the package where Node shows them, with credentials kept from other origins,
// no https→http downgrade, and never a write sent twice. Two real loopback servers are two origins.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { createFetch, isRedirectError, RedirectError, retryInfo } from "../../pkg/dist/node.js";
import { startServer } from "./server.mjs";

let home;
let elsewhere;
before(async () => {
  home = await startServer();
  elsewhere = await startServer();
});
after(async () => {
  await home.close();
  await elsewhere.close();
});

const quick = { backoff: { baseMs: 1, maxMs: 2 } };
const credentials = {
  "X-Auth-Token": "TOKEN-SECRET",
  "X-Auth-Client": "CLIENT-ID",
  Authorization: "Bearer BEARER-SECRET",
  Cookie: "session=COOKIE-SECRET",
  "X-Store-Secret": "STORE-SECRET",
  Accept: "application/json",
};
const secrets = ["TOKEN-SECRET", "CLIENT-ID", "BEARER-SECRET", "COOKIE-SECRET", "STORE-SECRET"];

/** Every header value a server received for `path`, joined. */
const seen = (server, path) =>
  server
    .received(path)
    .map((r) => JSON.stringify(r.headers))
    .join("\n");

test("a cross-origin redirect carries no credential header, on any attempt", async () => {
  home.route("/moved", { status: 302, headers: { location: elsewhere.url("/landed") } });
  elsewhere.route("/landed", { status: 503 });
  const res = await createFetch({ retry: quick, credentialHeaders: ["x-store-secret"] })(home.url("/moved"), {
    headers: credentials,
  });
  assert.equal(res.status, 503);
  assert.equal(res.redirected, true);
  assert.equal(retryInfo(res).attempts, 3, "503s at the destination are retried through the redirect");
  assert.equal(elsewhere.received("/landed").length, 3);
  const there = seen(elsewhere, "/landed");
  for (const secret of secrets) assert.ok(!there.includes(secret), `${secret} reached the other origin`);
  assert.match(there, /application\/json/, "headers that are not credentials go along");
  assert.match(seen(home, "/moved"), /TOKEN-SECRET/, "the origin that was asked still gets the token");
});

test("a same-origin redirect keeps the credentials", async () => {
  home.route("/old", { status: 301, headers: { location: "/new" } });
  home.route("/new", { status: 200, body: "here" });
  const res = await createFetch()(home.url("/old"), { headers: { "X-Auth-Token": "TOKEN-SECRET" } });
  assert.equal(await res.text(), "here");
  assert.equal(res.redirected, true);
  assert.equal(home.received("/new")[0].headers["x-auth-token"], "TOKEN-SECRET");
});

test("a redirect from https to http is refused with a RedirectError naming no URL", async () => {
  const sent = [];
  const fake = async (input) => {
    sent.push(String(input));
    return new Response(null, { status: 302, headers: { location: "http://api.example.com/plain?x=1" } });
  };
  const error = await createFetch({ fetch: fake })(
    "https://api.example.com/stores/abc/v3/orders?token=SECRET",
    {
      headers: { "X-Auth-Token": "TOKEN-SECRET" },
    },
  ).catch((e) => e);
  assert.ok(error instanceof RedirectError && isRedirectError(error), String(error));
  assert.equal(error.reason, "insecure_redirect");
  assert.equal(error.status, 302);
  assert.equal(error.attempts, 1);
  assert.match(error.message, /^GET was redirected \(302\) and the redirect was not followed: /);
  assert.ok(!/example|SECRET|token/i.test(error.message), error.message);
  assert.deepEqual(
    sent,
    ["https://api.example.com/stores/abc/v3/orders?token=SECRET"],
    "nothing sent over http",
  );
});

test("a POST redirected by 303 becomes one GET without the body, and nothing is sent twice", async () => {
  home.route("/orders", { status: 303, headers: { location: elsewhere.url("/orders/7") } });
  elsewhere.route("/orders/7", { status: 503 });
  const res = await createFetch({ retry: quick })(home.url("/orders"), {
    method: "POST",
    body: JSON.stringify({ sku: "A" }),
    headers: { "content-type": "application/json", "X-Auth-Token": "TOKEN-SECRET" },
  });
  assert.equal(res.status, 503);
  assert.equal(retryInfo(res).reason, "unsafe_method", "the POST's retry rules still apply");
  assert.equal(home.received("/orders").length, 1, "the write reached the server once");
  const [landed] = elsewhere.received("/orders/7");
  assert.equal(elsewhere.received("/orders/7").length, 1);
  assert.equal(landed.method, "GET");
  assert.equal(landed.body, "");
  assert.equal(landed.headers["content-type"], undefined);
  assert.equal(landed.headers["x-auth-token"], undefined);
});

test("a 307 sends the same method and body on, once", async () => {
  home.route("/put", { status: 307, headers: { location: "/put-here" } });
  home.route("/put-here", { status: 200 });
  const res = await createFetch()(home.url("/put"), { method: "PUT", body: "price=10" });
  assert.equal(res.status, 200);
  assert.deepEqual(
    home.received("/put-here").map((r) => [r.method, r.body]),
    [["PUT", "price=10"]],
  );
});

test("a 307 cannot send a stream body again: RedirectError, the stream sent once", async () => {
  home.route("/stream", { status: 307, headers: { location: "/stream-here" } });
  const body = new ReadableStream({
    start(controller) {
      controller.enqueue(new TextEncoder().encode("streamed"));
      controller.close();
    },
  });
  const error = await createFetch()(home.url("/stream"), { method: "PUT", body, duplex: "half" }).catch(
    (e) => e,
  );
  assert.ok(isRedirectError(error), String(error));
  assert.equal(error.reason, "body_not_replayable");
  assert.equal(home.received("/stream").length, 1);
  assert.equal(home.received("/stream-here").length, 0);
});

test("a redirect loop stops after 20 redirects", async () => {
  home.route("/loop", { status: 302, headers: { location: "/loop" } });
  const error = await createFetch()(home.url("/loop")).catch((e) => e);
  assert.ok(isRedirectError(error), String(error));
  assert.equal(error.reason, "too_many_redirects");
  assert.equal(home.received("/loop").length, 21);
});

test("a Location that is not http(s) is refused", async () => {
  home.route("/weird", { status: 302, headers: { location: "ftp://files.example.com/x" } });
  const error = await createFetch()(home.url("/weird")).catch((e) => e);
  assert.equal(error.reason, "unsupported_scheme");
});

test("a redirect without a Location is returned as it is", async () => {
  home.route("/nowhere", { status: 302 });
  const res = await createFetch()(home.url("/nowhere"));
  assert.equal(res.status, 302);
  assert.equal(res.redirected, false);
});

test("redirect: manual leaves the redirect to the caller", async () => {
  home.route("/manual", { status: 302, headers: { location: elsewhere.url("/m") } });
  const res = await createFetch()(home.url("/manual"), { redirect: "manual" });
  assert.equal(res.status, 302);
  assert.equal(res.headers.get("location"), elsewhere.url("/m"));
  assert.equal(elsewhere.received("/m").length, 0);
});

test("a Request input is redirected with its own headers and body, credentials dropped across origins", async () => {
  home.route("/req", { status: 308, headers: { location: elsewhere.url("/req-landed") } });
  elsewhere.route("/req-landed", { status: 200 });
  const request = new Request(home.url("/req"), {
    method: "PUT",
    body: "from a Request",
    headers: { "X-Auth-Token": "TOKEN-SECRET", "X-Trace": "t1" },
  });
  const res = await createFetch()(request);
  assert.equal(res.status, 200);
  const [landed] = elsewhere.received("/req-landed");
  assert.equal(landed.method, "PUT");
  assert.equal(landed.body, "from a Request");
  assert.equal(landed.headers["x-auth-token"], undefined);
  assert.equal(landed.headers["x-trace"], "t1");
});
