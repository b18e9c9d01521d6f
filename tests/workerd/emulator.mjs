// The emulator as a suite inside workerd sees it: the credentials, and a startEmulator that hands over
// the emulator run.mjs started in Node (a worker cannot listen). Options cannot be honoured from here: a
// suite must ask for the ones run.mjs started it with, or it is refused rather than ignored.
import { STORE_HASH } from "../emulator/credentials.mjs";

export * from "../emulator/credentials.mjs";

let current = null;

let startedWith = "{}";

/** Set by worker.mjs from the request's `url` and `options` parameters before the suite's hooks run. */
export function useEmulator(url, options) {
  current = { url, storeHash: STORE_HASH, apiBase: `${url}/stores/${STORE_HASH}`, close() {} };
  startedWith = options;
}

export async function startEmulator(options = {}) {
  if (JSON.stringify(options) !== startedWith)
    throw new Error(
      `the workerd runner started the emulator with ${startedWith}; asked for ${JSON.stringify(options)}`,
    );
  if (!current) throw new Error("no emulator: the request named no url");
  return current;
}
