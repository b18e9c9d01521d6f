// One cold-start sample, run in a fresh `node` process: the import of a library, then its first
// response from the bench server (the same for every library, raw fetch included: most of a first
// request's cost is Node's lazy start of fetch, which every library pays), and for commerce-fetch its
// first interpret(429). Times are performance.now() inside the process.
// Prints JSON: { importMs, firstResponseMs, totalMs, interpretMs? }.
//
//   node bench/cold-node.mjs none|ky|ofetch|commerce-fetch <origin>
const [which, origin] = process.argv.slice(2);
const url = `${origin}/ok`;
const started = performance.now();
let send;
let interpretMs;
if (which === "commerce-fetch") {
  const { createFetch, interpret } = await import("../pkg/dist/node.js");
  const beforeInterpret = performance.now();
  if (interpret(429).status !== 429) throw new Error("interpret(429) gave a wrong answer");
  interpretMs = performance.now() - beforeInterpret;
  const commerceFetch = createFetch();
  send = async () => (await commerceFetch(url)).text();
} else if (which === "ky") {
  const { default: ky } = await import("ky");
  send = () => ky(url).text();
} else if (which === "ofetch") {
  const { ofetch } = await import("ofetch");
  send = () => ofetch(url, { responseType: "text" });
} else {
  send = async () => (await fetch(url)).text();
}
const imported = performance.now();
const body = await send();
if (!body.includes("Orbit Terrarium")) throw new Error(`${which}: an unexpected answer`);
const done = performance.now();
console.log(
  JSON.stringify({
    importMs: imported - started,
    firstResponseMs: done - imported,
    totalMs: done - started,
    interpretMs,
  }),
);
