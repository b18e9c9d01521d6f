// A Server Component page: the products are read on the server, per request, and sent as HTML. The
// access token never reaches the browser.
import { describeError, listProducts } from "../lib/store.js";

// Rendered at each request (the catalog changes), not once at build time.
export const dynamic = "force-dynamic";

export default async function Page() {
  let result;
  try {
    result = await listProducts();
  } catch (error) {
    return (
      <main>
        <h1>Products</h1>
        <p id="status" data-state="failed">
          {`Could not load the products: ${describeError(error)}`}
        </p>
      </main>
    );
  }
  const { products, attempts, retries } = result;
  const retried = retries.length ? ` (retried after ${retries.join("; ")})` : "";
  return (
    <main>
      <h1>Products</h1>
      <ul id="products">
        {products.map((product) => (
          <li key={product.id}>{`${product.name}: ${product.price.toFixed(2)}`}</li>
        ))}
      </ul>
      <p id="status" data-state="done">
        {`${products.length} products in ${attempts} attempt${attempts === 1 ? "" : "s"}${retried}`}
      </p>
    </main>
  );
}
