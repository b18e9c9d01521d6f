// The smoke suite's loopback test server. GET /flaky/<name> answers 503 to the first request of each
// path and 200 "ok" after that; GET /product/<name> always answers 200 with a small JSON product; every
// request is counted per path so the harness can check what a
// runtime really sent. Every answer carries CORS headers, for the browser check.
import { listen } from "../lib/listen.mjs";

const cors = {
  "access-control-allow-origin": "*",
  "access-control-allow-methods": "GET, HEAD, POST, OPTIONS",
  "access-control-allow-headers": "*",
  "access-control-expose-headers": "*",
};

export async function startServer() {
  const counts = new Map();
  const { port, close } = await listen((req, res) => {
    const path = new URL(req.url, "http://x").pathname;
    if (req.method === "OPTIONS") {
      res.writeHead(204, cors).end();
      return;
    }
    const count = (counts.get(path) ?? 0) + 1;
    counts.set(path, count);
    if (path.startsWith("/product/")) {
      res.writeHead(200, { ...cors, "content-type": "application/json" }).end('{"name":"Smoke Tee"}');
    } else if (!path.startsWith("/flaky/")) {
      res.writeHead(404, { ...cors, "content-type": "text/plain" }).end("not found");
    } else if (count === 1) {
      res.writeHead(503, { ...cors, "content-type": "text/plain" }).end("unavailable");
    } else {
      res.writeHead(200, { ...cors, "content-type": "text/plain" }).end("ok");
    }
  });
  return {
    port,
    url: (path) => `http://127.0.0.1:${port}${path}`,
    /** Requests other than CORS preflights received for `path`. */
    count: (path) => counts.get(path) ?? 0,
    close,
  };
}
