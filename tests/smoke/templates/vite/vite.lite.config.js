// The second build of the smoke project: the page in lite/, which uses createFetch alone, on its own (a
// site whose pages share a chunk would load the whole wasm on every page if one of them made a client).
export default { root: "lite", build: { outDir: "../dist-lite", emptyOutDir: true } };
