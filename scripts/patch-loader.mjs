// wasm-bindgen's initSync() compiles its argument unless `instanceof WebAssembly.Module` holds. A module
// imported in a Next.js edge route comes from another realm, fails that check, and compiling it throws
// ("Argument 0 must be a buffer source"). Recognise a module by its toStringTag as well, which crosses
// realms. Fails loudly if the generated code no longer has the line, so a CLI upgrade cannot skip it.
import { readFileSync, writeFileSync } from "node:fs";

const file = process.argv[2];
const check = "if (!(module instanceof WebAssembly.Module)) {";
const patched =
  "if (!(module instanceof WebAssembly.Module) && Object.prototype.toString.call(module) !== '[object WebAssembly.Module]') {";
const source = readFileSync(file, "utf8");
const count = source.split(check).length - 1;
if (count !== 1) {
  console.error(`patch-loader: expected the instanceof check once in ${file}, found it ${count} times`);
  process.exit(1);
}
writeFileSync(file, source.replace(check, patched));
