// Firefox and WebKit driven over W3C WebDriver (plain HTTP): Playwright cannot drive Debian's firefox-esr
// or WebKitGTK, so the harnesses (the fault suite, the demo's test) talk to geckodriver and
// WebKitWebDriver themselves. Each session lives in a Scope (processes.mjs), which ends it and stops
// its driver.
import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort, waitForPort } from "./processes.mjs";

const repo = join(dirname(fileURLToPath(import.meta.url)), "../..");
const GECKODRIVER = join(process.env.CARGO_HOME ?? join(homedir(), ".cargo"), "bin/geckodriver");
const MINIBROWSER = "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser";

/** How to start each browser's driver, and the capabilities of its session. */
const DRIVERS = {
  firefox: {
    what: "geckodriver",
    cmd: GECKODRIVER,
    args: (port) => ["--host", "127.0.0.1", "--port", String(port)],
    // The capabilities the wasm-bindgen browser tests use (Firefox ESR, headless).
    capabilities: () =>
      JSON.parse(readFileSync(join(repo, "tests/webdriver/firefox/webdriver.json"), "utf8")),
  },
  // MiniBrowser has no headless mode: WebKitWebDriver runs under Xvfb.
  webkit: {
    what: "WebKitWebDriver",
    cmd: "xvfb-run",
    args: (port) => ["-a", "/usr/bin/WebKitWebDriver", `--port=${port}`],
    capabilities: () => ({ "webkitgtk:browserOptions": { binary: MINIBROWSER, args: ["--automation"] } }),
  },
};

/**
 * Starts `browser`'s WebDriver server ("firefox" or "webkit") in `scope` and opens a session:
 * `{ browser, goto(url), execute(script, ...args), screenshot() }`, where `browser` is the name and
 * version the session reports, `execute` runs `script` as a function body in the page and resolves with
 * what it returns, and `screenshot` resolves with a PNG. The scope's disposal ends the session.
 */
export async function openSession(scope, browser) {
  const { what, cmd, args, capabilities } = DRIVERS[browser];
  const port = await freePort();
  await waitForPort(port, scope.start(cmd, args(port)), what);
  const call = async (method, path, body, signal = scope.signal) => {
    const res = await fetch(`http://127.0.0.1:${port}${path}`, {
      method,
      headers: { "content-type": "application/json" },
      body: body && JSON.stringify(body),
      signal,
    });
    const { value } = await res.json();
    if (!res.ok) throw new Error(`WebDriver ${method} ${path}: ${value?.error}: ${value?.message}`);
    return value;
  };
  const session = await call("POST", "/session", { capabilities: { alwaysMatch: capabilities() } });
  const id = session.sessionId;
  scope.defer(() => call("DELETE", `/session/${id}`, undefined, AbortSignal.timeout(10_000)));
  const { browserName, browserVersion } = session.capabilities;
  return {
    browser: `${browserName} ${browserVersion}`,
    goto: (url) => call("POST", `/session/${id}/url`, { url }),
    execute: (script, ...scriptArgs) =>
      call("POST", `/session/${id}/execute/sync`, { script, args: scriptArgs }),
    screenshot: async () => Buffer.from(await call("GET", `/session/${id}/screenshot`), "base64"),
  };
}
