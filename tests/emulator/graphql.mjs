// The storefront GraphQL endpoint, for a few product queries and one mutation. It is not a GraphQL
// engine: it recognises the operations the suites send, and answers as BigCommerce does, errors
// included, with HTTP 200 and an `errors` array (auth failures are HTTP 401).

/** BigCommerce rejects queries over a complexity of 10,000; here, asking for over 50 items stands in. */
const MAX_FIRST = 50;

export function handleGraphql(state, req, body, token) {
  if (req.method !== "POST")
    return { status: 405, json: { errors: [{ message: "GraphQL requests must be POSTs" }] } };
  if (req.headers.authorization !== `Bearer ${token}`) {
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
  const operation = query.trim().startsWith("mutation") ? "mutation" : "query";
  const products = state.catalog.products;
  const node = (p) => ({
    entityId: p.id,
    name: p.name,
    sku: p.sku,
    prices: { price: { value: p.price, currencyCode: "USD" } },
  });

  if (operation === "mutation") {
    if (/addCartLineItems/.test(query)) {
      const items = variables?.input?.data?.lineItems ?? [];
      const cart = {
        entityId: `cart-${state.requests.length}`,
        lineItems: {
          physicalItems: items.map((i) => ({ productEntityId: i.productEntityId, quantity: i.quantity })),
        },
      };
      return { status: 200, json: { data: { cart: { addCartLineItems: { cart } } } } };
    }
    return {
      status: 200,
      json: {
        data: null,
        errors: [{ message: "Unknown mutation", extensions: { code: "UNKNOWN_OPERATION" } }],
      },
    };
  }
  const first = Number(query.match(/first:\s*(\d+)/)?.[1] ?? 10);
  if (first > MAX_FIRST) {
    const score = first * 250;
    return {
      status: 200,
      json: {
        errors: [
          {
            message: `The query is too complex as it has a complexity score of ${score} out of 10000. Ask for fewer items.`,
          },
        ],
      },
    };
  }
  const single = query.match(/product\(\s*entityId:\s*(\d+|\$\w+)\s*\)/);
  if (single) {
    const id = single[1].startsWith("$") ? Number(variables[single[1].slice(1)]) : Number(single[1]);
    const product = products.find((p) => p.id === id);
    return { status: 200, json: { data: { site: { product: product ? node(product) : null } } } };
  }
  if (/products\s*(\(|\{)/.test(query)) {
    const edges = products.slice(0, first).map((p) => ({ node: node(p) }));
    return { status: 200, json: { data: { site: { products: { edges } } } } };
  }
  if (/company/.test(query)) {
    return {
      status: 200,
      json: {
        data: null,
        errors: [
          {
            message: "Insufficient access scope",
            path: ["company"],
            extensions: { code: "INSUFFICIENT_ACCESS_SCOPE", requiredScopes: ["B2B"] },
          },
        ],
      },
    };
  }
  return {
    status: 200,
    json: { data: null, errors: [{ message: "Cannot query this field on type Query" }] },
  };
}
