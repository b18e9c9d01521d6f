// Request bodies are sent again, byte for byte, on every attempt; a stream is sent once.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { createFetch, retryInfo } from "../../pkg/dist/node.js";
import { startServer } from "./server.mjs";

let server;
before(async () => {
  server = await startServer();
});
after(() => server.close());

const quick = { backoff: { baseMs: 1, maxMs: 4 } };

/** Multipart bodies differ only in their random boundary; compare them without it. */
const withoutBoundary = (r) => r.body.replaceAll(/-{2,}[-\w]*\d[-\w]*/g, "--boundary");

async function putTwice(path, body, extra = {}) {
  server.route(path, { status: 503 }, { status: 200 });
  const res = await createFetch({ retry: quick })(server.url(path), { method: "PUT", body, ...extra });
  assert.equal(res.status, 200);
  const received = server.received(path);
  assert.equal(received.length, 2, `${path}: two attempts`);
  if (body instanceof FormData) {
    assert.equal(withoutBoundary(received[0]), withoutBoundary(received[1]), `${path}: same form both times`);
  } else {
    assert.equal(received[0].bodyHash, received[1].bodyHash, `${path}: same body both times`);
  }
  return received;
}

test("a string body is replayed on a PUT retry", async () => {
  const [first] = await putTwice("/string", "plain text");
  assert.equal(first.body, "plain text");
});

test("a JSON body is replayed on a PUT retry", async () => {
  const [, second] = await putTwice("/json", JSON.stringify({ name: "Shirt", price: 10 }), {
    headers: { "content-type": "application/json" },
  });
  assert.deepEqual(JSON.parse(second.body), { name: "Shirt", price: 10 });
  assert.equal(second.headers["content-type"], "application/json");
});

test("a Uint8Array body is replayed on a PUT retry", async () => {
  const [first] = await putTwice("/bytes", new Uint8Array([0, 1, 2, 250, 255]));
  assert.equal(first.headers["content-length"], "5");
});

test("a FormData body is replayed on a PUT retry", async () => {
  const form = new FormData();
  form.append("name", "Shirt");
  form.append("file", new Blob(["abc"]), "a.txt");
  const [, second] = await putTwice("/form", form);
  assert.match(second.body, /name="name"\r\n\r\nShirt/);
  assert.match(second.body, /filename="a.txt"/);
});

test("a Request with a body is replayed on retry", async () => {
  server.route("/request", { status: 502 }, { status: 200 });
  const request = new Request(server.url("/request"), { method: "PUT", body: "from a Request" });
  const res = await createFetch({ retry: quick })(request);
  assert.equal(res.status, 200);
  assert.deepEqual(
    server.received("/request").map((r) => r.body),
    ["from a Request", "from a Request"],
  );
});

test("a stream body is sent once and not retried", async () => {
  server.route("/stream", { status: 503 }, { status: 200 });
  const stream = new ReadableStream({
    start(controller) {
      controller.enqueue(new TextEncoder().encode("streamed"));
      controller.close();
    },
  });
  const res = await createFetch({ retry: quick })(server.url("/stream"), {
    method: "PUT",
    body: stream,
    duplex: "half",
  });
  assert.equal(res.status, 503);
  assert.equal(server.received("/stream").length, 1);
  assert.equal(server.received("/stream")[0].body, "streamed");
  assert.equal(retryInfo(res).reason, "body_not_replayable");
});

async function* chunks(...parts) {
  for (const part of parts) yield new TextEncoder().encode(part);
}

test("an async-iterable body is sent once, whole, and not retried", async () => {
  server.route("/iterable", { status: 503 }, { status: 200 });
  const res = await createFetch({ retry: quick })(server.url("/iterable"), {
    method: "PUT",
    body: chunks('{"price":', "10}"),
    duplex: "half",
  });
  assert.equal(res.status, 503, "the caller sees the 503, not a 200 for an empty body");
  assert.deepEqual(
    server.received("/iterable").map((r) => r.body),
    ['{"price":10}'],
  );
  assert.equal(retryInfo(res).reason, "body_not_replayable");
});

test("a Node Readable body is sent once, whole, and not retried", async () => {
  const { Readable } = await import("node:stream");
  server.route("/readable", { status: 503 }, { status: 200 });
  const res = await createFetch({ retry: quick })(server.url("/readable"), {
    method: "PUT",
    body: Readable.from([Buffer.from('{"price":'), Buffer.from("10}")]),
    duplex: "half",
  });
  assert.equal(res.status, 503);
  assert.deepEqual(
    server.received("/readable").map((r) => r.body),
    ['{"price":10}'],
  );
  assert.equal(retryInfo(res).reason, "body_not_replayable");
});

test("a body stream that fails is the runtime's error, not a NetworkError, and is not retried", async () => {
  const { Readable } = await import("node:stream");
  server.route("/failing-body", { status: 200 });
  class BodyBug extends Error {}
  const body = new Readable({
    read() {
      this.push(Buffer.from("part"));
      this.destroy(new BodyBug("disk read failed"));
    },
  });
  const error = await createFetch({ retry: quick })(server.url("/failing-body"), {
    method: "PUT",
    body,
    duplex: "half",
  }).catch((e) => e);
  assert.equal(error?.name, "TypeError", String(error));
  assert.ok(error.cause instanceof BodyBug, "the stream's own error is the cause, as fetch gave it");
  assert.ok(server.received("/failing-body").length <= 1);
});

test("with bufferBody, a small async-iterable body is read first and sent again byte for byte", async () => {
  server.route("/buffered", { status: 503 }, { status: 200 });
  const res = await createFetch({ retry: quick, bufferBody: 1024 })(server.url("/buffered"), {
    method: "PUT",
    body: chunks('{"price":', "10}"),
    duplex: "half",
  });
  assert.equal(res.status, 200);
  assert.deepEqual(
    server.received("/buffered").map((r) => r.body),
    ['{"price":10}', '{"price":10}'],
  );
});

test("with bufferBody, a body over the limit is still sent once, whole", async () => {
  server.route("/too-big", { status: 503 }, { status: 200 });
  const res = await createFetch({ retry: quick, bufferBody: 8 })(server.url("/too-big"), {
    method: "PUT",
    body: chunks("0123456", "789abcdef", "ghij"),
    duplex: "half",
  });
  assert.equal(res.status, 503);
  assert.deepEqual(
    server.received("/too-big").map((r) => r.body),
    ["0123456789abcdefghij"],
  );
  assert.equal(retryInfo(res).reason, "body_not_replayable");
});

test("bufferBody must be a whole number of bytes up to 64 MiB", () => {
  for (const bad of [-1, 1.5, 2 ** 40, "1kb"]) {
    assert.throws(() => createFetch({ bufferBody: bad }), /option `bufferBody` must be/);
  }
});

test("with bufferBody, a body that stalls is not waited for past the attempt's time limit: sent once as it comes", async () => {
  server.route("/stalls", { status: 503 }, { status: 200 });
  async function* stalling() {
    yield new TextEncoder().encode("first ");
    await new Promise((resolve) => setTimeout(resolve, 300));
    yield new TextEncoder().encode("second");
  }
  const started = performance.now();
  const res = await createFetch({ retry: quick, bufferBody: 1024, timeout: 100, totalTimeout: 2000 })(
    server.url("/stalls"),
    { method: "PUT", body: stalling(), duplex: "half" },
  ).catch((e) => e);
  assert.ok(performance.now() - started < 1500);
  // Buffering gave up after 100 ms; the attempt then timed out on the stalled stream, and a stream
  // cannot be sent again.
  assert.equal(res?.name, "TimeoutError", String(res));
  assert.equal(res.reason, "body_not_replayable");
  assert.equal(res.attempts, 1);
  assert.ok(server.received("/stalls").length <= 1);
});
