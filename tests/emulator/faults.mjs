// Scripted faults: per route, a sequence of steps that replace the normal answer, one step per matching
// request. When the steps run out the route answers normally again, unless the fault repeats.
//
// A step is { status, headers, json | body, html, delayMs, hang, close }:
//   hang: true              accept the request and never answer;
//   close: "before"         drop the connection without a response: a few bytes of a status line, then
//                           the cut (with no byte at all, clients take it for an idle keep-alive
//                           connection closing and silently send the request again, POSTs included);
//   close: "mid-body"       send the status, headers and half of the body, then drop the connection;
//   html: true              answer with an HTML error page, as a proxy in front of the store would;
//   headers                 sent as given, malformed values included ("NaN", "-5", "1e309").

const STEP_KEYS = new Set(["status", "headers", "json", "body", "html", "delayMs", "hang", "close"]);

export class FaultBook {
  #faults = [];

  /** Adds `{ method?, path | pathPrefix, steps, repeat? }`; returns a problem description, or null. */
  add(fault) {
    if (typeof fault.path !== "string" && typeof fault.pathPrefix !== "string")
      return "a fault needs path or pathPrefix";
    if (!Array.isArray(fault.steps) || fault.steps.length === 0)
      return "a fault needs a non-empty steps array";
    for (const step of fault.steps) {
      const unknown = Object.keys(step).filter((key) => !STEP_KEYS.has(key));
      if (unknown.length > 0) return `unknown step fields: ${unknown.join(", ")}`;
      if (!step.hang && step.close !== "before" && !Number.isInteger(step.status))
        return "a step needs a status";
      if (step.close !== undefined && step.close !== "before" && step.close !== "mid-body") {
        return 'close is "before" or "mid-body"';
      }
    }
    this.#faults.push({
      method: fault.method?.toUpperCase(),
      path: fault.path,
      prefix: fault.pathPrefix,
      steps: [...fault.steps],
      repeat: Boolean(fault.repeat),
    });
    return null;
  }

  /** The next scripted step for this request, or null to answer normally. */
  take(method, path) {
    const fault = this.#faults.find(
      (f) =>
        f.steps.length > 0 &&
        (f.method === undefined || f.method === method) &&
        (f.path === undefined || f.path === path) &&
        (f.prefix === undefined || path.startsWith(f.prefix)),
    );
    if (!fault) return null;
    return fault.repeat && fault.steps.length === 1 ? fault.steps[0] : fault.steps.shift();
  }
}

const HTML_PAGE = (status) =>
  `<!DOCTYPE html>\n<html><head><title>${status} Error</title></head>` +
  `<body><h1>${status} Error</h1><p>The upstream server did not answer in time. Please try again.</p>` +
  "<hr><address>edge-proxy</address></body></html>\n";

/** Answers `res` as the step says. */
export async function applyFault(step, res, { cors, defaultBody, onHang }) {
  if (step.delayMs) await new Promise((resolve) => setTimeout(resolve, step.delayMs));
  if (step.hang) {
    onHang(res); // cut at the next reset or when the emulator closes
    return;
  }
  if (step.close === "before") {
    const socket = res.socket;
    socket?.write("HTTP/1.1 5");
    setTimeout(() => socket?.destroy(), 10);
    return;
  }
  let payload;
  let contentType;
  if (step.html) {
    payload = HTML_PAGE(step.status);
    contentType = "text/html; charset=utf-8";
  } else if (step.body !== undefined) {
    payload = String(step.body);
    contentType = "text/plain";
  } else {
    const json = step.json ?? defaultBody(step.status).json;
    payload = JSON.stringify(json);
    contentType = "application/json";
  }
  const noBody = step.status === 204 || step.status === 304;
  const headers = { ...cors, ...(noBody ? {} : { "content-type": contentType }), ...(step.headers ?? {}) };
  if (step.close === "mid-body") {
    const bytes = Buffer.from(payload.length >= 2 ? payload : `${payload}padding`);
    // Keep-alive framing even when the emulator closes connections: with "Connection: close" WebKit
    // takes a body cut short for a complete one.
    res.shouldKeepAlive = true;
    res.writeHead(step.status, { ...headers, "content-length": String(bytes.length) });
    res.write(bytes.subarray(0, Math.floor(bytes.length / 2)));
    // Let the first half leave before the connection is cut.
    setTimeout(() => res.socket?.destroy(), 20);
    return;
  }
  res.writeHead(step.status, headers);
  res.end(noBody ? undefined : payload);
}
