// The chaos run's loopback server, in a worker thread of chaos-run.mjs so that it has a core of its own
// and the 1,000 calls are slowed by their own work only. It answers each attempt as `answerFor` says and
// records every arrival; on "close" it closes every connection and the server, and sends the arrivals.
import http from "node:http";
import { parentPort, workerData } from "node:worker_threads";
import { answerFor, bodyFor, planFor } from "./chaos-plan.mjs";

const { seed } = workerData;
const arrivals = [];

const server = http.createServer((req, res) => {
  // The warm-up and the plain call after the chaos, not recorded.
  if (req.url === "/plain") {
    res.end("plain ok");
    return;
  }
  const id = Number(req.headers["x-chaos-id"]);
  const attempt = Number(req.headers["x-chaos-attempt"]);
  // Epoch milliseconds: each thread's clock has its own origin, and closeServer moves this onto its own.
  const arrival = { id, attempt, method: req.method, at: performance.timeOrigin + performance.now() };
  arrivals.push(arrival);
  // A response's timers die with it, so that a closed connection leaves nothing behind.
  const timers = new Set();
  const later = (ms, fn) => timers.add(setTimeout(fn, ms));
  res.on("close", () => {
    for (const timer of timers) clearTimeout(timer);
  });
  const chunks = [];
  req.on("data", (chunk) => chunks.push(chunk));
  req.on("error", () => {});
  req.on("end", () => {
    if (!Number.isInteger(id) || !Number.isInteger(attempt) || attempt < 1) {
      arrival.stray = true;
      res.writeHead(400).end();
      return;
    }
    if (req.method === "PUT" || req.method === "POST") {
      arrival.bodyIntact = Buffer.concat(chunks).toString("utf8") === bodyFor(id, planFor(seed, id));
    }
    const answer = answerFor(seed, id, attempt);
    arrival.answer = answer.kind;
    if (answer.kind !== "hang") later(answer.delayMs, () => respond(req, res, answer, later));
  });
});

function respond(req, res, answer, later) {
  switch (answer.kind) {
    case "reset":
      req.socket.destroy();
      return;
    case "cut":
      res.writeHead(200, { "content-length": "2000" });
      res.write("x".repeat(500));
      later(10, () => req.socket.destroy());
      return;
    case "slow":
    case "503-slow": {
      const chunk = "y".repeat(100);
      res.writeHead(answer.kind === "slow" ? 200 : 503, {
        "content-length": String(chunk.length * answer.chunks),
      });
      let left = answer.chunks;
      const trickle = () => {
        left -= 1;
        if (left === 0) {
          res.end(chunk);
        } else {
          res.write(chunk);
          later(answer.everyMs, trickle);
        }
      };
      trickle();
      return;
    }
    default: {
      const status = answer.kind.startsWith("429") ? 429 : answer.kind.startsWith("503") ? 503 : 200;
      const headers = { ...answer.headers };
      if (headers["retry-after"] === "date")
        headers["retry-after"] = new Date(Date.now() + 1000).toUTCString();
      res.writeHead(status, headers);
      res.end(status === 200 ? "ok" : "");
    }
  }
}

parentPort.on("message", (message) => {
  if (message !== "close") return;
  server.closeAllConnections();
  server.close(() => {
    parentPort.postMessage({ arrivals });
    parentPort.close();
  });
});

// A backlog above Linux's default of 511, so that a burst of connections is not left to SYN retries.
server.listen({ port: 0, host: "127.0.0.1", backlog: 4096 }, () => {
  parentPort.postMessage({ port: server.address().port });
});
