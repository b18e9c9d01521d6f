// Next.js memoizes a GET that several parts of one render make (here generateMetadata and the page, as
// a product page's title and body both need the product): GET /memo?url=… reads the URL three times,
// and the server must see one request, as it does with plain fetch.
import { createFetch } from "commerce-fetch";

export const dynamic = "force-dynamic";

const fetch = createFetch();

async function product(url) {
  const res = await fetch(url);
  return res.json();
}

export async function generateMetadata({ searchParams }) {
  const { url } = await searchParams;
  return { title: (await product(url)).name };
}

export default async function Page({ searchParams }) {
  const { url } = await searchParams;
  let result;
  try {
    const [first, second] = [await product(url), await product(url)];
    result = { ok: first.name === second.name, name: first.name };
  } catch (error) {
    result = { ok: false, error: String(error?.stack ?? error) };
  }
  return <pre id="smoke-result">{JSON.stringify(result)}</pre>;
}
