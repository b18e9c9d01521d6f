"use client";
// A Client Component page, as a storefront's cart or search box calls the API from the browser:
// /client?url=…&expected=N fetches the path that fails once with createFetch alone, and sets
// window.smokeResult for the harness, with the .wasm files the page fetched (a production build leaves
// out the package's createClient and interpret, so the page loads commerce_fetch_lite_bg.wasm alone).
import { createFetch, retryInfo } from "commerce-fetch";
import { useEffect, useState } from "react";
import { checkFetchAlone, settle } from "../../check.js";

/** The check's result, once per page load: React's Strict Mode runs an effect twice in development. */
let running;

export default function ClientPage() {
  const [result, setResult] = useState(undefined);
  useEffect(() => {
    const params = new URLSearchParams(location.search);
    running ??= settle(
      checkFetchAlone({ createFetch, retryInfo }, params.get("url"), Number(params.get("expected"))),
    );
    running.then((done) => {
      window.smokeResult = done;
      setResult(done);
    });
  }, []);
  return <pre id="client-result">{result === undefined ? "running" : JSON.stringify(result)}</pre>;
}
