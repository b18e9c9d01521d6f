// List pagination as BigCommerce's v3 APIs answer it: offset pages (`page`, `limit`, `meta.pagination`)
// on every list, and cursors (`after`, `before`, `meta.cursor_pagination`) on the lists whose OpenAPI
// files document them (the metafield lists). Items are kept in id order, which is what a cursor names.

import { problem } from "./responses.mjs";

/** BigCommerce's lists give 50 items a page unless asked, and 250 at most (reference, "More facts"). */
export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 250;

/** The `limit` asked for, or the answer that refuses it. */
function readLimit(url) {
  const raw = url.searchParams.get("limit");
  const limit = raw === null ? DEFAULT_LIMIT : Number(raw);
  if (!Number.isInteger(limit) || limit < 1)
    return { answer: { status: 400, json: problem(400, "Invalid limit") } };
  if (limit > MAX_LIMIT) {
    return {
      answer: { status: 413, json: problem(413, `The limit parameter exceeds the maximum of ${MAX_LIMIT}`) },
    };
  }
  return { limit };
}

/** A link as BigCommerce writes them: a query string alone, its own parameters first, then the caller's. */
function link(url, own) {
  const params = new URLSearchParams(own);
  for (const [key, value] of url.searchParams) {
    if (!["page", "limit", "after", "before"].includes(key)) params.append(key, value);
  }
  return `?${params}`;
}

/**
 * One offset page of `items`: `{ data, meta: { pagination } }`, or `{ answer }` refusing the query.
 * `links` has `current` always, `previous` after the first page and `next` before the last.
 */
export function offsetPage(items, url) {
  const { limit, answer } = readLimit(url);
  if (answer) return { answer };
  const rawPage = url.searchParams.get("page");
  const asked = rawPage === null ? 1 : Number(rawPage);
  if (!Number.isInteger(asked)) return { answer: { status: 400, json: problem(400, "Invalid page") } };
  const page = Math.max(1, asked);
  const data = items.slice((page - 1) * limit, page * limit);
  const totalPages = Math.ceil(items.length / limit);
  const pageLink = (n) => link(url, { page: String(n), limit: String(limit) });
  const links = {};
  if (page > 1) links.previous = pageLink(Math.min(page - 1, Math.max(1, totalPages)));
  links.current = pageLink(page);
  if (page < totalPages) links.next = pageLink(page + 1);
  const pagination = {
    total: items.length,
    count: data.length,
    per_page: limit,
    current_page: page,
    total_pages: totalPages,
    links,
  };
  return { data, meta: { pagination } };
}

/** BigCommerce's cursors read as base64 of `id:N` (its docs show `aWQ6Nw==`); clients treat them as opaque. */
export const encodeCursor = (id) => Buffer.from(`id:${id}`).toString("base64");

function decodeCursor(cursor) {
  // A `+` sent unencoded arrives as a space.
  const text = Buffer.from(cursor.replaceAll(" ", "+"), "base64").toString("utf8");
  const match = text.match(/^id:(\d+)$/);
  return match ? Number(match[1]) : null;
}

/**
 * One page of a list with cursors. Without `after` or `before` it is the offset page with both
 * `pagination` and `cursor_pagination`; with one, the items after (or before) the cursor with
 * `cursor_pagination` alone, whose `links.next` is missing on the last page and `links.previous` on the
 * first.
 */
export function cursorPage(items, url) {
  const after = url.searchParams.get("after");
  const before = url.searchParams.get("before");
  if (after === null && before === null) {
    const page = offsetPage(items, url);
    if (page.answer) return page;
    const limit = page.meta.pagination.per_page;
    return {
      data: page.data,
      meta: { ...page.meta, cursor_pagination: cursorMeta(items, page.data, limit, url, null) },
    };
  }
  if (after !== null && before !== null) {
    return { answer: { status: 400, json: problem(400, "after and before cannot be used together") } };
  }
  const { limit, answer } = readLimit(url);
  if (answer) return { answer };
  const id = decodeCursor(after ?? before);
  if (id === null) return { answer: { status: 400, json: problem(400, "The cursor is invalid") } };
  const data =
    after !== null
      ? items.filter((item) => item.id > id).slice(0, limit)
      : items.filter((item) => item.id < id).slice(-limit);
  const current = after !== null ? { after } : { before };
  return { data, meta: { cursor_pagination: cursorMeta(items, data, limit, url, current) } };
}

function cursorMeta(items, data, limit, url, current) {
  const first = data[0];
  const last = data.at(-1);
  const links = {};
  if (first && items.some((item) => item.id < first.id)) {
    links.previous = link(url, { limit: String(limit), before: encodeCursor(first.id) });
  }
  links.current = link(url, { limit: String(limit), ...current });
  if (last && items.some((item) => item.id > last.id)) {
    links.next = link(url, { limit: String(limit), after: encodeCursor(last.id) });
  }
  const cursors = first ? { start_cursor: encodeCursor(first.id), end_cursor: encodeCursor(last.id) } : {};
  return { count: data.length, per_page: limit, ...cursors, links };
}
