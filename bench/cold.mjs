// Cold start in Node: a fresh process per sample, interleaved between raw fetch, ky, ofetch and
// commerce-fetch: each imports its library and gets its first response from the bench server (its own
// process). Reports the in-process times and the whole process wall time as the parent sees it (spawn
// to exit), for the given node binary (by default the one running this).
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { benchDir, median, startServer } from "./lib.mjs";

export const COLD_KINDS = ["none", "ky", "ofetch", "commerce-fetch"];

export async function nodeColdStart(samples, node = process.execPath) {
  const server = await startServer();
  const runs = Object.fromEntries(COLD_KINDS.map((kind) => [kind, []]));
  try {
    for (let i = 0; i < samples + 1; i++) {
      for (const kind of COLD_KINDS) {
        const started = process.hrtime.bigint();
        const child = spawnSync(node, [join(benchDir, "cold-node.mjs"), kind, server.origin], {
          encoding: "utf8",
        });
        const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
        if (child.status !== 0) throw new Error(`cold-node.mjs ${kind} failed: ${child.stderr}`);
        // The first round warms the OS file cache and is not counted.
        if (i > 0) runs[kind].push({ ...JSON.parse(child.stdout), wallMs });
      }
    }
  } finally {
    await server.stop();
  }
  const summary = {};
  for (const kind of COLD_KINDS) {
    const pick = (key) => median(runs[kind].map((run) => run[key] ?? 0));
    summary[kind] = {
      importMs: pick("importMs"),
      firstResponseMs: pick("firstResponseMs"),
      totalMs: pick("totalMs"),
      interpretMs: pick("interpretMs"),
      wallMs: pick("wallMs"),
      // Per sample, beside raw fetch's sample of the same round.
      totalOverFetch: runs[kind].map((run, round) => run.totalMs - runs.none[round].totalMs),
    };
  }
  return summary;
}
