//! How many requests may be in flight at once: overall, under a cap the caller sets (a Cloudflare Worker
//! has six connections per request), and per route, under the concurrency limits BigCommerce documents
//! for some endpoints.
//!
//! A request over one of BigCommerce's limits is answered 429, often without rate-limit headers, so no
//! wait is known and a retry can only guess: holding the request until a slot frees is better than
//! sending it. The JavaScript shell keeps the queue and the promises; this module only counts and
//! decides. [`route_of`] finds a request's route once, [`Slots::try_acquire`] and [`Slots::release`]
//! count it in and out, and [`next_to_start`] picks which waiting request goes when a slot frees.
//!
//! Concurrency is the outermost policy (STYLE.md: concurrency → total deadline → retry → breaker →
//! attempt timeout), so a call acquires before its first attempt and releases when it is over, keeping
//! its slot through its retries.

/// Simultaneous outgoing connections a Cloudflare Worker may have open per request (a seventh waits for
/// one of them): Cloudflare's Workers limits page, "Simultaneous outgoing connections/request: 6", on
/// every plan; `bigcommerce-api-behaviour.md` line 77. A good overall cap for a client in a Worker.
pub const WORKER_CONNECTIONS: u32 = 6;

/// A documented concurrency limit of one BigCommerce route.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RouteLimit {
    /// The HTTP method, upper-case, or `None` when every method of the path shares the limit.
    pub method: Option<&'static str>,
    /// The path after the store's REST base (`/stores/{hash}`), starting with its version, with `{id}`
    /// standing for any one segment: `/v3/catalog/trees/{id}/categories`.
    pub pattern: &'static str,
    /// Requests that may be in flight on the route at once, for the whole store.
    pub limit: u32,
}

/// The pattern segment that stands for any one non-empty path segment.
const ANY_SEGMENT: &str = "{id}";

const fn all_methods(pattern: &'static str, limit: u32) -> RouteLimit {
    RouteLimit {
        method: None,
        pattern,
        limit,
    }
}

const fn only(method: &'static str, pattern: &'static str, limit: u32) -> RouteLimit {
    RouteLimit {
        method: Some(method),
        pattern,
        limit,
    }
}

/// BigCommerce's documented per-route concurrency limits. A request matches the first entry whose method
/// and pattern fit (see [`route_of`]), so an entry with a literal segment comes before an `{id}` entry it
/// overlaps. Every entry is its own pool: a limit counts the requests on that route across all its ids.
///
/// Sources: "ref N" is line N of `../shared/reference/bigcommerce-api-behaviour.md`; "docs F:N" is line N
/// of `reference/F` in the OpenAPI files of github.com/bigcommerce/docs at commit 24f580ca (2026-04-01),
/// which give the exact route and method where the reference file summarises.
pub const BIGCOMMERCE_LIMITS: &[RouteLimit] = &[
    // ref 97 "`/catalog/categories` 40", no method named, so every method shares it; docs
    // catalog/categories_catalog.v3.yml:67 (GET, the only method the docs give a number for).
    all_methods("/v3/catalog/categories", 40),
    // docs catalog/categories_catalog.v3.yml:487 GET, :543 PUT, :897 DELETE: 40 each.
    all_methods("/v3/catalog/categories/{id}", 40),
    // ref 97 "`GET /catalog/trees/{id}/categories` 1"; docs catalog/category-trees_catalog.v3.yml:423.
    only("GET", "/v3/catalog/trees/{id}/categories", 1),
    // Customers v3. ref 97-98 reads "customer v3 `PUT /customers`, addresses, attributes 3; `POST`
    // addresses 10": the PUT carries over to the two sub-routes named after it (the POST of addresses is
    // named apart, with its own 10). docs customers.v3.yml confirm it and give the attributes' POST 3 too.
    // ref 27-28 "`PUT /v3/customers` allows 3 concurrent requests"; ref 97; docs customers.v3.yml:348.
    only("PUT", "/v3/customers", 3),
    // ref 97-98; docs customers.v3.yml:637.
    only("PUT", "/v3/customers/addresses", 3),
    // ref 98 "`POST` addresses 10"; docs customers.v3.yml:561.
    only("POST", "/v3/customers/addresses", 10),
    // ref 97-98; docs customers.v3.yml:1160.
    only("PUT", "/v3/customers/attributes", 3),
    // ref 97-98 ("attributes 3"); docs customers.v3.yml:1103.
    only("POST", "/v3/customers/attributes", 3),
    // docs customers.v3.yml:1333.
    only("PUT", "/v3/customers/attribute-values", 3),
    // docs customers.v3.yml:1538.
    only("PUT", "/v3/customers/form-field-values", 10),
    // ref 28: answers 429 with no headers at all, so a retry cannot know when to go. The docs give no
    // number (customers.v3.yml:765, "special rate limiting protections to protect against abuse"): one
    // at a time is this crate's choice, so a burst of logins queues instead of tripping the protection.
    only("POST", "/v3/customers/validate-credentials", 1),
    // Price-list records. ref 27 "upsert allows 1 concurrent call, batch POST 10, GET 10 simultaneous",
    // ref 98 "batch `POST` 10, upsert 1–2, `GET` 10/40/50 depending on the route".
    // ref 27, 98; docs price_lists.v3.yml:791 "Concurrency limit of 10".
    only("POST", "/v3/pricelists/records", 10),
    // ref 27 "upsert allows 1", ref 98; docs price_lists.v3.yml:819 "Concurrency limit of 1".
    only("PUT", "/v3/pricelists/records", 1),
    // docs price_lists.v3.yml:758 "Limit of 1 concurrent request" (deleting a price list).
    only("DELETE", "/v3/pricelists/{id}", 1),
    // ref 27 "GET 10 simultaneous"; docs price_lists.v3.yml:855.
    only("GET", "/v3/pricelists/{id}/records", 10),
    // docs price_lists.v3.yml:1519 "Up to 10 concurrent batch create requests".
    only("POST", "/v3/pricelists/{id}/records", 10),
    // ref 98 "upsert 1–2": this is the 2, docs price_lists.v3.yml:1718 "Up to 2 concurrent batch upsert
    // requests" (the 1 is the store-wide `PUT /v3/pricelists/records` above).
    only("PUT", "/v3/pricelists/{id}/records", 2),
    // ref 98 "`GET` 10/40/50"; docs price_lists.v3.yml:1987.
    only("GET", "/v3/pricelists/{id}/records/{id}", 40),
    // ref 98; docs price_lists.v3.yml:2270.
    only("GET", "/v3/pricelists/{id}/records/{id}/{id}", 50),
    // docs price_lists.v3.yml:2473.
    only("PUT", "/v3/pricelists/{id}/records/{id}/{id}", 40),
    // docs price_lists.v3.yml:2805.
    only("DELETE", "/v3/pricelists/{id}/records/{id}/{id}", 25),
    // docs price_lists.v3.yml:2989.
    only("PUT", "/v3/pricelists/{id}/assignments", 25),
    // Promotions. ref 99 "promotions 40/10"; the docs say which is which: 40 everywhere but listing a
    // promotion's codes and generating codes, 10.
    // docs promotions.v3.yml:44 GET, :78 POST, :120 DELETE.
    all_methods("/v3/promotions", 40),
    // docs promotions.v3.yml:396 GET, :411 DELETE; before `/v3/promotions/{id}`, which would take it.
    all_methods("/v3/promotions/codes", 40),
    // docs promotions.v3.yml:141 GET, :162 PUT, :191 DELETE.
    all_methods("/v3/promotions/{id}", 40),
    // docs promotions.v3.yml:211.
    only("GET", "/v3/promotions/{id}/codes", 10),
    // docs promotions.v3.yml:231 POST, :270 DELETE (a GET is taken by the entry above).
    all_methods("/v3/promotions/{id}/codes", 40),
    // docs promotions.v3.yml:293.
    only("POST", "/v3/promotions/{id}/codegen", 10),
    // docs promotions.v3.yml:431.
    only("DELETE", "/v3/promotions/{id}/codes/{id}", 40),
    // ref 99 "locations 50"; docs locations.v3.yml:45 POST, :85 GET, :121 PUT.
    all_methods("/v3/inventory/locations", 50),
    // ref 99 "storefront `/pricing/products` 50"; docs pricing.sf.yml:39 (POST, its only method).
    only("POST", "/v3/pricing/products", 50),
    // docs segments.v3.yml:55.
    only("POST", "/v3/segments", 10),
    // docs segments.v3.yml:152.
    only("PUT", "/v3/segments", 10),
    // docs segments.v3.yml:223.
    only("POST", "/v3/segments/{id}/shopper-profiles", 10),
    // docs customers.v2.yml:749 GET, :841 POST.
    all_methods("/v2/customer_groups", 40),
    // docs customers.v2.yml:1006.
    only("DELETE", "/v2/customer_groups/{id}", 40),
];

/// The number of routes in [`BIGCOMMERCE_LIMITS`].
const ROUTES: usize = BIGCOMMERCE_LIMITS.len();

/// The index in [`BIGCOMMERCE_LIMITS`] of the first route that `method` and `path` are on, or `None`
/// when no documented limit applies.
///
/// The method matches in any case. `path` may be the path of a full URL
/// (`/stores/abc123/v3/catalog/trees/5/categories`), a full URL (its scheme and host are skipped), or
/// already relative to the store (`/v3/…`); a leading `/stores/{hash}` is skipped, and so are a query, a
/// fragment and one trailing slash. A path with no version (`/catalog/categories`) is read as v3, as the
/// JavaScript client does. Segments then compare exactly, in case too; `{id}` takes any one non-empty
/// segment. Never panics, whatever the strings.
pub fn route_of(method: &str, path: &str) -> Option<usize> {
    let (version, segments) = api_path(path);
    BIGCOMMERCE_LIMITS
        .iter()
        .position(|route| route.applies_to(method) && route.fits(version, segments.clone()))
}

impl RouteLimit {
    fn applies_to(&self, method: &str) -> bool {
        self.method.map_or(true, |own| own.eq_ignore_ascii_case(method))
    }

    /// Whether the pattern's version is `version` and its other segments fit `segments`.
    fn fits<'a>(&self, version: &str, mut segments: impl Iterator<Item = &'a str>) -> bool {
        let mut wanted = segments_of(self.pattern.strip_prefix('/').unwrap_or(self.pattern));
        if wanted.next() != Some(version) {
            return false;
        }
        loop {
            match (wanted.next(), segments.next()) {
                (None, None) => return true,
                (Some(ANY_SEGMENT), Some(segment)) if !segment.is_empty() => {}
                (Some(own), Some(segment)) if own == segment => {}
                _ => return false,
            }
        }
    }
}

/// The version of a request's path (`v3` when it names none) and its segments after the version.
fn api_path(link: &str) -> (&str, Segments<'_>) {
    let end = link
        .bytes()
        .position(|b| b == b'?' || b == b'#')
        .unwrap_or(link.len());
    let path = path_of(link.get(..end).unwrap_or(""));
    let path = path.strip_prefix('/').unwrap_or(path);
    let path = path.strip_suffix('/').unwrap_or(path);
    let mut segments = segments_of(path);
    let mut probe = segments.clone();
    if probe.next() == Some("stores") && probe.next().is_some_and(|hash| !hash.is_empty()) {
        segments = probe;
    }
    let mut probe = segments.clone();
    match probe.next() {
        Some(version) if is_version(version) => (version, probe),
        _ => ("v3", segments),
    }
}

/// The segments of `path` between its slashes, as `str::split('/')` gives them. Its own iterator
/// because `str::split` brings a slice-index panic into the wasm.
#[derive(Clone)]
struct Segments<'a> {
    rest: Option<&'a str>,
}

fn segments_of(path: &str) -> Segments<'_> {
    Segments { rest: Some(path) }
}

impl<'a> Iterator for Segments<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let rest = self.rest?;
        // `get` cuts next to the ASCII `/`, so it always succeeds; it keeps the panic paths out.
        match rest.bytes().position(|b| b == b'/') {
            Some(slash) => {
                self.rest = rest.get(slash + 1..);
                rest.get(..slash)
            }
            None => {
                self.rest = None;
                Some(rest)
            }
        }
    }
}

/// The path of a full URL (`https://api.bigcommerce.com/stores/…`), or `link` itself when it is a path.
fn path_of(link: &str) -> &str {
    // Bytes and `get` rather than `str::find` and slicing, which bring panic paths into the wasm; the
    // cuts fall next to ASCII bytes, so `get` always succeeds.
    let Some(scheme_end) = link.as_bytes().windows(3).position(|three| three == b"://") else {
        return link;
    };
    if link.bytes().take(scheme_end).any(|b| b == b'/') {
        // A `://` inside a path, not after a scheme.
        return link;
    }
    let host_and_path = link.get(scheme_end + 3..).unwrap_or("");
    match host_and_path.bytes().position(|b| b == b'/') {
        Some(start) => host_and_path.get(start..).unwrap_or(""),
        None => "",
    }
}

/// `v` and one or more ASCII digits: `v2`, `v3`.
fn is_version(segment: &str) -> bool {
    let mut bytes = segment.bytes();
    bytes.next() == Some(b'v') && bytes.len() > 0 && bytes.all(|b| b.is_ascii_digit())
}

/// The requests in flight, overall and on each route of [`BIGCOMMERCE_LIMITS`], and the limits they are
/// held to. One per client: the limits are the store's, so every request to the store should count here.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Slots {
    overall: Option<u32>,
    routes: bool,
    in_flight: u32,
    on_route: [u32; ROUTES],
}

impl Slots {
    /// Slots with at most `overall` requests in flight (`None`: no cap; [`WORKER_CONNECTIONS`] in a
    /// Cloudflare Worker) and, when `routes` is true, at most each route's limit from
    /// [`BIGCOMMERCE_LIMITS`] on that route. A cap of 0 is read as 1: nothing could ever start under it,
    /// and every request would wait forever.
    pub fn new(overall: Option<u32>, routes: bool) -> Slots {
        Slots {
            overall: overall.map(|cap| cap.max(1)),
            routes,
            in_flight: 0,
            on_route: [0; ROUTES],
        }
    }

    /// Whether a request for `route` (from [`route_of`]) could start now: the overall cap and its
    /// route's limit both have a free slot. A route that is not in the table is held to the cap alone.
    pub fn can_start(&self, route: Option<usize>) -> bool {
        self.overall_has_room() && route.map_or(true, |route| self.route_has_room(route))
    }

    /// Whether a request for `route` (from [`route_of`]) may start now; when it may, it is counted as in
    /// flight until [`Slots::release`] is called with the same `route`.
    pub fn try_acquire(&mut self, route: Option<usize>) -> bool {
        if !self.can_start(route) {
            return false;
        }
        self.in_flight = self.in_flight.saturating_add(1);
        if let Some(count) = route.and_then(|route| self.on_route.get_mut(route)) {
            *count = count.saturating_add(1);
        }
        true
    }

    /// A request that had acquired ends (answered, failed or aborted). Releasing more than was acquired
    /// leaves the counts at zero.
    pub fn release(&mut self, route: Option<usize>) {
        self.in_flight = self.in_flight.saturating_sub(1);
        if let Some(count) = route.and_then(|route| self.on_route.get_mut(route)) {
            *count = count.saturating_sub(1);
        }
    }

    /// Requests in flight, on every route.
    pub fn in_flight(&self) -> u32 {
        self.in_flight
    }

    /// Requests in flight on `route`; 0 for an index that is not in the table.
    pub fn in_flight_on(&self, route: usize) -> u32 {
        self.on_route.get(route).copied().unwrap_or(0)
    }

    /// The limit `route` is held to, or `None` when it has none: the table is switched off, or the index
    /// is not in it.
    pub fn limit_of(&self, route: usize) -> Option<u32> {
        if !self.routes {
            return None;
        }
        BIGCOMMERCE_LIMITS.get(route).map(|known| known.limit)
    }

    fn overall_has_room(&self) -> bool {
        // Without a cap the count still has to fit its integer.
        self.in_flight < self.overall.unwrap_or(u32::MAX)
    }

    fn route_has_room(&self, route: usize) -> bool {
        self.in_flight_on(route) < self.limit_of(route).unwrap_or(u32::MAX)
    }
}

/// The position in `waiting` (each waiting request's route, oldest first) of the request to start now,
/// or `None` when none may.
///
/// The rule: the oldest request that [`Slots::can_start`]. So while the overall cap is full nothing
/// starts, and when a slot frees the oldest request takes it (first in, first out); but a request whose
/// own route is full does not hold up those behind it for other routes, which go ahead of it. Requests
/// for the same route always start in the order they came, since a full route stops all of them alike.
/// Call it again after each start, and after each release.
pub fn next_to_start(waiting: &[Option<usize>], slots: &Slots) -> Option<usize> {
    if !slots.overall_has_room() {
        return None;
    }
    waiting.iter().position(|route| slots.can_start(*route))
}

#[cfg(test)]
mod tests;

#[cfg(all(test, not(target_arch = "wasm32")))]
mod properties;
