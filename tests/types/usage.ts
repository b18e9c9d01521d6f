// Compiled with `tsc --noEmit --strict` against pkg/index.d.ts in every setup (tsconfig.*.json): what users
// write must type-check, and misuse must not (each @ts-expect-error fails the check if the line stops being
// an error). Only what every setup declares is used here; the usage.*.ts files hold what some setups lack.
import {
  type CommerceFetch,
  createFetch,
  type HintVisibility,
  interpret,
  isNetworkError,
  isRedirectError,
  NetworkError,
  type RedirectReason,
  type RetryEvent,
  retryInfo,
  type StatusInfo,
} from "commerce-fetch";
import { init, initSync } from "commerce-fetch/manual";

const info: StatusInfo = interpret(429);
const category: "client_error" | "success" | "informational" | "redirection" | "server_error" | "unknown" =
  info.category;
const remedies: string[] = info.remedies;

const events: RetryEvent[] = [];
const commerceFetch: CommerceFetch = createFetch({
  preset: "storefront",
  retry: {
    limit: 3,
    methods: ["GET", "PUT"],
    statusCodes: [429, 503],
    backoff: { baseMs: 100, jitter: "equal" },
  },
  timeout: 3000,
  totalTimeout: false,
  onRetry: (event) => events.push(event),
  credentialHeaders: ["X-Store-Secret"],
  bufferBody: 64 * 1024,
});

// A drop-in for globalThis.fetch, as Next.js Commerce passes it around, and the other way round.
const asGlobal: typeof fetch = commerceFetch;
const fromGlobal: CommerceFetch = fetch;

// The runtime's fetch, a wrapper of it, or another commerce-fetch underneath.
createFetch({ fetch });
createFetch({ fetch: (input, init) => fetch(input, init) });
createFetch({ fetch: fromGlobal });

async function use(): Promise<void> {
  const res = await commerceFetch("https://api.bigcommerce.com/stores/abc/v3/orders", {
    method: "POST",
    body: "{}",
    idempotent: true,
  });
  await commerceFetch(new URL("https://api.bigcommerce.com/stores/abc/v3/orders"));
  await commerceFetch(new Request("https://api.bigcommerce.com/stores/abc/v3/orders"), { method: "GET" });
  const details = retryInfo(res);
  if (details) {
    const attempts: number = details.attempts;
    const source: string | undefined = details.trace[0]?.source;
    const hidden: HintVisibility | undefined = details.trace[0]?.hints;
    console.log(attempts, source, hidden === "hidden", events[0]?.hints === "hidden");
  }
  try {
    await asGlobal("https://example.com");
  } catch (error) {
    if (isNetworkError(error)) {
      const trace = error.trace;
      console.log(error.attempts, trace.length, error.name === "NetworkError");
    }
    console.log(error instanceof NetworkError);
    if (isRedirectError(error)) {
      const reason: RedirectReason = error.reason;
      const status: number = error.status;
      console.log(reason, status, error.attempts);
    }
  }
  await init(new URL("https://cdn.example/commerce_fetch_bg.wasm"));
  initSync(new Uint8Array());
  // The second file (interpret, createClient, protect) beside the first.
  await init(
    new URL("https://cdn.example/commerce_fetch_bg.wasm"),
    new URL("https://cdn.example/commerce_fetch_extras_bg.wasm"),
  );
  initSync(new Uint8Array(), new Uint8Array());
  // @ts-expect-error at most two files
  initSync(new Uint8Array(), new Uint8Array(), new Uint8Array());
}

// @ts-expect-error timeout takes milliseconds, not a string
createFetch({ timeout: "10s" });
// @ts-expect-error unknown preset
createFetch({ preset: "fast" });
// @ts-expect-error jitter has three values
createFetch({ retry: { backoff: { jitter: "random" } } });
// @ts-expect-error credentialHeaders is a list of names
createFetch({ credentialHeaders: "X-Store-Secret" });
// @ts-expect-error the only thing said of hints is that they were hidden
const shown: RetryEvent["hints"] = "shown";
// @ts-expect-error interpret takes a number
interpret("429");

console.log(category, remedies, use, shown);
