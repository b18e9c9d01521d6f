// What every driver shares: read the emulator's details from URL search parameters (a query string in
// workerd and the browsers, a command-line argument in Node and Deno) and run the scenarios.
// Portable like scenarios.js: no runtime-specific APIs.
import { runScenarios } from "../scenarios.js";

export async function runFromParams(lib, params) {
  const emulator = {
    url: params.get("url"),
    storeHash: params.get("storeHash"),
    accessToken: params.get("accessToken"),
    storefrontToken: params.get("storefrontToken"),
  };
  // raw=1 (run.mjs sets it for FAULTS_RAW_FETCH=1): plain fetch instead of the library, to prove that
  // the scenarios detect a fetch that does not retry. Off unless asked for.
  const subject = params.get("raw") === "1" ? { ...lib, createFetch: () => fetch } : lib;
  return runScenarios(subject, emulator, { only: params.get("only") || undefined });
}
