// workerd driver, bundled by run.mjs with wrangler's conditions: GET /?<query string> runs the
// scenarios in the worker and answers the results as JSON.
import * as lib from "commerce-fetch";
import { runFromParams } from "./common.js";

export default {
  async fetch(request) {
    return Response.json(await runFromParams(lib, new URL(request.url).searchParams));
  },
};
