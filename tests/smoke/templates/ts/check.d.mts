// The type of the shared check (check.js, copied next to the compiled main.js as check.mjs).
export function runCheck(
  lib: typeof import("commerce-fetch"),
  url: string,
  expectedAttempts: number,
): Promise<{ ok: boolean; attempts?: number; error?: string }>;
