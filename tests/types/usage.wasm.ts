// For the setups that declare `WebAssembly` (DOM, WebWorker, Cloudflare Workers): a host that loads the wasm
// its own way hands `commerce-fetch/manual` a module (as a bundler's or Workers' `.wasm` import gives it) or
// the bytes.
import { init, initSync } from "commerce-fetch/manual";

async function load(module: WebAssembly.Module, bytes: Uint8Array<ArrayBuffer>): Promise<void> {
  initSync(module);
  await init(module);
  initSync(bytes);
  initSync(bytes.buffer);
  await init(new Response(bytes, { headers: { "Content-Type": "application/wasm" } }));
}

console.log(load);
