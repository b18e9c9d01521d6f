// The catalog's batch endpoints, each answering a mixed batch with the shape BigCommerce's OpenAPI files
// give it (reference, "Partial success"), and the lists of what they write. `meta` below is
// `{ total, success, failed }`; `problem` is a v3 error body whose `errors` maps a key to a message.
//
//   PUT    /v3/catalog/variants               200 { data, meta: {} }; an item refused (unknown id, price < 0):
//                                             422 { batch_errors: [problem, …] }, one per refused item, keyed
//                                             by variant id, and the other items are saved; over 50: 413
//   GET    /v3/catalog/variants, /v3/catalog/products/{id}/variants           offset pages
//   GET    /v3/catalog/products/metafields    offset page with cursors, or ?after= / ?before= (pagination.mjs)
//   POST   /v3/catalog/products/metafields    200 { data, errors: [], meta }; an item refused (missing field,
//                                             unknown product, key taken): 422 { data, errors: [problem], meta }
//                                             keyed by index
//   PUT    /v3/catalog/products/metafields    an item without `key` is refused ("Unauthorized to delete"),
//                                             same shapes, keyed by index
//   DELETE /v3/catalog/products/metafields    body: ids; unknown id "Metafield does not exist", another app's
//                                             "Unauthorized to delete"; same shapes, `data` holds the ids
//                                             deleted, keyed by id
//   GET    /v3/catalog/trees                  offset page
//   PUT    /v3/catalog/trees                  upsert: 200 { data, meta }; any tree refused: 422 problem and
//                                             nothing saved; over 50 trees: 413
//   GET    /v3/catalog/trees/categories       offset page
//   POST   /v3/catalog/trees/categories       201 { data, meta }; some refused: 207 { data, errors: problem, meta };
//                                             all refused: 422 { errors: problem, meta }; keyed by index
//   PUT    /v3/catalog/trees/categories       200 { meta }; 207 { errors, meta }; 422 { errors, meta }; keyed by
//                                             category_id
//   DELETE /v3/catalog/trees/categories?category_id:in=20,21     202 { meta }; no filter: 422
//   PUT    /v3/pricelists/records             200 { data: {}, meta: {} }; a record refused: 422
//                                             { data: { price_list_id, variant_id, sku, currency }, field_errors }

import { OWN_CLIENT_ID } from "./catalog.mjs";
import { cursorPage, offsetPage } from "./pagination.mjs";
import { parseJson, problem } from "./responses.mjs";

/** BigCommerce's limits on one batch: 50 variants, 50 category trees (their OpenAPI files). */
const MAX_VARIANTS = 50;
const MAX_TREES = 50;

const invalidInput = () => ({ status: 400, json: problem(400, "Input is invalid") });
const tooLarge = (what, max) => ({
  status: 413,
  json: {
    errors: {},
    status: 413,
    title: `The request payload is too large. The maximum ${what} allowed in the array is ${max}.`,
    type: "/api-docs/getting-started/api-status-codes",
  },
});
const list = (page) => page.answer ?? { status: 200, json: { data: page.data, meta: page.meta } };
const counts = (total, failed) => ({ total, success: total - failed, failed });

/** The answer of a batch route, or null when `route` is none of them. */
export function batchRoute(state, req, route, url, body) {
  const { catalog } = state;
  const key = `${req.method} ${route}`;
  switch (key) {
    case "GET /v3/catalog/variants":
      return list(offsetPage(catalog.variants, url));
    case "PUT /v3/catalog/variants":
      return updateVariants(catalog, parseJson(body));
    case "GET /v3/catalog/products/metafields":
      return list(cursorPage(catalog.metafields, url));
    case "POST /v3/catalog/products/metafields":
      return createMetafields(catalog, parseJson(body));
    case "PUT /v3/catalog/products/metafields":
      return updateMetafields(parseJson(body));
    case "DELETE /v3/catalog/products/metafields":
      return deleteMetafields(catalog, parseJson(body));
    case "GET /v3/catalog/trees":
      return list(offsetPage(catalog.trees, url));
    case "PUT /v3/catalog/trees":
      return upsertTrees(catalog, parseJson(body));
    case "GET /v3/catalog/trees/categories":
      return list(offsetPage(catalog.categories.map(treeCategory), url));
    case "POST /v3/catalog/trees/categories":
      return createTreeCategories(catalog, parseJson(body));
    case "PUT /v3/catalog/trees/categories":
      return updateTreeCategories(catalog, parseJson(body));
    case "DELETE /v3/catalog/trees/categories":
      return deleteTreeCategories(catalog, url);
    case "PUT /v3/pricelists/records":
      return upsertPriceRecords(catalog, parseJson(body));
  }
  const variantsOf = req.method === "GET" && route.match(/^\/v3\/catalog\/products\/(\d+)\/variants$/);
  if (variantsOf) {
    const id = Number(variantsOf[1]);
    if (!catalog.products.some((p) => p.id === id)) {
      return { status: 404, json: problem(404, "The requested resource was not found.") };
    }
    return list(
      offsetPage(
        catalog.variants.filter((v) => v.product_id === id),
        url,
      ),
    );
  }
  return null;
}

function updateVariants(catalog, updates) {
  if (!Array.isArray(updates)) return invalidInput();
  if (updates.length > MAX_VARIANTS) return tooLarge("items", MAX_VARIANTS);
  const data = [];
  const batchErrors = [];
  for (const update of updates) {
    const variant = catalog.variants.find((v) => v.id === update?.id);
    const refuse = (message) =>
      batchErrors.push({
        ...problem(422, "The variant could not be updated"),
        errors: { [String(update?.id)]: message },
      });
    if (!variant) refuse("The requested resource was not found.");
    else if (update.price !== undefined && !(typeof update.price === "number" && update.price >= 0))
      refuse("price must be >= 0");
    else data.push(Object.assign(variant, update, { id: variant.id, product_id: variant.product_id }));
  }
  if (batchErrors.length > 0) return { status: 422, json: { batch_errors: batchErrors } };
  return { status: 200, json: { data, meta: {} } };
}

/** 200 when every item went through, else 422 with what did and one problem keying each failure. */
function metafieldResult(data, failures, total) {
  const meta = counts(total, Object.keys(failures).length);
  if (meta.failed === 0) return { status: 200, json: { data, errors: [], meta } };
  return {
    status: 422,
    json: { data, errors: [{ ...problem(422, "Bulk operation has failed"), errors: failures }], meta },
  };
}

const METAFIELD_FIELDS = ["resource_id", "key", "value", "namespace", "permission_set"];

function createMetafields(catalog, items) {
  if (!Array.isArray(items)) return invalidInput();
  const data = [];
  const failures = {};
  items.forEach((item, i) => {
    const missing = METAFIELD_FIELDS.filter((field) => item?.[field] === undefined);
    const taken = (m) =>
      m.resource_id === item?.resource_id && m.namespace === item?.namespace && m.key === item?.key;
    if (missing.length > 0) failures[String(i)] = `Please provide ${missing.join(", ")}.`;
    else if (!catalog.products.some((p) => p.id === item.resource_id))
      failures[String(i)] = `Product ${item.resource_id} does not exist`;
    else if (catalog.metafields.some(taken))
      failures[String(i)] = "A metafield with this key and namespace already exists";
    else {
      const now = new Date().toISOString();
      const metafield = {
        description: "",
        ...item,
        id: catalog.nextId.metafields++,
        resource_type: "product",
        date_created: now,
        date_modified: now,
        owner_client_id: OWN_CLIENT_ID,
      };
      catalog.metafields.push(metafield);
      data.push(metafield);
    }
  });
  return metafieldResult(data, failures, items.length);
}

/** The emulator's first batch route, kept as it was: an item without a `key` fails. */
function updateMetafields(items) {
  if (!Array.isArray(items)) return invalidInput();
  const failures = {};
  items.forEach((item, i) => {
    if (!item?.key) failures[String(i)] = "Unauthorized to delete";
  });
  const data = items.filter((item) => item?.key).map((item, i) => ({ id: 900 + i, ...item }));
  return metafieldResult(data, failures, items.length);
}

function deleteMetafields(catalog, ids) {
  if (!Array.isArray(ids)) return invalidInput();
  const data = [];
  const failures = {};
  for (const id of ids) {
    const index = catalog.metafields.findIndex((m) => m.id === id);
    if (index < 0) failures[String(id)] = "Metafield does not exist";
    else if (catalog.metafields[index].owner_client_id !== OWN_CLIENT_ID)
      failures[String(id)] = "Unauthorized to delete";
    else {
      catalog.metafields.splice(index, 1);
      data.push(id);
    }
  }
  return metafieldResult(data, failures, ids.length);
}

function upsertTrees(catalog, trees) {
  if (!Array.isArray(trees)) return invalidInput();
  if (trees.length > MAX_TREES) return tooLarge("trees", MAX_TREES);
  const failures = {};
  trees.forEach((tree, i) => {
    if (tree?.id !== undefined) {
      if (!catalog.trees.some((t) => t.id === tree.id))
        failures[String(i)] = `Tree ${tree.id} does not exist`;
      else if (tree.channels !== undefined) failures[String(i)] = "channels cannot be changed on an update";
    } else if (typeof tree?.name !== "string" || tree.name === "") failures[String(i)] = "name is required";
    else if (!Array.isArray(tree.channels) || tree.channels.length !== 1)
      failures[String(i)] = "A new tree needs exactly one channel";
  });
  if (Object.keys(failures).length > 0) {
    return { status: 422, json: { ...problem(422, "The category tree was not valid"), errors: failures } };
  }
  const data = trees.map((tree) => {
    const existing = catalog.trees.find((t) => t.id === tree.id);
    if (existing) return Object.assign(existing, tree);
    const created = { id: Math.max(0, ...catalog.trees.map((t) => t.id)) + 1, ...tree };
    catalog.trees.push(created);
    return created;
  });
  return { status: 200, json: { data, meta: counts(trees.length, 0) } };
}

/** A category as the tree routes show it. */
function treeCategory(category) {
  const slug = category.name.toLowerCase().replace(/[^a-z0-9]+/g, "-");
  return {
    category_id: category.id,
    parent_id: category.parent_id ?? 0,
    tree_id: category.tree_id ?? 1,
    name: category.name,
    is_visible: category.is_visible ?? true,
    url: { path: `/${slug}/`, is_customized: false },
  };
}

/**
 * The tree routes' mixed-result shapes: all done, some done (207), none done (422). `data` is left out
 * where the route answers none (updates).
 */
function treeResult(successStatus, data, failures, total, title) {
  const meta = counts(total, Object.keys(failures).length);
  const withData = data === undefined ? {} : { data };
  if (meta.failed === 0) return { status: successStatus, json: { ...withData, meta } };
  const errors = { ...problem(422, title), errors: failures };
  if (meta.success === 0) return { status: 422, json: { errors, meta } };
  return { status: 207, json: { ...withData, errors, meta } };
}

function createTreeCategories(catalog, items) {
  if (!Array.isArray(items)) return invalidInput();
  const data = [];
  const failures = {};
  items.forEach((item, i) => {
    const treeId = item?.tree_id ?? 1;
    const parentId = item?.parent_id ?? 0;
    if (typeof item?.name !== "string" || item.name === "") failures[String(i)] = "name is required";
    else if (!catalog.trees.some((t) => t.id === treeId))
      failures[String(i)] = `Tree ${treeId} does not exist`;
    else if (parentId !== 0 && !catalog.categories.some((c) => c.id === parentId))
      failures[String(i)] = `Parent category ${parentId} does not exist`;
    else {
      const category = {
        id: catalog.nextId.categories++,
        name: item.name,
        parent_id: parentId,
        is_visible: item.is_visible ?? true,
        tree_id: treeId,
      };
      catalog.categories.push(category);
      data.push(treeCategory(category));
    }
  });
  return treeResult(201, data, failures, items.length, "Some categories could not be created");
}

function updateTreeCategories(catalog, items) {
  if (!Array.isArray(items)) return invalidInput();
  const failures = {};
  for (const item of items) {
    const category = catalog.categories.find((c) => c.id === item?.category_id);
    if (!category) failures[String(item?.category_id)] = `Category ${item?.category_id} does not exist`;
    else if (item.name !== undefined && (typeof item.name !== "string" || item.name === ""))
      failures[String(item.category_id)] = "name cannot be empty";
    else {
      const { category_id: _, url: __, ...fields } = item;
      Object.assign(category, fields);
    }
  }
  return treeResult(200, undefined, failures, items.length, "Some categories could not be updated");
}

function deleteTreeCategories(catalog, url) {
  const filter = url.searchParams.get("category_id:in");
  if (filter === null) {
    return { status: 422, json: problem(422, "A filter is required, such as category_id:in") };
  }
  const ids = filter.split(",").map(Number);
  const before = catalog.categories.length;
  catalog.categories = catalog.categories.filter((c) => !ids.includes(c.id));
  const deleted = before - catalog.categories.length;
  return { status: 202, json: { meta: counts(ids.length, ids.length - deleted) } };
}

/** BigCommerce answers the first record it refuses, with what identified it and why. */
function upsertPriceRecords(catalog, records) {
  if (!Array.isArray(records)) return invalidInput();
  for (const record of records) {
    const variant = catalog.variants.find((v) =>
      record?.variant_id !== undefined ? v.id === record.variant_id : v.sku === record?.sku,
    );
    const fieldErrors = {};
    if (!Number.isInteger(record?.price_list_id)) fieldErrors.price_list_id = "price_list_id is required";
    if (!variant) fieldErrors.variant_id = "The variant does not exist";
    if (typeof record?.currency !== "string" || !/^[a-z]{3}$/i.test(record.currency))
      fieldErrors.currency = "currency must be a 3-letter ISO-4217 code";
    if (record?.price !== undefined && !(typeof record.price === "number" && record.price >= 0))
      fieldErrors.price = "price must be >= 0";
    if (Object.keys(fieldErrors).length > 0) {
      const { price_list_id, variant_id, sku, currency } = record ?? {};
      return {
        status: 422,
        json: { data: { price_list_id, variant_id, sku, currency }, field_errors: fieldErrors },
      };
    }
  }
  // Held a moment, so that a second upsert sent meanwhile meets the concurrency limit of 1.
  return { status: 200, json: { data: {}, meta: {} }, holdMs: 50 };
}
