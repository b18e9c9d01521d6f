// Node and Deno: `node main.js URL EXPECTED` / `deno run --allow-net main.js URL EXPECTED`.
import * as lib from "commerce-fetch";
import { runCheck } from "./check.js";

const [url, expected] = globalThis.Deno ? globalThis.Deno.args : process.argv.slice(2);
console.log(`SMOKE_RESULT ${JSON.stringify(await runCheck(lib, url, Number(expected)))}`);
