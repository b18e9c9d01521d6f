// The loopback server for the benchmarks, run in its own process so that it never competes with the
// client in one event loop. Prints `listening <port>` on stdout once ready.
//
//   GET /ok            200 with a small JSON body (the success path)
//   GET /slow?ms=N     the same after N ms (a server with latency)
//   GET /flaky         503 or 200, half and half, from a seeded generator (the failure path)
//   GET /reset?seed=N  reseeds /flaky and zeroes the counters
//   GET /stats         { ok, flaky, flaky503 }: requests seen since the last reset
import { createServer } from "node:http";
import { seededRandom } from "../tests/emulator/catalog.mjs";

const body = JSON.stringify({
  data: { id: 111, name: "Orbit Terrarium - Large", price: 109, inventory_level: 12, is_visible: true },
  meta: {},
});
const okHeaders = {
  "content-type": "application/json",
  "content-length": Buffer.byteLength(body),
};
const failBody = JSON.stringify({ status: 503, title: "Service Unavailable" });
const failHeaders = {
  "content-type": "application/json",
  "content-length": Buffer.byteLength(failBody),
};

let random = seededRandom(1);
const counts = { ok: 0, flaky: 0, flaky503: 0 };

const server = createServer({ keepAlive: true }, (req, res) => {
  const path = req.url.split("?", 1)[0];
  if (path === "/ok") {
    counts.ok++;
    res.writeHead(200, okHeaders);
    res.end(body);
  } else if (path === "/slow") {
    counts.ok++;
    const ms = Number(new URL(req.url, "http://x").searchParams.get("ms") ?? 20);
    setTimeout(() => {
      res.writeHead(200, okHeaders);
      res.end(body);
    }, ms);
  } else if (path === "/flaky") {
    counts.flaky++;
    if (random() < 0.5) {
      counts.flaky503++;
      res.writeHead(503, failHeaders);
      res.end(failBody);
    } else {
      res.writeHead(200, okHeaders);
      res.end(body);
    }
  } else if (path === "/reset") {
    const seed = Number(new URL(req.url, "http://x").searchParams.get("seed") ?? 1);
    random = seededRandom(seed);
    counts.ok = counts.flaky = counts.flaky503 = 0;
    res.end("{}");
  } else if (path === "/stats") {
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify(counts));
  } else {
    res.writeHead(404);
    res.end();
  }
});
// Longer than the clients' idle timeout, so the server never closes a connection in the middle of a run.
server.keepAliveTimeout = 65_000;
server.headersTimeout = 66_000;
server.maxRequestsPerSocket = 0;
server.listen(0, "127.0.0.1", () => {
  console.log(`listening ${server.address().port}`);
});
process.on("SIGTERM", () => process.exit(0));
