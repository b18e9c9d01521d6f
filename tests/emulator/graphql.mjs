// The storefront GraphQL endpoint, for a few queries and one mutation. It is not a GraphQL engine: it
// recognises the operations the suites send, and answers as BigCommerce does, errors included, with
// HTTP 200 and an `errors` array (credential failures are HTTP 401).
//
// - Credentials: no `Authorization` header is a 401 "GraphQL credentials were missing. No token was
//   sent."; a bearer token other than the storefront token is a 401 "GraphQL invalid credentials. JWT is
//   expired".
// - Complexity: every answer past the credentials check carries `x-bc-graphql-complexity` (and
//   `x-bc-graphql-operation-name` when the operation has a name). The score is this emulator's own, not
//   BigCommerce's algorithm: each field costs 10, times the `first:`/`last:` of every connection around
//   it. A query over the limit (10,000, or `graphqlComplexityLimit` from `POST /__control/config`) answers
//   200 `{ errors: [{ message: "The query is too complex as it has a complexity score of N out of 10000.
//   Please remove some elements and try again" }] }` and no data. Two connections of 50 nested (or any
//   `first: 500`) go over; lower the limit to make any query too complex.
// - `customer { … }` needs `X-Bc-Customer-Access-Token`: without it the answer is 200 with
//   `data: { customer: null }` and an error whose `extensions.code` is MISSING_CUSTOMER_ACCESS_TOKEN, with
//   a wrong one INVALID_CUSTOMER_ACCESS_TOKEN, both with `path: ["customer"]`.
// - `addCartLineItems` adds `variables.input.data.lineItems` to the cart `variables.input.cartEntityId`
//   (a new cart when there is none), so a repeated mutation shows in the cart; each request's record in
//   `GET /__control/requests` says which operation it carried (`graphql: { operation, name }`).

/** BigCommerce refuses storefront queries over a complexity of 10,000 (reference, "GraphQL Storefront API"). */
export const MAX_COMPLEXITY = 10_000;
/** What this emulator charges a field, before the page sizes of the connections around it. */
const FIELD_COST = 10;

const CUSTOMER = { entityId: 1, firstName: "Ada", lastName: "Lovelace", email: "ada@example.com" };

/** The query's tokens, without strings (block strings too) and comments. */
function tokens(query) {
  const text = query.replace(/"""[\s\S]*?"""|"(?:\\.|[^"\\])*"/g, '""').replace(/#[^\n\r]*/g, "");
  return text.match(/\.\.\.|[$@]?[_A-Za-z][_0-9A-Za-z]*|-?\d+|[{}():]/g) ?? [];
}

/** The emulator's complexity score of a query (see the top of this file). */
export function complexity(query, variables = {}) {
  const list = tokens(query);
  const multipliers = [1];
  let score = 0;
  let args = 0; // depth inside parentheses
  let pageSize = null; // the `first`/`last` of the field just read, for the selection that follows
  for (let i = 0; i < list.length; i++) {
    const token = list[i];
    if (token === "(") args += 1;
    else if (token === ")") args = Math.max(0, args - 1);
    else if (args > 0) {
      if ((token === "first" || token === "last") && list[i + 1] === ":") {
        const value = list[i + 2] ?? "";
        const n = value.startsWith("$") ? Number(variables?.[value.slice(1)]) : Number(value);
        if (Number.isFinite(n) && n > 0) pageSize = n;
      }
    } else if (token === "{") {
      multipliers.push(multipliers.at(-1) * (pageSize ?? 1));
      pageSize = null;
    } else if (token === "}") {
      if (multipliers.length > 1) multipliers.pop();
    } else if (token === "...") {
      // A spread names a fragment (`...Name`) or opens an inline one (`... on Type`): neither is a field.
      i += list[i + 1] === "on" ? 2 : 1;
    } else if (/^[_A-Za-z]/.test(token) && multipliers.length > 1 && list[i + 1] !== ":") {
      score += FIELD_COST * multipliers.at(-1);
      pageSize = null;
    }
  }
  return score;
}

/** Which operation a request body carries: `{ operation: "query" | "mutation" | …, name }`, or nulls. */
export function describeOperation(body) {
  let request;
  try {
    request = JSON.parse(body.toString("utf8"));
  } catch {
    return { operation: null, name: null };
  }
  const query = typeof request?.query === "string" ? request.query : "";
  const list = tokens(query);
  let depth = 0;
  for (let i = 0; i < list.length; i++) {
    const token = list[i];
    if (token === "{" && depth === 0) return { operation: "query", name: request.operationName ?? null };
    if (token === "{") depth += 1;
    else if (token === "}") depth -= 1;
    else if (depth === 0 && ["query", "mutation", "subscription"].includes(token)) {
      const name = /^[_A-Za-z]/.test(list[i + 1] ?? "") ? list[i + 1] : null;
      return { operation: token, name: request.operationName ?? name };
    }
  }
  return { operation: null, name: request?.operationName ?? null };
}

/** The answer to one storefront GraphQL request: `{ status, headers, json }`. */
export function handleGraphql(state, req, body, { storefrontToken, customerAccessToken }) {
  if (req.method !== "POST")
    return { status: 405, json: { errors: [{ message: "GraphQL requests must be POSTs" }] } };
  if (req.headers.authorization === undefined) {
    return {
      status: 401,
      json: { errors: [{ message: "GraphQL credentials were missing. No token was sent." }] },
    };
  }
  if (req.headers.authorization !== `Bearer ${storefrontToken}`) {
    return { status: 401, json: { errors: [{ message: "GraphQL invalid credentials. JWT is expired" }] } };
  }
  let request;
  try {
    request = JSON.parse(body.toString("utf8"));
  } catch {
    return { status: 400, json: { errors: [{ message: "The request body is not valid JSON" }] } };
  }
  const query = typeof request?.query === "string" ? request.query : "";
  const variables = request?.variables ?? {};
  const { operation, name } = describeOperation(body);
  const score = complexity(query, variables);
  const headers = { "x-bc-graphql-complexity": String(score) };
  if (name) headers["x-bc-graphql-operation-name"] = name;
  const answer = (json) => ({ status: 200, headers, json });

  if (score > state.graphqlComplexityLimit) {
    return answer({
      errors: [
        {
          message:
            `The query is too complex as it has a complexity score of ${score} out of ` +
            `${state.graphqlComplexityLimit}. Please remove some elements and try again`,
        },
      ],
    });
  }
  if (operation === "mutation") return answer(mutate(state, query, variables));
  return answer(read(state, req, query, variables, customerAccessToken));
}

function mutate(state, query, variables) {
  if (/\baddCartLineItems\b/.test(query)) {
    const input = variables?.input ?? {};
    const items = input.data?.lineItems ?? [];
    let cart = state.carts.get(input.cartEntityId);
    if (!cart) {
      cart = { entityId: `cart-${state.carts.size + 1}`, lineItems: { physicalItems: [] } };
      state.carts.set(cart.entityId, cart);
    }
    for (const item of items) {
      cart.lineItems.physicalItems.push({ productEntityId: item.productEntityId, quantity: item.quantity });
    }
    return { data: { cart: { addCartLineItems: { cart } } } };
  }
  return { data: null, errors: [{ message: "Unknown mutation", extensions: { code: "UNKNOWN_OPERATION" } }] };
}

function read(state, req, query, variables, customerAccessToken) {
  const products = state.catalog.products;
  const node = (p) => ({
    entityId: p.id,
    name: p.name,
    sku: p.sku,
    prices: { price: { value: p.price, currencyCode: "USD" } },
  });
  if (/\bcustomer\s*\{/.test(query)) {
    const token = req.headers["x-bc-customer-access-token"];
    if (token === customerAccessToken) return { data: { customer: CUSTOMER } };
    const [code, message] =
      token === undefined
        ? ["MISSING_CUSTOMER_ACCESS_TOKEN", "A customer access token is required to query the customer."]
        : ["INVALID_CUSTOMER_ACCESS_TOKEN", "The customer access token is invalid or has expired."];
    return { data: { customer: null }, errors: [{ message, path: ["customer"], extensions: { code } }] };
  }
  const single = query.match(/product\(\s*entityId:\s*(\d+|\$\w+)\s*\)/);
  if (single) {
    const id = single[1].startsWith("$") ? Number(variables[single[1].slice(1)]) : Number(single[1]);
    const product = products.find((p) => p.id === id);
    return { data: { site: { product: product ? node(product) : null } } };
  }
  if (/products\s*(\(|\{)/.test(query)) {
    const first = Number(query.match(/first:\s*(\d+)/)?.[1] ?? 10);
    const edges = products.slice(0, first).map((p) => ({ node: node(p) }));
    return { data: { site: { products: { edges } } } };
  }
  if (/company/.test(query)) {
    return {
      data: null,
      errors: [
        {
          message: "Insufficient access scope",
          path: ["company"],
          extensions: { code: "INSUFFICIENT_ACCESS_SCOPE", requiredScopes: ["B2B"] },
        },
      ],
    };
  }
  return { data: null, errors: [{ message: "Cannot query this field on type Query" }] };
}
