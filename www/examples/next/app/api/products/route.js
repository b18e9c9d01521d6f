// GET /api/products: the products as JSON, from a route handler in the Node.js runtime (the default).
import { describeError, listProducts } from "../../../lib/store.js";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export async function GET() {
  try {
    return Response.json(await listProducts());
  } catch (error) {
    return Response.json({ error: describeError(error) }, { status: 502 });
  }
}
