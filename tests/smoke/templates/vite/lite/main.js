// A page that uses createFetch alone, built on its own (vite.lite.config.js): Vite leaves out the
// package's createClient and interpret, so the page loads commerce_fetch_lite_bg.wasm and no other wasm.
// /?url=…&expected=N fetches the path that fails once; the harness reads window.smokeResult.
import { createFetch, retryInfo } from "commerce-fetch";
import { checkFetchAlone, settle } from "../check.js";

const params = new URLSearchParams(location.search);

async function check() {
  const done = await checkFetchAlone(
    { createFetch, retryInfo },
    params.get("url"),
    Number(params.get("expected")),
  );
  if (done.wasm.join() !== "commerce_fetch_lite_bg.wasm")
    throw new Error(`the page fetched ${done.wasm.join(", ")}`);
  return done;
}

const result = await settle(check());
document.getElementById("out").textContent = JSON.stringify(result, null, 2);
window.smokeResult = result;
