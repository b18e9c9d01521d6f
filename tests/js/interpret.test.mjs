import assert from "node:assert/strict";
import { test } from "node:test";
import { interpret } from "../../pkg/dist/node.js";

const listed = [
  200, 201, 202, 204, 207, 301, 302, 304, 400, 401, 403, 404, 405, 406, 408, 409, 413, 415, 422, 429, 500,
  501, 502, 503, 504, 507,
];

test("every listed code has its own text, meaning, causes and remedies", () => {
  for (const status of listed) {
    const info = interpret(status);
    assert.equal(info.status, status);
    assert.notEqual(info.text, info.category, `${status} has a reason phrase of its own`);
    assert.ok(info.meaning.length > 20);
    assert.ok(Array.isArray(info.causes) && info.causes.length > 0);
    assert.ok(Array.isArray(info.remedies) && info.remedies.length > 0);
    assert.deepEqual(Object.keys(info), [
      "status",
      "text",
      "category",
      "meaning",
      "retryable",
      "causes",
      "remedies",
    ]);
  }
});

test("retryable is true exactly for 408, 429, 500, 502, 503 and 504", () => {
  const retryable = listed.filter((s) => interpret(s).retryable);
  assert.deepEqual(retryable, [408, 429, 500, 502, 503, 504]);
});

test("other integers are described from their class", () => {
  assert.deepEqual(
    [0, 99, 103, 226, 308, 418, 599, 600, 65535, -1, 2 ** 53].map((s) => [s, interpret(s).category]),
    [
      [0, "unknown"],
      [99, "unknown"],
      [103, "informational"],
      [226, "success"],
      [308, "redirection"],
      [418, "client_error"],
      [599, "server_error"],
      [600, "unknown"],
      [65535, "unknown"],
      [-1, "unknown"],
      [2 ** 53, "unknown"],
    ],
  );
  assert.equal(interpret(418).text, "Client Error");
});

test("a non-integer throws a TypeError and the module keeps working", () => {
  for (const bad of ["429", 1.5, Number.NaN, Number.POSITIVE_INFINITY, null, undefined, {}, [], 10n]) {
    assert.throws(() => interpret(bad), TypeError);
  }
  assert.equal(interpret(503).text, "Service Unavailable");
});
