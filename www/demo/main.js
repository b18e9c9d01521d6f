// The demo storefront's page: a product grid loaded through commerce-fetch's createClient from the local
// BigCommerce emulator, a control panel that scripts the emulator's faults (faults.js), the timeline of
// every call (timeline.js), the client's protection state (`client.stats()`) and what each failure means.
//
// It imports the package as the browser entry ships (pkg/src/browser.js loads the wasm from
// pkg/dist/), served as they are by serve.mjs: no bundler.

import { ACCESS_TOKEN, STORE_HASH, STOREFRONT_TOKEN } from "/emulator/credentials.mjs";
import {
  createClient,
  interpret,
  isApiError,
  isCircuitOpenError,
  isGraphQLError,
  isNetworkError,
  isPartialResult,
  isTimeoutError,
} from "/pkg/src/browser.js";
import { actions } from "./faults.js";
import { el, Timeline } from "./timeline.js";

const { emulator: emulatorUrl } = await (await fetch("config.json")).json();
document.getElementById("emulator-url").textContent = emulatorUrl;

// One client for the store, with every protection on: pacing by the rate-limit headers, the retry
// budget, the circuit breaker and BigCommerce's per-route limits. The default preset, `storefront`, is
// the one for a shopper waiting: 3 s an attempt, 6 s in all, two retries, waits of 2 s at most.
const store = createClient({
  storeHash: STORE_HASH,
  // A secret on a real store (see the note on the page): here, the local emulator's test token.
  accessToken: ACCESS_TOKEN,
  storefrontToken: STOREFRONT_TOKEN,
  baseUrl: `${emulatorUrl}/stores/${STORE_HASH}`,
  storefrontUrl: `${emulatorUrl}/graphql`,
  protect: true,
});

/** The storefront prices of the grid's products. */
const PRICES_QUERY = `query GridPrices {
  site { products(first: 12) { edges { node { entityId prices { price { value currencyCode } } } } } }
}`;

/** The emulator's control API (not BigCommerce's: plain fetch, no retries). */
const emulator = {
  async control(path, body) {
    const res = await fetch(`${emulatorUrl}/__control/${path}`, {
      method: "POST",
      body: JSON.stringify(body),
    });
    if (!res.ok)
      throw new Error(`the emulator's /__control/${path} answered ${res.status}: ${await res.text()}`);
  },
  /** Scripted answers for the next requests to `path` (under the store), one step a request. */
  fault: (path, steps) => emulator.control("faults", { path: `/stores/${STORE_HASH}${path}`, steps }),
  config: (settings) => emulator.control("config", settings),
  reset: () => emulator.control("reset", {}),
};

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The store's other apps, which share its quota: plain requests (no commerce-fetch, so not on the
 * timeline) until `leave` are left in the window. A window about to reset is waited out first, so that
 * the next calls meet the window these requests used.
 */
async function otherApps({ leave }) {
  const request = () =>
    fetch(`${emulatorUrl}/stores/${STORE_HASH}/v3/catalog/brands`, {
      headers: { "x-auth-token": ACCESS_TOKEN },
    });
  let answer = await request();
  const resetMs = Number(answer.headers.get("x-rate-limit-time-reset-ms"));
  if (resetMs < 1000) {
    await sleep(resetMs + 50);
    answer = await request();
  }
  const left = Number(answer.headers.get("x-rate-limit-requests-left"));
  await Promise.all(Array.from({ length: Math.max(0, left - leave) }, request));
}

const timeline = new Timeline(document.getElementById("timeline"));
const grid = document.getElementById("products");
const gridStatus = document.getElementById("products-status");
const actionStatus = document.getElementById("action-status");
/** The products on the grid, as the REST catalog gave them. */
let shown = [];

/**
 * One call of an action, through a client that records it on the timeline (`label`): resolves with
 * what `call(client)` gave, or with undefined when it threw. Failures and partial results are kept on
 * the group for the outcome panel.
 */
async function send(group, label, call) {
  const { options, settle } = timeline.track(group, label);
  try {
    const result = await call(store.extend(options));
    const partial = [result, result?.data].find(isPartialResult);
    if (partial) group.findings.push({ label, partial });
    // A GraphQL call resolves with its data only: the timeline shows the last attempt's status.
    settle(partial ? `${partial.status}: ${partial.failures.length} refused` : result?.status, !partial);
    return result;
  } catch (error) {
    group.findings.push({ label, error });
    settle(`failed: ${shortly(error)}`, false);
    return undefined;
  }
}

/** The grid's calls, at once: products, brands and categories from REST, prices from GraphQL. */
async function loadProducts(group) {
  const [products, brands, categories, prices] = await Promise.all([
    send(group, "GET /v3/catalog/products", (c) =>
      c.request("GET", "/v3/catalog/products", { query: { limit: 12 } }),
    ),
    send(group, "GET /v3/catalog/brands", (c) => c.request("GET", "/v3/catalog/brands")),
    send(group, "GET /v3/catalog/categories", (c) => c.request("GET", "/v3/catalog/categories")),
    send(group, "POST /graphql GridPrices", (c) => c.graphql(PRICES_QUERY)),
  ]);
  if (products === undefined) {
    gridStatus.textContent = "The products could not load (see “What the last action met”).";
    return;
  }
  shown = products.data;
  const byId = (answer) => new Map((answer?.data ?? []).map((item) => [item.id, item.name]));
  const storefront = new Map(
    (prices?.site.products.edges ?? []).map(({ node }) => [node.entityId, node.prices.price]),
  );
  renderGrid(byId(brands), byId(categories), storefront);
  const note =
    prices === undefined ? " Prices from the REST catalog: the storefront's price query failed." : "";
  gridStatus.textContent = `${shown.length} products.${note}`;
  // Loads so far, and (on <body>) whether an action runs: what tests/demo waits on.
  grid.dataset.loads = String(Number(grid.dataset.loads) + 1);
}

function renderGrid(brands, categories, storefront) {
  grid.replaceChildren(
    ...shown.map((product) => {
      const price = storefront.get(product.id) ?? { value: product.price, currencyCode: "USD" };
      const money = new Intl.NumberFormat("en-US", { style: "currency", currency: price.currencyCode });
      const kind = [categories.get(product.categories[0]), brands.get(product.brand_id)].filter(Boolean);
      const stock = product.inventory_level > 0 ? `${product.inventory_level} in stock` : "Out of stock";
      return el(
        "li",
        { class: "card" },
        el("h3", {}, product.name),
        el("p", { class: "price" }, money.format(price.value)),
        el("p", { class: "kind" }, kind.join(" · ")),
        el("p", { class: "stock" }, `${stock} · ${product.sku}`),
      );
    }),
  );
}

// ---------------------------------------------------------------------------------------------------
// What went wrong: each failure's interpretation, from the error the client threw.

function shortly(error) {
  if (isApiError(error)) return `${error.status} ${error.info.text}`;
  if (isGraphQLError(error)) return `GraphQL ${error.kind}`;
  if (isCircuitOpenError(error)) return "circuit breaker open";
  return error?.name ?? String(error);
}

function renderOutcome(group) {
  const outcome = document.getElementById("outcome");
  const retried = group.calls.filter((call) => call.steps.filter((s) => s.kind === "attempt").length > 1);
  if (group.findings.length === 0) {
    const after = retried.length > 0 ? `, ${retried.length} of them after retries` : "";
    outcome.replaceChildren(el("p", {}, `${group.title}: every call succeeded${after}.`));
    return;
  }
  // Calls that failed the same way are explained once.
  const alike = new Map();
  for (const finding of group.findings) {
    const { error, partial, label } = finding;
    const key = partial ? label : [shortly(error), error?.problem?.title, error?.reason].join("|");
    if (alike.has(key)) alike.get(key).label += `, ${label}`;
    else alike.set(key, { ...finding });
  }
  outcome.replaceChildren(...[...alike.values()].map(explain));
}

function explain({ label, error, partial }) {
  const article = el("article", { class: "finding" });
  const list = (title, items) => {
    if (items.length > 0)
      article.append(el("h4", {}, title), el("ul", {}, ...items.map((i) => el("li", {}, i))));
  };
  if (partial) {
    const info = interpret(partial.status);
    const saved = partial.counts
      ? `${partial.counts.success} of ${partial.counts.total}`
      : partial.data.length;
    article.append(
      el("h3", {}, `${label}: ${partial.status} ${info.text}`),
      el("p", {}, info.meaning),
      el("p", {}, `Saved ${saved}; the client returned a PartialResult rather than throw.`),
    );
    list("Refused", partial.failures.map(failureText));
    return article;
  }
  if (isApiError(error)) {
    article.append(el("h3", {}, `${label}: ${error.status} ${error.info.text}`));
    if (error.problem.title) article.append(el("p", {}, `The body says: ${error.problem.title}`));
    article.append(el("p", {}, error.info.meaning));
    list(
      "Field errors",
      error.fieldErrors.map(({ field, message }) => `${field}: ${message}`),
    );
    list("Refused items", (error.failures ?? []).map(failureText));
    list("Likely causes", error.info.causes);
    list("What to do", error.info.remedies);
  } else if (isGraphQLError(error)) {
    article.append(el("h3", {}, `${label}: GraphQL ${error.kind} error (HTTP ${error.status})`));
    list(
      "Errors",
      error.errors.map((e) => e.message),
    );
    if (error.complexity) {
      const { cost, limit } = error.complexity;
      article.append(
        el("p", {}, `The query costs ${cost}; the limit is ${limit}. Ask for fewer fields or items.`),
      );
    }
  } else if (isCircuitOpenError(error)) {
    const until = new Date(error.retryAt).toLocaleTimeString("en-GB");
    article.append(
      el("h3", {}, `${label}: the circuit breaker is open`),
      el("p", {}, `The store met server errors; until ${until} its calls fail at once, without a request.`),
    );
  } else {
    const what = isNetworkError(error) ? "no answer came" : isTimeoutError(error) ? "out of time" : "";
    article.append(el("h3", {}, `${label}: ${error?.name ?? "error"}${what ? ` (${what})` : ""}`));
    article.append(el("p", {}, String(error?.message ?? error)));
  }
  if (error?.attempts !== undefined && !isCircuitOpenError(error)) {
    const hint =
      error.hintMs === undefined ? "" : `; the server asked for ${error.hintMs} ms (${error.source})`;
    const stop =
      error.reason === undefined
        ? "Sent once: a retry would meet the same answer."
        : `Stopped after ${error.attempts} attempt(s): ${error.reason}${hint}.`;
    article.append(el("p", { class: "stop" }, stop));
  }
  return article;
}

const failureText = (failure) => `${failure.key}: ${failure.message}`;

// ---------------------------------------------------------------------------------------------------
// The store's protection, from client.stats().

const gauge = document.getElementById("gauge");
const gaugeText = document.getElementById("gauge-text");
const statsList = document.getElementById("stats");

function renderStats() {
  const [name, stats] = Object.entries(store.stats())[0] ?? [];
  if (stats === undefined) return;
  if (stats.pacing) {
    const { left, quota, resetInMs } = stats.pacing;
    gauge.max = quota;
    gauge.value = left;
    const reset = resetInMs > 0 ? `; the window resets in ${(resetInMs / 1000).toFixed(1)} s` : "";
    gaugeText.textContent = `${left} of ${quota} left${reset}.`;
  }
  const { budget, breaker } = stats;
  const breakerText =
    breaker === undefined
      ? "off"
      : breaker.state === "open"
        ? `open until ${new Date(breaker.until).toLocaleTimeString("en-GB")}`
        : `${breaker.state.replace("_", " ")} (${breaker.failures} failures in ${breaker.calls} calls)`;
  const rows = [
    ["Store", name],
    ["Attempts", stats.attempts],
    ["Retries", `${stats.retries} paid, ${stats.retriesRefused} refused by the budget`],
    ["Retry budget", budget ? `${budget.tokens} of ${budget.capacity} tokens` : "off"],
    ["429s", `${stats.rateLimited} with rate-limit headers, ${stats.rateLimitedWithoutHeaders} without`],
    ["Waits for a turn", `${stats.waits}, ${Math.round(stats.waitedMs)} ms in all`],
    ["Now", `${stats.queued} queued, ${stats.inFlight} in flight`],
    ["Circuit breaker", breakerText],
    ["Calls it refused", stats.circuitRejections],
  ];
  statsList.replaceChildren(
    ...rows.flatMap(([term, value]) => [el("dt", {}, term), el("dd", {}, String(value))]),
  );
}

setInterval(renderStats, 500);

// ---------------------------------------------------------------------------------------------------
// The control panel: one button per action, run one after another.

let queue = Promise.resolve();
let pending = 0;

function act(action) {
  pending += 1;
  document.body.dataset.busy = "true";
  actionStatus.textContent = `Running: ${action.label}…`;
  // An unexpected error goes to the window's error listeners (and so to window.demoErrors).
  queue = queue
    .then(() => run(action))
    .catch(reportError)
    .finally(() => {
      pending -= 1;
      if (pending === 0) document.body.dataset.busy = "false";
    });
}

async function run(action) {
  const group = timeline.begin(action.label);
  group.findings = [];
  const context = {
    emulator,
    loadProducts: () => loadProducts(group),
    send: (label, call) => send(group, label, call),
    shown: () => shown,
    otherApps,
  };
  try {
    await action.run(context);
  } catch (error) {
    // The control API failed (the emulator is gone?): say so with the rest.
    group.findings.push({ label: "The emulator's control API", error });
  }
  timeline.finish(group);
  renderOutcome(group);
  renderStats();
  const failed = group.findings.filter((finding) => finding.error).length;
  actionStatus.textContent = `${action.label}: done, ${group.calls.length} calls, ${failed} failed.`;
}

const controls = document.getElementById("controls");
for (const name of new Set(actions.map((action) => action.group))) {
  const section = el("div", { class: "control-group" }, el("h3", {}, name));
  for (const action of actions.filter((a) => a.group === name)) {
    const button = el("button", {
      type: "button",
      id: `action-${action.id}`,
      "aria-describedby": `about-${action.id}`,
    });
    button.textContent = action.label;
    button.addEventListener("click", () => act(action));
    section.append(
      el("div", { class: "control" }, button, el("p", { id: `about-${action.id}` }, action.about)),
    );
  }
  controls.append(section);
}

act({ label: "Open the page", run: ({ loadProducts }) => loadProducts() });
