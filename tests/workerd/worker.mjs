// The worker that runs one JS suite in workerd. run.mjs bundles it with the suite (entry.mjs imports the
// suite first, so its tests are registered), then asks GET /?url=<emulator>&options=<its options as JSON> and reads one JSON answer:
// each hook and test with its outcome and time, in declaration order.
import { useEmulator } from "./emulator.mjs";
import { registry } from "./node-test.mjs";

const TEST_LIMIT_MS = 60_000;

function describe(error) {
  if (!(error instanceof Error)) return String(error);
  const lines = [`${error.name}: ${error.message}`];
  if (error.stack) lines.push(...error.stack.split("\n").slice(1, 6));
  return lines.join("\n");
}

async function run(name, fn) {
  const started = Date.now();
  let timer;
  const limit = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still running after ${TEST_LIMIT_MS} ms`)), TEST_LIMIT_MS);
  });
  try {
    await Promise.race([fn(), limit]);
    return { name, ok: true, ms: Date.now() - started };
  } catch (error) {
    return { name, ok: false, ms: Date.now() - started, error: describe(error) };
  } finally {
    clearTimeout(timer);
  }
}

export default {
  async fetch(request) {
    const params = new URL(request.url).searchParams;
    if (!params.get("url")) return new Response("pass ?url=<emulator>&options=<JSON>", { status: 400 });
    useEmulator(params.get("url"), params.get("options") ?? "{}");
    const results = [];
    for (const hook of registry.before) results.push({ hook: "before", ...(await run("before", hook)) });
    const ready = results.every((r) => r.ok);
    for (const t of registry.tests) {
      if (t.skip || !ready) results.push({ name: t.name, ok: true, skipped: true });
      else results.push(await run(t.name, t.fn));
    }
    for (const hook of registry.after) results.push({ hook: "after", ...(await run("after", hook)) });
    return Response.json(results);
  },
};
