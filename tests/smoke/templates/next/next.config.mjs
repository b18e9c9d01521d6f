import { fileURLToPath } from "node:url";

// This app lives inside the commerce-fetch repo, which has a lockfile of its own: pin the root here.
const root = fileURLToPath(new URL(".", import.meta.url));

export default { turbopack: { root }, outputFileTracingRoot: root };
