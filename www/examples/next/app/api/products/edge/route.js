// GET /api/products/edge: the same from the edge runtime, where the package loads its .wasm as a
// module through the `edge-light` export condition (build with Turbopack: Next.js 16.4 with webpack
// cannot build an edge route handler).
import { describeError, listProducts } from "../../../../lib/store.js";

export const runtime = "edge";
export const dynamic = "force-dynamic";

export async function GET() {
  try {
    return Response.json(await listProducts());
  } catch (error) {
    return Response.json({ error: describeError(error) }, { status: 502 });
  }
}
