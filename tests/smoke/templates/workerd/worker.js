// A Cloudflare Worker: GET /?url=…&expected=N runs the check and answers its result as JSON.
import * as lib from "commerce-fetch";
import { runCheck } from "./check.js";

export default {
  async fetch(request) {
    const params = new URL(request.url).searchParams;
    return Response.json(await runCheck(lib, params.get("url"), Number(params.get("expected"))));
  },
};
