// Deno driver: deno run --allow-net drivers/deno.js '<query string>' prints one FAULT_RESULTS line.
// It imports the package's Deno entry (a source-phase wasm import: no --allow-read needed), the file
// that the "deno" export condition selects for a Deno user of the npm package.
import * as lib from "../../../pkg/dist/node.js";
import { runFromParams } from "./common.js";

const results = await runFromParams(lib, new URLSearchParams(Deno.args[0]));
console.log(`FAULT_RESULTS ${JSON.stringify(results)}`);
// As in node.mjs: a request left hanging by a timed-out scenario must not keep Deno alive.
Deno.exit(0);
