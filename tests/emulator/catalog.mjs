// The emulated store's data: a small catalog made from a seed, so every run with the same seed sees
// the same products, categories, brands, variants, metafields and category trees.

/** A small, fast, seedable PRNG (mulberry32): the same seed gives the same sequence everywhere. */
export function seededRandom(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ADJECTIVES = ["Classic", "Organic", "Waxed", "Linen", "Merino", "Canvas", "Recycled", "Vintage"];
const NOUNS = ["Tote", "Shirt", "Beanie", "Mug", "Notebook", "Apron", "Scarf", "Backpack"];
const CATEGORY_NAMES = ["Bags", "Apparel", "Kitchen", "Stationery", "Accessories"];
const BRAND_NAMES = ["Common Good", "Northwind", "Fieldstone", "Harbor & Co"];

/** The fixed clock of the seed data: 2026-01-01T00:00:00Z. */
const EPOCH = Date.UTC(2026, 0, 1);

export function makeCatalog(seed) {
  const random = seededRandom(seed);
  const pick = (list) => list[Math.floor(random() * list.length)];
  const categories = CATEGORY_NAMES.map((name, i) => ({
    id: 20 + i,
    name,
    parent_id: 0,
    is_visible: true,
  }));
  const brands = BRAND_NAMES.map((name, i) => ({ id: 40 + i, name }));
  const products = [];
  for (let i = 0; i < 24; i++) {
    const modified = new Date(EPOCH + Math.floor(random() * 90) * 86_400_000);
    products.push({
      id: 100 + i,
      name: `${pick(ADJECTIVES)} ${pick(NOUNS)} ${i + 1}`,
      type: "physical",
      sku: `SKU-${1000 + i}`,
      price: Math.round((5 + random() * 95) * 100) / 100,
      weight: Math.round(random() * 40) / 10,
      categories: [pick(categories).id],
      brand_id: pick(brands).id,
      inventory_level: Math.floor(random() * 50),
      date_modified: modified.toUTCString(),
    });
  }
  // What follows draws nothing from `random`, so the products of a seed stay as they were.
  const variants = products.map((product, i) => ({
    id: 1000 + i,
    product_id: product.id,
    sku: `${product.sku}-1`,
    price: product.price,
    inventory_level: product.inventory_level,
    option_values: [],
  }));
  return {
    products,
    categories,
    brands,
    variants,
    metafields: makeMetafields(products),
    trees: [{ id: 1, name: "Default", channels: [1] }],
    nextId: { products: 200, categories: 60, brands: 80, metafields: 600 },
  };
}

/** The app the emulator's access token belongs to, and another app of the same store. */
export const OWN_CLIENT_ID = "emulator-client-id";
export const OTHER_CLIENT_ID = "other-app-client-id";

/**
 * One metafield per product, and on every third product a second one that another app owns and shares
 * read-only: BigCommerce refuses to change or delete those ("Unauthorized to delete").
 */
function makeMetafields(products) {
  const created = new Date(EPOCH).toISOString();
  const metafield = (product, { id, ...fields }) => ({
    id,
    ...fields,
    resource_type: "product",
    resource_id: product.id,
    description: "",
    date_created: created,
    date_modified: created,
  });
  const own = products.map((product, i) =>
    metafield(product, {
      id: 500 + i,
      key: "care",
      value: "Wash cold",
      namespace: "product_info",
      permission_set: "write",
      owner_client_id: OWN_CLIENT_ID,
    }),
  );
  const others = products
    .filter((_, i) => i % 3 === 0)
    .map((product, i) =>
      metafield(product, {
        id: 550 + i,
        key: "warehouse",
        value: `Bin ${i + 1}`,
        namespace: "erp",
        permission_set: "read",
        owner_client_id: OTHER_CLIENT_ID,
      }),
    );
  return [...own, ...others];
}
