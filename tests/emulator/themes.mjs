// Theme uploads, BigCommerce's documented job-style endpoint (themes.v3.yml): the upload answers at once
// with a job id, and the job moves on each time it is polled.
//
//   POST /v3/themes (multipart/form-data with a `file` part)   201 { job_id }; no file part: 422
//   GET  /v3/themes/jobs/{job_id}   200 { data: { id, time, status, percent_complete, result, warnings,
//                                   errors }, meta: {} }; unknown id: 404
//
// Poll by poll, a job reads QUEUED 0, WORKING 30, WORKING 70, then COMPLETED 100 with
// `result.theme_id`, and stays there. A job fails (QUEUED 0, WORKING 30, then FAILED 30 with one entry in
// `errors`) when the uploaded file's name starts with "fail" (`fail.zip`), or for every upload after
// `POST /__control/config { "failThemeJobs": true }`.

import { createHash } from "node:crypto";
import { problem } from "./responses.mjs";

const COMPLETES = [
  { status: "QUEUED", percent_complete: 0 },
  { status: "WORKING", percent_complete: 30 },
  { status: "WORKING", percent_complete: 70 },
  { status: "COMPLETED", percent_complete: 100 },
];
const FAILS = [
  { status: "QUEUED", percent_complete: 0 },
  { status: "WORKING", percent_complete: 30 },
  { status: "FAILED", percent_complete: 30 },
];
const FAILURE = { error: "ThemeValidationError", message: "The theme bundle has no config.json." };

/** The answer of a theme route, or null when `route` is none of them. */
export function themeRoute(state, req, route, body) {
  if (req.method === "POST" && route === "/v3/themes") {
    // Not a multipart parser: the file part is found by its `filename`, which is all a job needs.
    const fileName = body.toString("latin1").match(/name="file"; filename="([^"]*)"/)?.[1];
    if (fileName === undefined) {
      return {
        status: 422,
        json: { ...problem(422, "Missing Required Fields"), errors: { file: "Please provide a file." } },
      };
    }
    const n = state.themeJobs.size + 1;
    const id = createHash("md5").update(`job ${state.seed} ${n}`).digest("hex");
    const themeHex = createHash("md5").update(`theme ${state.seed} ${n}`).digest("hex");
    const themeId = [0, 8, 12, 16, 20].map((at, i, ends) => themeHex.slice(at, ends[i + 1] ?? 32)).join("-");
    state.themeJobs.set(id, {
      id,
      time: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
      steps: state.failThemeJobs || fileName.startsWith("fail") ? FAILS : COMPLETES,
      polls: 0,
      themeId,
    });
    return { status: 201, json: { job_id: id } };
  }
  const poll = req.method === "GET" && route.match(/^\/v3\/themes\/jobs\/([^/]+)$/);
  if (poll) {
    const job = state.themeJobs.get(poll[1]);
    if (!job) return { status: 404, json: problem(404, "The requested resource was not found.") };
    const step = job.steps[Math.min(job.polls, job.steps.length - 1)];
    job.polls += 1;
    const data = {
      id: job.id,
      time: job.time,
      ...step,
      result: step.status === "COMPLETED" ? { theme_id: job.themeId } : {},
      warnings: [],
      errors: step.status === "FAILED" ? [FAILURE] : [],
    };
    return { status: 200, json: { data, meta: {} } };
  }
  return null;
}
