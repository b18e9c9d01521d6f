// Node through require(), as CommonJS apps and Jest load packages: `node main.cjs URL EXPECTED`.
const lib = require("commerce-fetch");

const entry = require.resolve("commerce-fetch");
const [url, expected] = process.argv.slice(2);
import("./check.js").then(async ({ runCheck }) => {
  const result = entry.endsWith(".cjs")
    ? await runCheck(lib, url, Number(expected))
    : { ok: false, error: `require() resolved ${entry}, not the CommonJS entry` };
  console.log(`SMOKE_RESULT ${JSON.stringify(result)}`);
});
