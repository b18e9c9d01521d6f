// Four changes to the bindings wasm-bindgen generates, each checked so that a CLI upgrade that moves the
// code fails the build instead of skipping the change:
//
// 1. initSync() compiles its argument unless `instanceof WebAssembly.Module` holds. A module imported in
//    a Next.js edge route comes from another realm, fails that check, and compiling it throws
//    ("Argument 0 must be a buffer source"). Recognise a module by its toStringTag as well.
// 2. The bindings keep their instance in module-level variables, so a trapped instance (a trap leaves
//    the wasm's stack pointers unrestored, and every later call may fail) could not be replaced. They
//    are wrapped in a factory, `createBindings()`, that gives a fresh set of bindings each time;
//    pkg/lib/core.js makes a new set from the compiled module when an instance traps. Objects made by
//    an old set keep using (and freeing into) the old instance, never the new one.
import { readFileSync, writeFileSync } from "node:fs";

const file = process.argv[2];
let source = readFileSync(file, "utf8");
/** The wasm file the bindings are for: `commerce_fetch.js` is for `commerce_fetch_bg.wasm`. */
const wasmName = `${file.replace(/^.*\//, "").replace(/\.js$/, "")}_bg.wasm`;

function replaceOnce(find, replacement, times = 1) {
  const count = source.split(find).length - 1;
  if (count !== times) {
    console.error(
      `patch-loader: expected ${JSON.stringify(find)} ${times} times in ${file}, found it ${count} times`,
    );
    process.exit(1);
  }
  source = source.replaceAll(find, replacement);
}

replaceOnce(
  "if (!(module instanceof WebAssembly.Module)) {",
  "if (!(module instanceof WebAssembly.Module) && Object.prototype.toString.call(module) !== '[object WebAssembly.Module]') {",
);
replaceOnce("export { initSync, __wbg_init as default };", "");
// 3. With no argument, init() fetched a URL built from import.meta.url, a pattern bundlers rewrite and
//    that the CommonJS build cannot express. Every entry passes the wasm; a bare call is a usage error.
replaceOnce(
  `module_or_path = new URL('${wasmName}', import.meta.url);`,
  'throw new TypeError("init: pass the wasm: a WebAssembly.Module, its bytes, a URL or a Response");',
);
// retire() below assigns to `wasm`.
replaceOnce("let wasmModule, wasmInstance, wasm;", "let wasmModule, wasmInstance, wasm;");
// 4. One instance of commerce_fetch_bg.wasm (everything) serves two sets of bindings, the base module's
//    and the extras' (pkg/lib/core.js): the base's initSync() and init() make it with the imports that
//    `withImports` (createBindings' argument) gives for their own, both sets' in the package; then it is
//    given to the extras' set, and only the first runs the start function (which sets up the table of
//    JavaScript values once).
replaceOnce("const imports = __wbg_get_imports();", "const imports = withImports(__wbg_get_imports());", 2);
replaceOnce(
  "function __wbg_finalize_init(instance, module) {",
  "function __wbg_finalize_init(instance, module, start = true) {",
);
replaceOnce("    wasm.__wbindgen_start();\n", "    if (start) wasm.__wbindgen_start();\n");

const names = [];
source = source.replace(/^export (class|function) (\w+)/gm, (_, kind, name) => {
  names.push(name);
  return `${kind} ${name}`;
});
if (names.length === 0 || /^export /m.test(source)) {
  console.error(`patch-loader: unexpected exports in ${file}`);
  process.exit(1);
}

source = `/**
 * A fresh set of bindings, with no instance until \`initSync\` or \`init\` is called, which make it with
 * the imports \`withImports\` gives for the bindings' own.
 */
export function createBindings(withImports = (imports) => imports) {
${source}
// The compiled module, to make a fresh instance from; and retire(), after which this set's finalizers
// (and anything else) no longer call into its instance.
const retired = new Proxy({}, { get: () => () => 0 });
return {
  ${names.join(", ")}, initSync, init: __wbg_init,
  imports: __wbg_get_imports, attach: __wbg_finalize_init, instance: () => wasmInstance,
  module: () => wasmModule,
  retire: () => { wasm = retired; },
};
}
`;
writeFileSync(file, source);
