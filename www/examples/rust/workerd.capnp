# workerd's configuration for worker.mjs, with the wasm-bindgen output in pkg/ (build it first, see
# README.md). From this folder:
#
#   STORE_URL=http://127.0.0.1:8787 STOREFRONT_TOKEN=emulator-storefront-token \
#     ../../../node_modules/.bin/workerd serve workerd.capnp
#
# then `curl http://127.0.0.1:8788/products`. On Cloudflare, wrangler makes the same modules from
# worker.mjs, and STORE_URL and STOREFRONT_TOKEN are vars or secrets.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "main", worker = .worker),
    # The emulator is on loopback, which workerd's default "internet" service refuses.
    (name = "net", network = (allow = ["public", "private", "local"])),
  ],
  sockets = [(name = "http", address = "127.0.0.1:8788", http = (), service = "main")],
);

const worker :Workerd.Worker = (
  modules = [
    (name = "worker.mjs", esModule = embed "worker.mjs"),
    (name = "pkg/storefront_example.js", esModule = embed "pkg/storefront_example.js"),
    # A wasm module: importing it gives a compiled WebAssembly.Module, as on Cloudflare.
    (name = "pkg/storefront_example_bg.wasm", wasm = embed "pkg/storefront_example_bg.wasm"),
  ],
  compatibilityDate = "2026-01-01",
  bindings = [
    (name = "STORE_URL", fromEnvironment = "STORE_URL"),
    (name = "STOREFRONT_TOKEN", fromEnvironment = "STOREFRONT_TOKEN"),
  ],
  globalOutbound = "net",
);
