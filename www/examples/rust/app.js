// The page's glue: load what wasm-bindgen made (`--target web`), call the Rust functions, show what they
// return. The fetching and the retrying are in src/lib.rs.
import init, { list_products, product_details } from "./pkg/storefront_example.js";

// A storefront token is public by design (BigCommerce puts it in every storefront page); this one is the
// local emulator's (tests/emulator/credentials.mjs). A REST API access token must never be in a page.
const STOREFRONT_TOKEN = "emulator-storefront-token";
// The storefront's origin: ?store=…, else the emulator as README.md starts it.
const store = new URLSearchParams(location.search).get("store") ?? "http://127.0.0.1:8787";

const status = document.getElementById("status");
const list = document.getElementById("products");
const details = document.getElementById("details");

/** "2 attempts, retried 1 time: 429, waited 50 ms (x-rate-limit-time-reset-ms)", or "1 attempt". */
function attempts(summary) {
  const made = summary.attempts === 1 ? "1 attempt" : `${summary.attempts} attempts`;
  const count = summary.retries.length;
  if (count === 0) return made;
  const waits = summary.retries.map((r) => `${r.after}, waited ${r.waitMs} ms (${r.source})`);
  return `${made}, retried ${count} ${count === 1 ? "time" : "times"}: ${waits.join("; ")}`;
}

/** Shows `summary`'s error in `element`, or returns false when there is none. */
function showError(element, what, summary) {
  if (summary.error === null) return false;
  // Text only, never HTML: the message may quote the server.
  element.textContent = `${what}: ${summary.error.name}: ${summary.error.message} (${attempts(summary)})`;
  element.dataset.state = "failed";
  return true;
}

const price = ({ prices }) => `${prices.price.value.toFixed(2)} ${prices.price.currencyCode}`;

async function showDetails(product) {
  details.dataset.state = "loading";
  details.textContent = `Loading ${product.name}…`;
  const summary = await product_details(store, STOREFRONT_TOKEN, product.entityId);
  if (showError(details, `Could not load ${product.name}`, summary)) return;
  details.textContent = `${summary.result.name}: SKU ${summary.result.sku}, ${price(summary.result)}`;
  details.dataset.state = "done";
}

// Fetches storefront_example_bg.wasm from beside the JavaScript.
await init();
const summary = await list_products(store, STOREFRONT_TOKEN);
if (!showError(status, "Could not list the products", summary)) {
  for (const product of summary.result) {
    const item = document.createElement("li");
    item.textContent = `${product.name}, ${price(product)}`;
    const button = document.createElement("button");
    button.textContent = "Details";
    button.addEventListener("click", () => showDetails(product));
    item.append(button);
    list.append(item);
  }
  status.textContent = `${summary.result.length} products (${attempts(summary)})`;
  status.dataset.state = "done";
}
