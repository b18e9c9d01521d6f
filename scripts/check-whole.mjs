// Checks that one instance of the whole wasm (every feature) can serve both sets of bindings the package
// ships: the base module's (commerce_fetch.js, made for commerce_fetch_lite_bg.wasm) and the extras'
// (commerce_fetch_extras.js). pkg/lib/core.js makes that instance with both sets' imports and gives it to
// each set. That holds when everything either set does with the instance, the whole wasm's own bindings do
// the same way:
// - every function and class of either set (the wrappers of the exports, which spell out how each value
//   crosses, and the helpers) is in the whole's bindings, word for word;
// - every import of the whole wasm is an import of one of the sets, word for word, and all three name
//   their import module alike once the extras' name is mapped;
// - every export of the lite and extras wasm is an export of the whole.
// Run by scripts/build.sh on wasm-bindgen's output, before it is patched. A wasm-bindgen upgrade or a
// change of the crate that breaks one of these fails the build instead of the package.
import { readFileSync } from "node:fs";

const [wholeDir, baseDir, extrasDir] = process.argv.slice(2);
const read = (dir, name) => readFileSync(`${dir}/${name}`);
const glue = {
  whole: read(wholeDir, "commerce_fetch.js").toString(),
  base: read(baseDir, "commerce_fetch.js").toString(),
  extras: read(extrasDir, "commerce_fetch_extras.js").toString(),
};
const wasm = {
  whole: new WebAssembly.Module(read(wholeDir, "commerce_fetch_bg.wasm")),
  base: new WebAssembly.Module(read(baseDir, "commerce_fetch_bg.wasm")),
  extras: new WebAssembly.Module(read(extrasDir, "commerce_fetch_extras_bg.wasm")),
};
/** The loader's own functions: each set keeps its own state, so these may differ. */
const LOADER = new Set([
  "__wbg_get_imports",
  "__wbg_finalize_init",
  "__wbg_load",
  "initSync",
  "__wbg_init",
  "__wbg_init_once",
  "__wbg_init_promise",
]);

const problems = [];

/**
 * The pieces of `text`, by name, with their text. A piece begins at a line for which `startOf` gives a
 * name and runs to the next line for which it gives anything but `undefined` (`null` ends a piece and
 * begins none). The comment above the next piece, and blank lines, are not part of a piece.
 */
function pieces(text, startOf) {
  const found = new Map();
  let name = null;
  let lines = [];
  const end = () => {
    while (lines.length > 1 && /^(\s*$|\/\*\*|\s\*|\/\/)/.test(lines.at(-1))) lines.pop();
    if (name !== null) found.set(name, lines.join("\n"));
  };
  for (const line of text.split("\n")) {
    const start = startOf(line);
    if (start !== undefined) {
      end();
      name = start;
      lines = [];
    }
    lines.push(line);
  }
  end();
  return found;
}

/** The top-level functions, classes and variables of `source`, by name, with their text. */
function items(source) {
  return pieces(
    source,
    (line) => /^(?:export )?(?:async )?(?:function|class|const|let) (\w+)/.exec(line)?.[1],
  );
}

/** The functions of `__wbg_get_imports()`'s import object, by name, with their text. */
function imports(source) {
  return pieces(items(source).get("__wbg_get_imports") ?? "", (line) => {
    const start = /^ {8}(\w+): function\(/.exec(line);
    if (start !== null) return start[1];
    return /^ {4}\S/.test(line) ? null : undefined;
  });
}

/** The import module the bindings' import object names (`"./commerce_fetch_bg.js"`). */
function importModule(source) {
  const names = [...source.matchAll(/^ {8}"(\.\/[\w.]+)": import0,$/gm)].map((match) => match[1]);
  if (names.length !== 1) problems.push(`expected one import module in the bindings, found ${names.length}`);
  return names[0];
}

const wholeItems = items(glue.whole);
for (const set of ["base", "extras"]) {
  for (const [name, text] of items(glue[set])) {
    if (LOADER.has(name)) continue;
    const theirs = wholeItems.get(name);
    if (theirs === undefined) problems.push(`${set} bindings: ${name} is not in the whole wasm's bindings`);
    else if (theirs !== text) problems.push(`${set} bindings: ${name} differs from the whole wasm's`);
  }
}

const setImports = { base: imports(glue.base), extras: imports(glue.extras) };
for (const [name, text] of imports(glue.whole)) {
  const owners = ["base", "extras"].filter((set) => setImports[set].has(name));
  if (owners.length === 0) problems.push(`import ${name} of the whole wasm is in neither set of bindings`);
  for (const set of owners) {
    if (setImports[set].get(name) !== text) problems.push(`import ${name} differs in the ${set} bindings`);
  }
}
const module = importModule(glue.whole);
if (importModule(glue.base) !== module) problems.push("the base bindings name another import module");
for (const { module: name, name: field } of WebAssembly.Module.imports(wasm.whole)) {
  if (name !== module) problems.push(`the whole wasm imports ${field} from ${name}, not ${module}`);
}

const wholeExports = new Set(WebAssembly.Module.exports(wasm.whole).map((entry) => entry.name));
for (const set of ["base", "extras"]) {
  for (const { name } of WebAssembly.Module.exports(wasm[set])) {
    if (!wholeExports.has(name)) problems.push(`${set} wasm exports ${name}, the whole wasm does not`);
  }
}

if (problems.length > 0) {
  console.error("check-whole: the whole wasm cannot serve both sets of bindings:");
  for (const problem of problems) console.error(`  ${problem}`);
  process.exit(1);
}
