//! A storefront's products through commerce-fetch's Rust shell (`commerce_fetch::web`), as a Leptos,
//! Yew or workers-rs app would fetch them. The same wasm runs in a page (`index.html`, `app.js`) and in a
//! Cloudflare Worker (`worker.mjs`); both call [`list_products`], and the page shows one product with
//! [`product_details`].
//!
//! It talks to the storefront GraphQL API, whose token is public by design (BigCommerce puts it in every
//! storefront page), so it may sit in a browser. The REST API's `X-Auth-Token` may not: keep REST calls on
//! a server.
//!
//! GraphQL requests are POSTs. The client repeats a POST after a 429 (BigCommerce sends one before doing
//! any work), and after a 503 or a lost connection when it is a GraphQL read (a POST to `/graphql` whose
//! `query` holds only queries, as these do), as the JavaScript package does.

use commerce_fetch::redact::redact;
use commerce_fetch::web::{Client, Details, Error, Options, Outcome, Preset, RetryDecision};
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

/// The first five products, with what a product card shows.
const FIRST_PRODUCTS: &str = "query FirstProducts { site { products(first: 5) { edges { node { \
    entityId name prices { price { value currencyCode } } } } } } }";

/// One product, with its SKU.
const PRODUCT: &str = "query Product($id: Int!) { site { product(entityId: $id) { \
    entityId name sku prices { price { value currencyCode } } } } }";

// ---- What the storefront answers, as typed structs (serde ignores the fields not named here).

/// A GraphQL answer: `data`, and `errors` when something went wrong (still with HTTP 200).
#[derive(Deserialize)]
struct GraphQl<T> {
    data: Option<T>,
    #[serde(default)]
    errors: Vec<GraphQlError>,
}

#[derive(Deserialize)]
struct GraphQlError {
    message: String,
}

#[derive(Deserialize)]
struct SiteData<T> {
    site: T,
}

#[derive(Deserialize)]
struct ProductList {
    products: Connection<Product>,
}

#[derive(Deserialize)]
struct OneProduct {
    product: Option<Product>,
}

/// GraphQL's paged list: `edges { node { … } }`.
#[derive(Deserialize)]
struct Connection<T> {
    edges: Vec<Edge<T>>,
}

#[derive(Deserialize)]
struct Edge<T> {
    node: T,
}

/// A product as the storefront API names its fields (`entityId`, `currencyCode`), and as the page and
/// the Worker receive it.
#[derive(Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Product {
    entity_id: u32,
    name: String,
    /// Asked for by [`product_details`] only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    sku: Option<String>,
    prices: Prices,
}

#[derive(Deserialize, Serialize)]
struct Prices {
    price: Money,
}

#[derive(Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
struct Money {
    value: f64,
    currency_code: String,
}

/// The body of a GraphQL request.
#[derive(Serialize)]
struct GraphQlRequest<'a, V> {
    query: &'a str,
    variables: V,
}

#[derive(Serialize)]
struct ProductId {
    id: u32,
}

// ---- What JavaScript gets back: plain JSON, never a credential.

/// The products and how the call went. The Worker answers it as JSON; the page renders it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Summary<T> {
    /// What was asked for, when it came.
    result: Option<T>,
    /// Attempts made, the first included (0 when none could be sent).
    attempts: u32,
    /// Each retry: what the attempt before it met and how long the client waited.
    retries: Vec<Retry>,
    /// Why no further attempt was made: `"final"` when the last answer was the result.
    stop_reason: Option<&'static str>,
    /// Why there is no result.
    error: Option<Failure>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Retry {
    /// `"429"`, `"503"`, …, `"network error"` or `"timeout"`.
    after: String,
    wait_ms: u64,
    /// Where the wait came from: a header (`"x-rate-limit-time-reset-ms"`, `"retry-after"`) or
    /// `"backoff"`.
    source: &'static str,
}

#[derive(Serialize)]
struct Failure {
    /// A stable name: the client's (`"NetworkError"`, `"TimeoutError"`, `"ApiError"`, …) or
    /// `"GraphQLError"`.
    name: &'static str,
    /// What happened and why the client stopped.
    message: String,
}

/// A call that gave no result: why, and the attempts when some were made.
struct Failed {
    failure: Failure,
    details: Option<Details>,
}

/// Every [`Error`] has a stable name and a message with no credential in it; the ones that come after
/// attempts carry them ([`Error::details`]).
impl From<Error> for Failed {
    fn from(error: Error) -> Failed {
        Failed {
            failure: Failure {
                name: error.name(),
                message: error.to_string(),
            },
            details: error.details().cloned(),
        }
    }
}

impl<T: Serialize> Summary<T> {
    fn new(result: Result<(T, Option<Details>), Failed>) -> Summary<T> {
        let (result, details, error) = match result {
            Ok((value, details)) => (Some(value), details, None),
            Err(failed) => (None, failed.details, Some(failed.failure)),
        };
        let mut summary = Summary {
            result,
            attempts: 0,
            retries: Vec::new(),
            stop_reason: None,
            error,
        };
        if let Some(details) = details {
            summary.attempts = details.attempts;
            summary.stop_reason = Some(details.reason.as_str());
            // Each line of the trace is one attempt and the decision after it.
            for entry in &details.trace {
                if let RetryDecision::Retry { delay_ms, source, .. } = entry.decision {
                    summary.retries.push(Retry {
                        after: match entry.outcome {
                            Outcome::Response { status, .. } => status.to_string(),
                            Outcome::NetworkError => "network error".into(),
                            Outcome::Timeout => "timeout".into(),
                        },
                        wait_ms: delay_ms,
                        source: source.as_str(),
                    });
                }
            }
        }
        summary
    }

    /// The summary as a plain JavaScript object (`null` fields rather than missing ones).
    fn to_js(&self) -> Result<JsValue, JsValue> {
        Ok(self.serialize(&serde_wasm_bindgen::Serializer::json_compatible())?)
    }
}

// ---- The exported functions.

/// The storefront's first products, and the retries it took to get them:
/// `{ result: [{ entityId, name, prices }], attempts, retries, stopReason, error }`.
///
/// `store_url` is the storefront's origin (`https://store.example.com`, or the emulator's URL).
#[wasm_bindgen]
pub async fn list_products(store_url: String, storefront_token: String) -> Result<JsValue, JsValue> {
    Summary::new(first_products(&store_url, &storefront_token).await).to_js()
}

/// One product, with its SKU: `{ result: { entityId, name, sku, prices } | null, attempts, …, error }`.
/// It uses `post_json`, which reports the attempts only when the call fails: after a success,
/// `attempts` is 0 and `retries` empty.
#[wasm_bindgen]
pub async fn product_details(
    store_url: String,
    storefront_token: String,
    id: u32,
) -> Result<JsValue, JsValue> {
    Summary::new(one_product(&store_url, &storefront_token, id).await).to_js()
}

/// A client with the storefront preset: a shopper is waiting, so at most two retries and six seconds in
/// all, waiting as long as a 429's headers ask (up to two seconds). The storefront token goes with every
/// request the client builds.
fn storefront_client(storefront_token: &str) -> Result<Client, Error> {
    let options = Options {
        preset: Preset::Storefront,
        headers: vec![("authorization".into(), format!("Bearer {storefront_token}"))],
        // Always end with this: the options grow, and new fields keep their preset's value.
        ..Options::default()
    };
    Ok(Client::new(options)?)
}

/// `post_answer` sends the body as JSON and reads the answer into a struct, with the attempts it took,
/// even after a success; a failure after the retries is an [`Error`] whose `details()` say what the
/// attempts met.
async fn first_products(
    store_url: &str,
    storefront_token: &str,
) -> Result<(Vec<Product>, Option<Details>), Failed> {
    let client = storefront_client(storefront_token)?;
    let body = GraphQlRequest {
        query: FIRST_PRODUCTS,
        variables: (),
    };
    let answer = client
        .post_answer::<_, GraphQl<SiteData<ProductList>>>(&format!("{store_url}/graphql"), &body)
        .await?;
    let details = answer.details;
    let graphql = answer.data.ok_or_else(|| graphql_failure(&[], Some(&details)))?;
    let Some(data) = graphql.data else {
        return Err(graphql_failure(&graphql.errors, Some(&details)));
    };
    let products = data
        .site
        .products
        .edges
        .into_iter()
        .map(|edge| edge.node)
        .collect();
    Ok((products, Some(details)))
}

/// `post_json` is the shortest way: the body as JSON in, the answer as a struct out. A success says
/// nothing of the attempts (use `post_answer`, as [`first_products`] does, when you want them).
async fn one_product(
    store_url: &str,
    storefront_token: &str,
    id: u32,
) -> Result<(Product, Option<Details>), Failed> {
    let client = storefront_client(storefront_token)?;
    let body = GraphQlRequest {
        query: PRODUCT,
        variables: ProductId { id },
    };
    let answer: GraphQl<SiteData<OneProduct>> =
        client.post_json(&format!("{store_url}/graphql"), &body).await?;
    match answer.data.and_then(|data| data.site.product) {
        Some(product) => Ok((product, None)),
        None if answer.errors.is_empty() => Err(Failed {
            failure: Failure {
                name: "NotFound",
                message: format!("the store has no product {id}"),
            },
            details: None,
        }),
        None => Err(graphql_failure(&answer.errors, None)),
    }
}

// ---- Helpers.

/// An answer without data: its first GraphQL error, cleaned of URLs' queries and cut short.
fn graphql_failure(errors: &[GraphQlError], details: Option<&Details>) -> Failed {
    let message = errors
        .first()
        .map_or("the answer holds no data".into(), |error| redact(&error.message));
    Failed {
        failure: Failure {
            name: "GraphQLError",
            message,
        },
        details: details.cloned(),
    }
}
