// A Server Component page, as headless storefronts (Next.js Commerce, Catalyst) call the commerce API:
// GET /?url=…&expected=N renders the check's result as JSON in <pre id="smoke-result">.
import * as lib from "commerce-fetch";
import { runCheck } from "../check.js";

export const dynamic = "force-dynamic";

export default async function Page({ searchParams }) {
  const params = await searchParams;
  const result = await runCheck(lib, params.url, Number(params.expected));
  return <pre id="smoke-result">{JSON.stringify(result)}</pre>;
}
