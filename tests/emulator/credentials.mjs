// The store every emulator route serves and the credentials it accepts, in a module of their own so that
// suites running outside Node (tests/workerd) can read them without the emulator's server.

export const STORE_HASH = "abc123";
export const ACCESS_TOKEN = "emulator-access-token";
export const STOREFRONT_TOKEN = "emulator-storefront-token";
/** The customer access token storefront GraphQL accepts in `X-Bc-Customer-Access-Token`. */
export const CUSTOMER_ACCESS_TOKEN = "emulator-customer-access-token";
