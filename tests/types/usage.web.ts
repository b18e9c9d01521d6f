// For the setups that declare the web platform's names (DOM, WebWorker, Cloudflare Workers): there the types
// are exactly the platform's, and a host that loads the wasm its own way hands `commerce-fetch/manual` a
// module (as a bundler's or Workers' `.wasm` import gives it) or the bytes.
import type { CommerceFetch, CreateFetchOptions } from "commerce-fetch";
import { init, initSync } from "commerce-fetch/manual";

/** `true` only when `A` and `B` are the same type. */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

const exactInput: Equal<Parameters<CommerceFetch>[0], RequestInfo | URL> = true;
const exactOption: Equal<Parameters<NonNullable<CreateFetchOptions["fetch"]>>[0], RequestInfo | URL> = true;
const exactModule: Equal<Parameters<typeof initSync>[0], WebAssembly.Module | BufferSource> = true;

async function load(module: WebAssembly.Module, bytes: Uint8Array<ArrayBuffer>): Promise<void> {
  initSync(module);
  await init(module);
  initSync(bytes);
  initSync(bytes.buffer);
  await init(new Response(bytes, { headers: { "Content-Type": "application/wasm" } }));
}

console.log(exactInput, exactOption, exactModule, load);
