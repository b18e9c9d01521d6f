// The extras' bindings, as the browser entry imports them on first need. A module of its own, so that
// the dynamic import in ./browser.js is never of a module another imports statically (./browser-whole.js
// imports the bindings themselves), which Vite would warn about on every build of a page that uses
// createClient.
export { createBindings } from "../dist/commerce_fetch_extras.js";
// protect's JavaScript, which needs the extras: it comes with them, in this chunk, and this module is
// what the package takes as protect's module (named exports, not a namespace object, which a bundler
// would build with a helper shared with the page's chunk: a third chunk).
export { guardFor, link, statsOf } from "../dist/guard.js";
