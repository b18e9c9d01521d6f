//! Which store a request is for: the key its shared state (pacing, budget, breaker, concurrency) is
//! kept under. A store's quota is shared by every client of it (`bigcommerce-api-behaviour.md`), so
//! every request to one store meets the same state, whatever client sends it.
//!
//! A REST Management API URL names its store in the path (`https://api.bigcommerce.com/stores/{hash}/…`):
//! the key is the host and that prefix. Any other URL's key is its origin (a storefront's GraphQL
//! endpoint is a host of its own; another API is paced by its own headers).

use alloc::string::String;

/// The host of BigCommerce's REST Management API.
pub const API_HOST: &str = "api.bigcommerce.com";

/// The key of the store `url` is for: `api.bigcommerce.com/stores/{hash}` for the REST Management API,
/// else the URL's origin in lower case (`https://example.com:8443`); `None` for a URL without one.
pub fn store_key(url: &str) -> Option<String> {
    let (scheme, rest) = split_at_str(url, "://")?;
    let authority_end = rest
        .bytes()
        .position(|b| matches!(b, b'/' | b'?' | b'#'))
        .unwrap_or(rest.len());
    let authority = rest.get(..authority_end)?;
    // Userinfo is never part of a key (it would carry credentials into stats).
    let host = authority
        .bytes()
        .rposition(|b| b == b'@')
        .and_then(|at| authority.get(at + 1..))
        .unwrap_or(authority);
    if host.is_empty() || scheme.is_empty() {
        return None;
    }
    let path = rest.get(authority_end..).unwrap_or("");
    let mut key = String::new();
    if host.eq_ignore_ascii_case(API_HOST) {
        if let Some(hash) = store_hash(path) {
            key.push_str(API_HOST);
            key.push_str("/stores/");
            key.push_str(hash);
            return Some(key);
        }
    }
    key.push_str(&scheme.to_ascii_lowercase());
    key.push_str("://");
    key.push_str(&host.to_ascii_lowercase());
    Some(key)
}

/// The `{hash}` of a path that starts `/stores/{hash}/`.
fn store_hash(path: &str) -> Option<&str> {
    let rest = path.strip_prefix("/stores/")?;
    let end = rest
        .bytes()
        .position(|b| matches!(b, b'/' | b'?' | b'#'))
        .unwrap_or(rest.len());
    rest.get(..end).filter(|hash| !hash.is_empty())
}

/// `text` before and after the first `separator`. By hand: `str::find` brings its searcher and a
/// slice-index panic into the wasm.
fn split_at_str<'a>(text: &'a str, separator: &str) -> Option<(&'a str, &'a str)> {
    let needle = separator.as_bytes();
    let at = text
        .as_bytes()
        .windows(needle.len().max(1))
        .position(|window| window == needle)?;
    Some((text.get(..at)?, text.get(at + separator.len()..)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rest_url_is_keyed_by_its_store() {
        for url in [
            "https://api.bigcommerce.com/stores/abc123/v3/catalog/products?limit=5",
            "https://API.BigCommerce.com/stores/abc123/v2/orders",
            "https://api.bigcommerce.com/stores/abc123",
        ] {
            assert_eq!(
                store_key(url).as_deref(),
                Some("api.bigcommerce.com/stores/abc123"),
                "{url}"
            );
        }
        assert_ne!(
            store_key("https://api.bigcommerce.com/stores/other/v3/x"),
            store_key("https://api.bigcommerce.com/stores/abc123/v3/x")
        );
    }

    #[test]
    fn any_other_url_is_keyed_by_its_origin_without_userinfo() {
        assert_eq!(
            store_key("https://Store-abc123.mybigcommerce.com/graphql").as_deref(),
            Some("https://store-abc123.mybigcommerce.com")
        );
        assert_eq!(
            store_key("http://user:secret@127.0.0.1:8080/stores/abc/v3").as_deref(),
            Some("http://127.0.0.1:8080")
        );
        assert_eq!(
            store_key("https://api.bigcommerce.com/v3/nothing").as_deref(),
            Some("https://api.bigcommerce.com")
        );
    }

    #[test]
    fn a_url_without_an_origin_has_no_key() {
        for url in ["", "/v3/catalog", "https://", "://x", "mailto:a@b", "https://@/x"] {
            assert_eq!(store_key(url), None, "{url}");
        }
    }
}
