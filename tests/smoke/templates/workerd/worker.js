// A Cloudflare Worker: GET /?url=…&expected=N runs the check and answers its result as JSON.
import { runCheck } from "./check.js";

export default {
  async fetch(request) {
    const params = new URL(request.url).searchParams;
    return Response.json(await runCheck(params.get("url"), Number(params.get("expected"))));
  },
};
