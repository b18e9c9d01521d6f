//! Following redirects without sending credentials to another origin.
//!
//! On a redirect that changes origin, fetch drops only `Authorization`, `Cookie` and
//! `Proxy-Authorization`; BigCommerce's credential is `X-Auth-Token`, a custom header that fetch
//! forwards to wherever the redirect leads. Where the runtime shows the package a redirect
//! (`redirect: "manual"` in Node, Deno, Bun and workerd), the JavaScript shell follows it itself and
//! asks [`next_step`] what the next request may carry. A browser answers a manual redirect with an
//! opaque response that hides its destination: a request that carries credentials is then not
//! followed at all ([`RedirectRefusal::Hidden`]).
//!
//! The rules are the Fetch standard's ("HTTP-redirect fetch"), with two additions: credential headers
//! are dropped whenever the origin changes, and a redirect from https to plain http is refused.

use alloc::{string::String, vec::Vec};

use crate::message::{quoted, Message};
use crate::policy::ConfigError;

/// The most redirects one attempt follows: the Fetch standard's limit.
pub const MAX_REDIRECTS: u32 = 20;

/// The most header names `credentialHeaders` may list.
pub const MAX_CREDENTIAL_HEADERS: usize = 100;

/// Headers that carry credentials, in lower case: BigCommerce's `X-Auth-Token` (an API account's
/// token) and `X-Auth-Client` (its client id), and the three that fetch itself drops across origins.
pub const CREDENTIAL_HEADERS: [&str; 5] = [
    "x-auth-token",
    "x-auth-client",
    "authorization",
    "cookie",
    "proxy-authorization",
];

/// Headers that describe a request body: dropped with the body when a redirect turns the request
/// into a GET (the Fetch standard's "request-body-header names").
const BODY_HEADERS: [&str; 4] = [
    "content-encoding",
    "content-language",
    "content-location",
    "content-type",
];

/// The statuses fetch follows. 300, 304, 305 and 306 are returned as they are.
pub fn is_followed(status: u16) -> bool {
    matches!(status, 301 | 302 | 303 | 307 | 308)
}

/// The credential headers of a client: the built-in ones and any the caller names.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CredentialHeaders {
    /// Names the caller added, in lower case.
    extra: Vec<String>,
}

impl CredentialHeaders {
    /// The built-in names plus `names` (the `credentialHeaders` option), each checked to be a header
    /// name.
    pub fn from_names<'a>(
        names: impl IntoIterator<Item = &'a str>,
    ) -> Result<CredentialHeaders, ConfigError> {
        let mut extra = Vec::new();
        for name in names {
            if !is_token(name) || extra.len() == MAX_CREDENTIAL_HEADERS {
                return Err(ConfigError::new(
                    "credentialHeaders",
                    "a list of up to 100 header names",
                    quoted(name),
                ));
            }
            extra.push(name.to_ascii_lowercase());
        }
        Ok(CredentialHeaders { extra })
    }

    /// Whether `name` (in any case) carries credentials.
    pub fn contains(&self, name: &str) -> bool {
        CREDENTIAL_HEADERS
            .iter()
            .any(|known| known.eq_ignore_ascii_case(name))
            || self.extra.iter().any(|known| known.eq_ignore_ascii_case(name))
    }
}

/// A URL scheme, as far as redirects care.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scheme {
    /// `http:`
    Http,
    /// `https:`
    Https,
    /// Anything else (`data:`, `file:`, `javascript:` …): fetch does not follow a redirect there.
    Other,
}

impl Scheme {
    /// The scheme of a URL's `protocol` (`"https:"`, with or without the colon), in any case.
    pub fn from_protocol(protocol: &str) -> Scheme {
        let name = protocol.strip_suffix(':').unwrap_or(protocol);
        if name.eq_ignore_ascii_case("https") {
            Scheme::Https
        } else if name.eq_ignore_ascii_case("http") {
            Scheme::Http
        } else {
            Scheme::Other
        }
    }
}

/// The request's body, as far as sending it again is concerned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RequestBody {
    /// No body.
    None,
    /// A body that can be sent again: text, bytes, a form, a buffered stream, a `Request`'s own body.
    Replayable,
    /// A stream or iterable, which can be read only once.
    Once,
}

/// A redirect response and the request it answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Redirect<'a> {
    /// The response's status: one that [`is_followed`].
    pub status: u16,
    /// The request's method, as sent.
    pub method: &'a str,
    /// Redirects this attempt has already followed.
    pub followed: u32,
    /// The scheme of the URL that answered.
    pub from: Scheme,
    /// The scheme of the URL the `Location` header leads to, or `None` when it is not a URL.
    pub to: Option<Scheme>,
    /// Whether the new URL has the same origin (scheme, host and port) as the one that answered.
    pub same_origin: bool,
    /// The request's body.
    pub body: RequestBody,
}

/// Why a redirect is not followed. The call fails with a `RedirectError` carrying the reason.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RedirectRefusal {
    /// More than [`MAX_REDIRECTS`] in one attempt: a loop.
    TooManyRedirects,
    /// The `Location` header is not a URL.
    InvalidLocation,
    /// The new URL is not http or https.
    UnsupportedScheme,
    /// From https to plain http: the request, credentials included, would travel unencrypted.
    Insecure,
    /// A 307 or 308 asks for the body again, and it was a stream that has been read.
    BodyNotReplayable,
    /// The runtime hides where the redirect leads (a browser's opaque redirect). The browser entry
    /// asks for a manual redirect only for a request that carries credentials, which must not reach
    /// another origin; another entry used in a browser learns it from the first redirect it meets.
    Hidden,
}

impl RedirectRefusal {
    /// A stable name for JavaScript: `"too_many_redirects"`, `"invalid_location"`,
    /// `"unsupported_scheme"`, `"insecure_redirect"`, `"body_not_replayable"` or `"redirect_hidden"`.
    pub fn as_str(self) -> &'static str {
        match self {
            RedirectRefusal::TooManyRedirects => "too_many_redirects",
            RedirectRefusal::InvalidLocation => "invalid_location",
            RedirectRefusal::UnsupportedScheme => "unsupported_scheme",
            RedirectRefusal::Insecure => "insecure_redirect",
            RedirectRefusal::BodyNotReplayable => "body_not_replayable",
            RedirectRefusal::Hidden => "redirect_hidden",
        }
    }

    /// Why, as the end of a sentence: "… was not followed: `<explain>`".
    pub fn explain(self) -> &'static str {
        match self {
            RedirectRefusal::TooManyRedirects => "the server redirected more than 20 times",
            RedirectRefusal::InvalidLocation => "its Location header is not a valid URL",
            RedirectRefusal::UnsupportedScheme => "it leads to a URL that is not http or https",
            RedirectRefusal::Insecure => {
                "it leads from https to plain http, where the request and its credentials would travel unencrypted"
            }
            RedirectRefusal::BodyNotReplayable => {
                "it asks for the body to be sent again, and the body was a stream that can be read only once (see the bufferBody option)"
            }
            RedirectRefusal::Hidden => {
                "this runtime hides where the redirect leads (a browser's opaque redirect), so the package cannot make sure that credentials stay with their origin"
            }
        }
    }

    /// The error message of a call that ends with this refusal: "GET was redirected (302) and the
    /// redirect was not followed: …". `status` is 0 when the runtime hid it.
    pub fn message(self, method: &str, status: u16) -> String {
        let message = Message::new().text(method).text(" was redirected");
        let message = if status == 0 {
            message
        } else {
            message.text(" (").number(u64::from(status)).text(")")
        };
        message
            .text(" and the redirect was not followed: ")
            .text(self.explain())
            .finish()
    }
}

/// How to send the request to the redirect's destination.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hop {
    /// Send a GET without the body and its headers (301/302 after a POST, 303 after anything but a
    /// GET or HEAD), as fetch does.
    pub to_get: bool,
    /// The origin changes: drop every credential header.
    pub cross_origin: bool,
}

impl Hop {
    /// Whether the header `name` is left out of the next request.
    pub fn drops_header(&self, name: &str, credentials: &CredentialHeaders) -> bool {
        (self.cross_origin && credentials.contains(name))
            || (self.to_get && BODY_HEADERS.iter().any(|h| h.eq_ignore_ascii_case(name)))
    }
}

/// What to do with a redirect.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RedirectStep {
    /// Send the request on to the `Location`.
    Follow(Hop),
    /// Fail the call.
    Refuse(RedirectRefusal),
}

/// Whether and how to follow `redirect`. The checks run in the Fetch standard's order (hop count,
/// location, scheme, body), with the refusal of https → http before the body check.
pub fn next_step(redirect: &Redirect<'_>) -> RedirectStep {
    if redirect.followed >= MAX_REDIRECTS {
        return RedirectStep::Refuse(RedirectRefusal::TooManyRedirects);
    }
    let to = match redirect.to {
        None => return RedirectStep::Refuse(RedirectRefusal::InvalidLocation),
        Some(Scheme::Other) => return RedirectStep::Refuse(RedirectRefusal::UnsupportedScheme),
        Some(scheme) => scheme,
    };
    if redirect.from == Scheme::Https && to == Scheme::Http {
        return RedirectStep::Refuse(RedirectRefusal::Insecure);
    }
    // A 303 never resends the body; every other redirect may, which a used-up stream cannot.
    if redirect.status != 303 && redirect.body == RequestBody::Once {
        return RedirectStep::Refuse(RedirectRefusal::BodyNotReplayable);
    }
    let is = |name: &str| redirect.method.eq_ignore_ascii_case(name);
    let to_get = match redirect.status {
        301 | 302 => is("POST"),
        303 => !is("GET") && !is("HEAD"),
        _ => false,
    };
    RedirectStep::Follow(Hop {
        to_get,
        cross_origin: !redirect.same_origin,
    })
}

/// Whether `name` is an HTTP token (RFC 9110, section 5.6.2), as a header name must be.
fn is_token(name: &str) -> bool {
    !name.is_empty()
        && name.bytes().all(|b| {
            b.is_ascii_alphanumeric()
                || matches!(
                    b,
                    b'!' | b'#'
                        | b'$'
                        | b'%'
                        | b'&'
                        | b'\''
                        | b'*'
                        | b'+'
                        | b'-'
                        | b'.'
                        | b'^'
                        | b'_'
                        | b'`'
                        | b'|'
                        | b'~'
                )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn redirect(status: u16, method: &str) -> Redirect<'_> {
        Redirect {
            status,
            method,
            followed: 0,
            from: Scheme::Https,
            to: Some(Scheme::Https),
            same_origin: true,
            body: RequestBody::None,
        }
    }

    fn follows(redirect: Redirect<'_>) -> Hop {
        match next_step(&redirect) {
            RedirectStep::Follow(hop) => hop,
            RedirectStep::Refuse(refusal) => panic!("refused: {refusal:?}"),
        }
    }

    fn refusal(redirect: Redirect<'_>) -> RedirectRefusal {
        match next_step(&redirect) {
            RedirectStep::Refuse(refusal) => refusal,
            RedirectStep::Follow(hop) => panic!("followed: {hop:?}"),
        }
    }

    #[test]
    fn only_the_five_redirect_statuses_are_followed() {
        for status in [301, 302, 303, 307, 308] {
            assert!(is_followed(status), "{status}");
        }
        for status in [200, 300, 304, 305, 306, 309, 399] {
            assert!(!is_followed(status), "{status}");
        }
    }

    #[test]
    fn a_cross_origin_redirect_drops_every_credential_header() {
        let hop = follows(Redirect {
            same_origin: false,
            ..redirect(302, "GET")
        });
        let credentials = CredentialHeaders::default();
        for name in [
            "X-Auth-Token",
            "x-auth-client",
            "Authorization",
            "COOKIE",
            "proxy-authorization",
        ] {
            assert!(hop.drops_header(name, &credentials), "{name}");
        }
        assert!(!hop.drops_header("Accept", &credentials));
        assert!(!hop.drops_header("Idempotency-Key", &credentials));
    }

    #[test]
    fn a_same_origin_redirect_keeps_the_credentials() {
        let hop = follows(redirect(301, "GET"));
        assert!(!hop.cross_origin);
        assert!(!hop.drops_header("X-Auth-Token", &CredentialHeaders::default()));
    }

    #[test]
    fn headers_the_caller_names_count_as_credentials() {
        let credentials = CredentialHeaders::from_names(["X-Store-Secret"]).unwrap();
        assert!(credentials.contains("x-store-secret"));
        assert!(credentials.contains("X-Auth-Token"));
        let hop = follows(Redirect {
            same_origin: false,
            ..redirect(307, "GET")
        });
        assert!(hop.drops_header("X-STORE-SECRET", &credentials));
    }

    #[test]
    fn a_credential_header_name_must_be_a_header_name() {
        for bad in ["", "x auth", "x-auth:", "tökén"] {
            let error = CredentialHeaders::from_names([bad]).unwrap_err();
            assert_eq!(error.option, "credentialHeaders", "{bad:?}");
        }
        let too_many: Vec<String> = (0..=MAX_CREDENTIAL_HEADERS)
            .map(|i| alloc::format!("x-{i}"))
            .collect();
        assert!(CredentialHeaders::from_names(too_many.iter().map(String::as_str)).is_err());
    }

    #[test]
    fn https_to_http_is_refused() {
        assert_eq!(
            refusal(Redirect {
                to: Some(Scheme::Http),
                same_origin: false,
                ..redirect(302, "GET")
            }),
            RedirectRefusal::Insecure
        );
        // http to https is an upgrade, and http to http changes nothing.
        follows(Redirect {
            from: Scheme::Http,
            to: Some(Scheme::Https),
            ..redirect(301, "GET")
        });
        follows(Redirect {
            from: Scheme::Http,
            to: Some(Scheme::Http),
            ..redirect(301, "GET")
        });
    }

    #[test]
    fn a_location_that_is_not_an_http_url_is_refused() {
        assert_eq!(
            refusal(Redirect {
                to: None,
                ..redirect(302, "GET")
            }),
            RedirectRefusal::InvalidLocation
        );
        assert_eq!(
            refusal(Redirect {
                to: Some(Scheme::Other),
                ..redirect(302, "GET")
            }),
            RedirectRefusal::UnsupportedScheme
        );
    }

    #[test]
    fn the_twenty_first_redirect_is_refused() {
        follows(Redirect {
            followed: MAX_REDIRECTS - 1,
            ..redirect(302, "GET")
        });
        assert_eq!(
            refusal(Redirect {
                followed: MAX_REDIRECTS,
                ..redirect(302, "GET")
            }),
            RedirectRefusal::TooManyRedirects
        );
    }

    #[test]
    fn a_post_becomes_a_get_after_301_302_and_303_but_not_after_307_and_308() {
        for status in [301, 302, 303] {
            let hop = follows(redirect(status, "post"));
            assert!(hop.to_get, "{status}");
            assert!(hop.drops_header("Content-Type", &CredentialHeaders::default()));
        }
        for status in [307, 308] {
            let hop = follows(redirect(status, "POST"));
            assert!(!hop.to_get, "{status}");
            assert!(!hop.drops_header("Content-Type", &CredentialHeaders::default()));
        }
        // 303 turns a PUT into a GET as well; 301 and 302 change only a POST.
        assert!(follows(redirect(303, "PUT")).to_get);
        assert!(!follows(redirect(302, "PUT")).to_get);
        assert!(!follows(redirect(303, "HEAD")).to_get);
    }

    #[test]
    fn a_stream_body_cannot_follow_a_redirect_that_resends_it() {
        for status in [301, 302, 307, 308] {
            assert_eq!(
                refusal(Redirect {
                    body: RequestBody::Once,
                    ..redirect(status, "PUT")
                }),
                RedirectRefusal::BodyNotReplayable,
                "{status}"
            );
        }
        // A 303 sends a GET without the body.
        assert!(
            follows(Redirect {
                body: RequestBody::Once,
                ..redirect(303, "PUT")
            })
            .to_get
        );
        follows(Redirect {
            body: RequestBody::Replayable,
            ..redirect(308, "PUT")
        });
    }

    #[test]
    fn refusal_messages_name_the_method_and_status_and_no_url() {
        assert_eq!(
            RedirectRefusal::Insecure.message("GET", 302),
            "GET was redirected (302) and the redirect was not followed: it leads from https to plain \
             http, where the request and its credentials would travel unencrypted"
        );
        assert!(RedirectRefusal::Hidden
            .message("POST", 0)
            .starts_with("POST was redirected and the redirect was not followed: "));
    }

    #[test]
    fn protocols_are_read_with_or_without_the_colon() {
        assert_eq!(Scheme::from_protocol("https:"), Scheme::Https);
        assert_eq!(Scheme::from_protocol("HTTP"), Scheme::Http);
        assert_eq!(Scheme::from_protocol("data:"), Scheme::Other);
        assert_eq!(Scheme::from_protocol(""), Scheme::Other);
    }
}
