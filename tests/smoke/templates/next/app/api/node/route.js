// A Node.js-runtime route handler: GET /api/node?url=…&expected=N answers the check's result.
import * as lib from "commerce-fetch";
import { runCheck } from "../../../check.js";

export const dynamic = "force-dynamic";

export async function GET(request) {
  const params = new URL(request.url).searchParams;
  return Response.json(await runCheck(lib, params.get("url"), Number(params.get("expected"))));
}
