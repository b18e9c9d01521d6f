// A page bundled by a bundler that ships no assets (esbuild, bun build): the /inline entry carries the
// wasm. /?url=…&expected=N runs the check; the harness reads window.smokeResult.
import * as lib from "commerce-fetch/inline";
import { runCheck } from "./check.js";

const params = new URLSearchParams(location.search);
const result = await runCheck(lib, params.get("url"), Number(params.get("expected")));
document.getElementById("out").textContent = JSON.stringify(result, null, 2);
window.smokeResult = result;
