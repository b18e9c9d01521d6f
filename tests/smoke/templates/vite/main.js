// The page: /?url=…&expected=N runs the check; the harness reads window.smokeResult.
import { runCheck } from "./check.js";

const params = new URLSearchParams(location.search);
const result = await runCheck(params.get("url"), Number(params.get("expected")));
document.getElementById("out").textContent = JSON.stringify(result, null, 2);
window.smokeResult = result;
