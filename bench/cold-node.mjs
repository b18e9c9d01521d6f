// One cold-start sample, run in a fresh `node` process: times the import of a library and (for
// commerce-fetch) its first interpret(429), with performance.now() inside the process.
// Prints JSON: { importMs, firstCallMs, totalMs, sinceStartMs }.
//
//   node bench/cold-node.mjs commerce-fetch|ky|none
const which = process.argv[2];
const started = performance.now();
let imported = started;
if (which === "commerce-fetch") {
  const { interpret } = await import("../pkg/dist/node.js");
  imported = performance.now();
  if (interpret(429).status !== 429) throw new Error("interpret(429) gave a wrong answer");
} else if (which === "ky") {
  await import("ky");
  imported = performance.now();
}
const done = performance.now();
// performance.now() counts from the process's time origin, so `done` is also the time since start.
console.log(
  JSON.stringify({
    importMs: imported - started,
    firstCallMs: done - imported,
    totalMs: done - started,
    sinceStartMs: done,
  }),
);
