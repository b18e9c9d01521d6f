// Child processes for the test harnesses (smoke, faults) and benchmarks: each child gets its own process
// group, so killing the group also kills what it started (next start's workers, Xvfb, MiniBrowser,
// Firefox). A Scope holds what one run started and disposes of it on success, failure, time-out and
// Ctrl-C alike.
import { spawn } from "node:child_process";
import net from "node:net";
import { basename } from "node:path";

/** The last lines of a child's output, each cut short (a results line can be long). */
export const tail = (text, lines = 25) =>
  text
    .trimEnd()
    .split("\n")
    .slice(-lines)
    .map((l) => (l.length > 300 ? `${l.slice(0, 300)}…` : l))
    .join("\n");

const live = new Set();

export class Scope {
  children = new Set();
  closers = [];
  aborter = new AbortController();
  /** Aborted when the scope is disposed of, for work that should stop with it. */
  signal = this.aborter.signal;

  /** `verbose` streams every child's output to stderr; `cwd` is where children start by default. */
  constructor({ verbose = false, cwd } = {}) {
    this.verbose = verbose;
    this.cwd = cwd;
    live.add(this);
  }

  /** Starts `cmd` in a process group of its own; `child.output()` and `child.exited` follow it. */
  start(cmd, args, { cwd = this.cwd, env = {} } = {}) {
    const child = spawn(cmd, args, {
      cwd,
      env: { ...process.env, ...env },
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    const append = (data) => {
      output = (output + data).slice(-200_000);
      if (this.verbose) process.stderr.write(data);
    };
    child.stdout.on("data", append);
    child.stderr.on("data", append);
    child.output = () => output;
    child.exited = new Promise((resolve) => {
      child.on("error", (error) => {
        output += `\n${error.message}`;
        resolve({ code: -1, signal: null });
      });
      child.on("close", (code, signal) => resolve({ code, signal }));
    });
    child.exited.then(() => this.children.delete(child));
    this.children.add(child);
    return child;
  }

  /** Runs `cmd` to completion and returns its output; throws with its end if it fails or overruns. */
  async run(cmd, args, { timeoutMs = 600_000, ...options } = {}) {
    const child = this.start(cmd, args, options);
    const timer = setTimeout(() => killGroup(child, "SIGKILL"), timeoutMs);
    const { code, signal } = await child.exited;
    clearTimeout(timer);
    if (code !== 0) {
      const how = signal ? `killed by ${signal}` : `exit ${code}`;
      throw new Error(`\`${basename(cmd)} ${args.join(" ")}\` failed (${how})\n${tail(child.output())}`);
    }
    return child.output();
  }

  /** Registers `close` to run, last first, when the scope is disposed of. */
  defer(close) {
    this.closers.push(close);
  }

  /** The end of every live child's output, to explain a time-out. */
  outputs() {
    return [...this.children]
      .filter((c) => c.output().trim())
      .map((c) => `[${basename(c.spawnfile)}]\n${tail(c.output(), 15)}`)
      .join("\n");
  }

  async dispose() {
    this.aborter.abort();
    for (const close of this.closers.reverse()) {
      await Promise.resolve()
        .then(close)
        .catch(() => {});
    }
    this.closers = [];
    await Promise.all([...this.children].map(stop));
    live.delete(this);
  }
}

function killGroup(child, signal) {
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

/** Stops one child and its process group: SIGTERM, then SIGKILL after 3 s. */
export async function stop(child) {
  killGroup(child, "SIGTERM");
  const timer = setTimeout(() => killGroup(child, "SIGKILL"), 3000);
  await child.exited;
  clearTimeout(timer);
  killGroup(child, "SIGKILL"); // grandchildren that ignored SIGTERM
}

/**
 * On exit every live child is killed; on SIGINT, SIGTERM or SIGHUP every scope is disposed of, `onSignal`
 * runs (to stop reporting), and the process exits with 128 + the signal's number.
 */
export function stopEverythingOnExit(name, onSignal = () => {}) {
  process.on("exit", () => {
    for (const scope of live) for (const child of scope.children) killGroup(child, "SIGKILL");
  });
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
    process.on(signal, async () => {
      onSignal();
      console.error(`\n${name}: ${signal}, stopping everything`);
      await disposeAll();
      process.exit(128 + { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 }[signal]);
    });
  }
}

/** Disposes of every scope still live (after an unexpected error). */
export function disposeAll() {
  return Promise.all([...live].map((scope) => scope.dispose()));
}

/** A TCP port that is free on 127.0.0.1 right now. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Waits until `port` accepts connections; fails early if `child` exits first. */
export async function waitForPort(port, child, what, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  child.exited.then(() => {
    exited = true;
  });
  while (Date.now() < deadline) {
    if (exited) throw new Error(`${what} exited before listening on port ${port}\n${tail(child.output())}`);
    const open = await new Promise((resolve) => {
      const socket = net.connect(port, "127.0.0.1");
      socket.once("connect", () => {
        socket.destroy();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(
    `${what} did not listen on port ${port} within ${timeoutMs / 1000} s\n${tail(child.output())}`,
  );
}
