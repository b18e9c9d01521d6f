// Cold start in Node: a fresh process per sample, interleaved between an empty script, ky's import and
// commerce-fetch's import plus first interpret(). Reports the in-process times and the whole process
// wall time as the parent sees it (spawn to exit), for the given node binary (by default the one running
// this).
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { benchDir, median } from "./lib.mjs";

export function nodeColdStart(samples, node = process.execPath) {
  const kinds = ["none", "ky", "commerce-fetch"];
  const runs = Object.fromEntries(kinds.map((kind) => [kind, []]));
  for (let i = 0; i < samples + 1; i++) {
    for (const kind of kinds) {
      const started = process.hrtime.bigint();
      const child = spawnSync(node, [join(benchDir, "cold-node.mjs"), kind], {
        encoding: "utf8",
      });
      const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
      if (child.status !== 0) throw new Error(`cold-node.mjs ${kind} failed: ${child.stderr}`);
      // The first round warms the OS file cache and is not counted.
      if (i > 0) runs[kind].push({ ...JSON.parse(child.stdout), wallMs });
    }
  }
  const summary = {};
  for (const kind of kinds) {
    const pick = (key) => median(runs[kind].map((run) => run[key]));
    summary[kind] = {
      importMs: pick("importMs"),
      firstCallMs: pick("firstCallMs"),
      totalMs: pick("totalMs"),
      wallMs: pick("wallMs"),
    };
  }
  return summary;
}
