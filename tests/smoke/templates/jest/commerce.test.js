// Jest, which loads packages through require() in its own module system (an ES module check cannot be
// imported there without flags): SMOKE_URL fails once (503), then answers "ok".
const { createFetch, interpret, retryInfo } = require("commerce-fetch");

test("require('commerce-fetch') in Jest: interpret, and a retried fetch", async () => {
  expect(require.resolve("commerce-fetch")).toMatch(/\.cjs$/);
  expect(interpret(429).retryable).toBe(true);
  const events = [];
  const fetch = createFetch({ retry: { backoff: { baseMs: 1, maxMs: 5 } }, onRetry: (e) => events.push(e) });
  const res = await fetch(process.env.SMOKE_URL);
  expect(res.status).toBe(200);
  expect(await res.text()).toBe("ok");
  expect(retryInfo(res)?.attempts).toBe(Number(process.env.SMOKE_EXPECTED));
  expect(events).toHaveLength(Number(process.env.SMOKE_EXPECTED) - 1);
});
