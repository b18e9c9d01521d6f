// Memory stays flat when every call shares one long-lived signal (a page's or a server's shutdown
// signal): Node 20's `AbortSignal.any` keeps each signal it makes alive as long as such a signal (over
// a kilobyte a call once fetch listens to it), so the package links signals itself. The heap is noisy
// by a few megabytes, so the bound is loose; the leak it guards against is forty times larger.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

test("300,000 calls under one long-lived signal keep the heap flat", () => {
  const child = fileURLToPath(new URL("./long-signal.mjs", import.meta.url));
  const out = execFileSync(process.execPath, ["--expose-gc", child, "300000"], { encoding: "utf8" });
  const { warm, end, perCall } = JSON.parse(out);
  const grew = (end - warm) / 1024 / 1024;
  assert.ok(
    perCall < 30,
    `${perCall.toFixed(1)} bytes per call (heap ${(warm / 1e6).toFixed(1)} → ${(end / 1e6).toFixed(1)} MB, +${grew.toFixed(1)} MiB)`,
  );
});
