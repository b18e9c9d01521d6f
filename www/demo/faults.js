// The control panel: what each button asks the emulator to do (its control API: scripted faults and
// settings, see tests/emulator/emulator.mjs and faults.mjs) and which calls the page then makes.
//
// `run` gets the page's helpers: `emulator.fault(path, steps)` (a path under the store, such as
// "/v3/catalog/products"), `emulator.config(settings)`, `emulator.reset()`, `loadProducts()`,
// `send(label, (client) => call)` for any other call, `shown()`, the products on the grid, and
// `otherApps({ leave })`, which uses the window's quota as the store's other apps would.

/**
 * A 429 as BigCommerce sends it when the store's window is used up: wait 800 ms for the reset. (The
 * emulator's windows last 3 s: serve.mjs.)
 */
const RATE_LIMITED = {
  status: 429,
  headers: {
    "x-rate-limit-time-reset-ms": "800",
    "x-rate-limit-requests-left": "0",
    "x-rate-limit-requests-quota": "150",
    "x-rate-limit-time-window-ms": "3000",
  },
};

/** The grid's REST calls (main.js, loadProducts). */
const GRID_PATHS = ["/v3/catalog/products", "/v3/catalog/brands", "/v3/catalog/categories"];

/**
 * The same steps for each of the grid's REST calls: a fault per path, so that each call meets its own
 * steps whatever order the calls reach the emulator in.
 */
const eachGridCall = (emulator, steps) => Promise.all(GRID_PATHS.map((path) => emulator.fault(path, steps)));

export const actions = [
  {
    id: "reload",
    group: "The grid",
    label: "Reload products",
    about: "No fault: the grid's three REST calls and its GraphQL price query.",
    run: ({ loadProducts }) => loadProducts(),
  },
  {
    id: "storm",
    group: "Rate limits",
    label: "429 storm",
    about:
      "Each of the grid's REST calls meets two 429s with X-Rate-Limit-Time-Reset-Ms: 800 and none " +
      "left: it waits for the window's reset twice, then gets its answer.",
    async run({ emulator, loadProducts }) {
      await eachGridCall(emulator, [RATE_LIMITED, RATE_LIMITED]);
      await loadProducts();
    },
  },
  {
    id: "bare-429",
    group: "Rate limits",
    label: "429s without headers",
    about:
      "Each of the grid's REST calls meets a 429 with no rate-limit headers (a platform-wide limit): " +
      "the client backs off instead, by at least half of each backoff step.",
    async run({ emulator, loadProducts }) {
      await eachGridCall(emulator, [{ status: 429 }]);
      await loadProducts();
    },
  },
  {
    id: "busy",
    group: "Rate limits",
    label: "Busy store",
    about:
      "Other apps of the store use all but 3 of the window's requests (the page sends them with plain " +
      "fetch). The grid's next load takes those 3, and its answers say none are left: the load after " +
      "it waits for the window's reset (pacing, and the queue behind it) instead of meeting 429s.",
    async run({ otherApps, loadProducts }) {
      await otherApps({ leave: 3 });
      await loadProducts();
      await loadProducts();
    },
  },
  {
    id: "500",
    group: "Server errors",
    label: "500s",
    about: "The products list answers 500 twice: the client retries after backoff waits.",
    async run({ emulator, loadProducts }) {
      await emulator.fault("/v3/catalog/products", [{ status: 500 }, { status: 500 }]);
      await loadProducts();
    },
  },
  {
    id: "maintenance",
    group: "Server errors",
    label: "Maintenance 503",
    about:
      "The store is down for maintenance for about a second: 503 with Retry-After (a date); the calls " +
      "wait until then.",
    async run({ emulator, loadProducts }) {
      await emulator.config({ maintenanceForMs: 1000 });
      await loadProducts();
    },
  },
  {
    id: "long-maintenance",
    group: "Server errors",
    label: "Long maintenance 503",
    about:
      "Down for 8 s: Retry-After asks for more than the 2 s a shopper's page may wait, so the calls stop " +
      "at once, and the client's circuit breaker opens until then: calls meanwhile (a reset of the " +
      "emulator's too) fail without a request.",
    async run({ emulator, loadProducts }) {
      await emulator.config({ maintenanceForMs: 8000 });
      await loadProducts();
    },
  },
  {
    id: "slow",
    group: "Network",
    label: "Slow response",
    about:
      "The products list answers after 4 s, past the 3 s an attempt may take: that attempt times out " +
      "and the retry gets the products.",
    async run({ emulator, loadProducts }) {
      const slow = { status: 200, delayMs: 4000, json: { data: [], meta: {} } };
      await emulator.fault("/v3/catalog/products", [slow]);
      await loadProducts();
    },
  },
  {
    id: "drop",
    group: "Network",
    label: "Dropped connections",
    about: "The products list's connection is cut twice before any answer: two network errors, retried.",
    async run({ emulator, loadProducts }) {
      const cut = { close: "before" };
      await emulator.fault("/v3/catalog/products", [cut, cut]);
      await loadProducts();
    },
  },
  {
    id: "partial",
    group: "Answers",
    label: "207 partial batch",
    about:
      "A batch price update of the first two products, the second price negative: the store saves one, " +
      "refuses the other (207), and the client returns both rather than throw.",
    async run({ send, loadProducts, shown }) {
      const [first, second] = shown();
      const prices = [
        { id: first.id, price: Math.round((first.price + 1) * 100) / 100 },
        { id: second.id, price: -1 },
      ];
      await send("PUT /v3/catalog/products", (client) =>
        client.request("PUT", "/v3/catalog/products", { json: prices }),
      );
      await loadProducts();
    },
  },
  {
    id: "invalid",
    group: "Answers",
    label: "422 field errors",
    about: "A new product with a name only: the store answers 422 and names each missing field.",
    async run({ send }) {
      await send("POST /v3/catalog/products", (client) =>
        client.request("POST", "/v3/catalog/products", { json: { name: "Demo Tee" } }),
      );
    },
  },
  {
    id: "complexity",
    group: "Answers",
    label: "GraphQL complexity",
    about:
      "The storefront's complexity limit drops to 500, under the grid's price query: GraphQL answers " +
      "with an error, never retried (the same query fails the same way). The limit is restored after.",
    async run({ emulator, loadProducts }) {
      await emulator.config({ graphqlComplexityLimit: 500 });
      try {
        await loadProducts();
      } finally {
        await emulator.config({ graphqlComplexityLimit: null });
      }
    },
  },
  {
    id: "reset",
    group: "The grid",
    label: "Reset the emulator",
    about:
      "Clears scripted faults, maintenance and the catalog's edits (prices saved by a batch), then reloads.",
    async run({ emulator, loadProducts }) {
      await emulator.reset();
      await loadProducts();
    },
  },
];
