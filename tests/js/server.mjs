// A scripted loopback server for the JavaScript tests: each path answers from a queue of steps, and
// every request is recorded so tests can count attempts and check what the server received.
import { createHash } from "node:crypto";
import http from "node:http";

/**
 * A step is `{ status, headers, body, delayMs, hang, destroy }`: `hang` never answers, `destroy` closes
 * the connection without a response. The last step of a path repeats.
 */
export async function startServer() {
  const routes = new Map();
  const requests = [];
  const sockets = new Set();
  const server = http.createServer(async (req, res) => {
    const chunks = [];
    try {
      for await (const chunk of req) chunks.push(chunk);
    } catch {
      return; // the client gave up sending the body: no whole request arrived
    }
    const body = Buffer.concat(chunks);
    const path = new URL(req.url, "http://x").pathname;
    requests.push({
      method: req.method,
      path,
      at: performance.now(),
      headers: req.headers,
      body: body.toString("utf8"),
      bodyHash: createHash("sha256").update(body).digest("hex"),
    });
    const steps = routes.get(path) ?? [{ status: 404 }];
    const step = steps.length > 1 ? steps.shift() : steps[0];
    if (step.delayMs) await new Promise((r) => setTimeout(r, step.delayMs));
    if (step.hang) return;
    if (step.destroy) {
      req.socket.destroy();
      return;
    }
    res.writeHead(step.status ?? 200, step.headers ?? {});
    res.end(step.body ?? "");
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${server.address().port}`;
  return {
    url: (path) => `${base}${path}`,
    /** Scripts the answers for `path`. */
    route(path, ...steps) {
      routes.set(path, steps);
    },
    /** Requests received for `path`. */
    received: (path) => requests.filter((r) => r.path === path),
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** Milliseconds between consecutive requests. */
export const gaps = (received) => received.slice(1).map((r, i) => r.at - received[i].at);
