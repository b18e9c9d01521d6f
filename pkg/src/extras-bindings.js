// The extras' bindings, as the browser entry imports them on first need. A module of its own, so that
// the dynamic import in ./browser.js is never of a module another imports statically (./browser-whole.js
// imports the bindings themselves), which Vite would warn about on every build of a page that uses
// createClient.
export { createBindings } from "../dist/commerce_fetch_extras.js";
