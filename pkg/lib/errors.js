// Errors thrown by commerce-fetch. Each is a real Error subclass with a stable `name` and plain fields,
// so it survives logging, structured cloning of its fields, and checks across duplicate package copies.

/** Fields shared by every commerce-fetch error. */
class CommerceFetchError extends Error {
  constructor(message, details = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    /** Attempts made, the first included. */
    this.attempts = details.attempts ?? 0;
    /** Why the retries stopped, such as `"retry_limit"` or `"hint_exceeds_max"`. */
    this.reason = details.reason;
    /** Per attempt: the status or error, the wait chosen, its reason and source. */
    this.trace = details.trace ?? [];
    if (details.hintMs !== undefined) {
      this.hintMs = details.hintMs;
      this.source = details.source;
    }
  }
}

/** No response arrived: the connection failed on every attempt that was allowed. */
export class NetworkError extends CommerceFetchError {
  get name() {
    return "NetworkError";
  }
}

/** No response arrived within `timeout` (per attempt) or `totalTimeout` (the whole call). */
export class TimeoutError extends CommerceFetchError {
  get name() {
    return "TimeoutError";
  }
}

/** A response arrived with an error status; carries the status and its interpretation. */
export class ApiError extends CommerceFetchError {
  constructor(message, details = {}) {
    super(message, details);
    this.status = details.status;
    this.info = details.info;
  }

  get name() {
    return "ApiError";
  }
}

const guard = (name) => (error) =>
  error instanceof Error && error.name === name && Array.isArray(error.trace);

/** True for a commerce-fetch `NetworkError`, from any copy of the package. */
export const isNetworkError = guard("NetworkError");
/** True for a commerce-fetch `TimeoutError`, from any copy of the package. */
export const isTimeoutError = guard("TimeoutError");
/** True for a commerce-fetch `ApiError`, from any copy of the package. */
export const isApiError = guard("ApiError");
