// Browser driver (Chromium, Firefox, WebKit), bundled by run.mjs with the browser condition: runs the
// scenarios with the emulator's details from the page's query string, then exposes the results as
// window.__faultResults and in <pre id="fault-results" data-done>. Load errors are caught by index.html.
import * as lib from "commerce-fetch";
import { runFromParams } from "./common.js";

const marker = document.getElementById("fault-results");
marker.textContent = "running";
runFromParams(lib, new URLSearchParams(location.search)).then(
  (results) => {
    window.__faultResults = results;
    marker.textContent = JSON.stringify(results);
    marker.dataset.done = "results";
  },
  (error) => {
    window.__faultError = `runScenarios threw: ${error?.stack ?? error}`;
    marker.dataset.done = "error";
  },
);
