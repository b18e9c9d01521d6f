// What every route module of the emulator answers with: v3 problem bodies, and a lenient JSON reader.

/** Where BigCommerce's v3 error bodies point their `type`. */
export const PROBLEM_TYPE = "https://developer.bigcommerce.com/api-docs/getting-started/api-status-codes";

/** A v3 error body, as BigCommerce's problem-like JSON. */
export function problem(status, title) {
  return { status, title, type: PROBLEM_TYPE, errors: {} };
}

/** The request body as JSON, or undefined when it is not JSON. */
export function parseJson(buffer) {
  try {
    return JSON.parse(buffer.toString("utf8"));
  } catch {
    return undefined;
  }
}

/** An HTTP-date one second or more after `previous`, and not before now: a write always shows as newer. */
export function nextModified(previous) {
  const now = Math.floor(Date.now() / 1000) * 1000;
  const last = Date.parse(previous ?? "");
  return new Date(Number.isNaN(last) ? now : Math.max(now, last + 1000)).toUTCString();
}
