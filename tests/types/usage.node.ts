// For the setups with @types/node: the bytes come from a file, as a Buffer.
import { readFileSync } from "node:fs";
import { init, initSync } from "commerce-fetch/manual";

async function load(): Promise<void> {
  const bytes = readFileSync(new URL("./commerce_fetch_bg.wasm", import.meta.url));
  initSync(bytes);
  await init(bytes);
}

console.log(load);
