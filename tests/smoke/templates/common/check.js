// The smoke check, the same in every stack: given the package as the stack imports it (with no init
// call), create a fetch at once and fetch a path that fails once (503) before it succeeds, then
// interpret a status. In a browser the wasm may still be on its way when the check starts: createFetch
// and its calls do not need it yet, and interpret() is called once `ready()` has resolved. Copied into
// each scratch project; the caller imports the package, so that each stack resolves it its own way.

function expect(condition, message) {
  if (!condition) throw new Error(message);
}

export async function check({ createFetch, interpret, ready, retryInfo }, url, expectedAttempts) {
  const events = [];
  const fetch = createFetch({ retry: { backoff: { baseMs: 1, maxMs: 5 } }, onRetry: (e) => events.push(e) });
  const res = await fetch(url);
  const body = await res.text();
  const attempts = retryInfo(res)?.attempts;
  expect(res.status === 200, `status ${res.status}, expected 200`);
  expect(body === "ok", `body ${JSON.stringify(body)}, expected "ok"`);
  expect(
    attempts === expectedAttempts,
    `retryInfo(res).attempts is ${attempts}, expected ${expectedAttempts}`,
  );
  expect(events.length === expectedAttempts - 1, `onRetry ran ${events.length} times`);

  await ready();
  const info = interpret(429);
  expect(info.retryable === true, `interpret(429).retryable is ${info.retryable}, expected true`);
  expect(info.text === "Too Many Requests", `interpret(429).text is ${JSON.stringify(info.text)}`);
  return { status: res.status, body, attempts, retries: events.length };
}

/** Never throws: `{ ok: true, ... }` or `{ ok: false, error }`, ready to be sent as JSON. */
export async function settle(checking) {
  try {
    return { ok: true, ...(await checking) };
  } catch (error) {
    return { ok: false, error: String(error?.stack ?? error) };
  }
}

export function runCheck(lib, url, expectedAttempts = 2) {
  return settle(check(lib, url, expectedAttempts));
}

const WASM_FILES = ["commerce_fetch_lite_bg", "commerce_fetch_extras_bg", "commerce_fetch_bg"];

/**
 * The check of a browser page that uses createFetch alone (the lib passed in has only what the page
 * imports, so that its bundler can leave the rest out): the retried answer, then
 * `{ status, attempts, wasm }`, where `wasm` names the package's .wasm files the page fetched, without
 * the hash its bundler added.
 */
export async function checkFetchAlone({ createFetch, retryInfo }, url, expectedAttempts) {
  const fetchRetrying = createFetch({ retry: { backoff: { baseMs: 1, maxMs: 5 } } });
  const res = await fetchRetrying(url);
  const body = await res.text();
  const attempts = retryInfo(res)?.attempts;
  expect(res.status === 200 && body === "ok", `status ${res.status}, body ${body}`);
  expect(
    attempts === expectedAttempts,
    `retryInfo(res).attempts is ${attempts}, expected ${expectedAttempts}`,
  );
  const wasm = performance
    .getEntriesByType("resource")
    .map((entry) => new URL(entry.name).pathname.replace(/^.*\//, ""))
    .filter((name) => name.endsWith(".wasm"))
    .map((name) => `${WASM_FILES.find((file) => name.startsWith(file)) ?? name}.wasm`);
  return { status: res.status, attempts, wasm };
}
