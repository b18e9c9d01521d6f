//! `next_step`, `Hop::drops_header` and `CredentialHeaders::from_names` on any redirect, any
//! credential names and any header names.
//!
//! What each should do is worked out here from the Fetch standard's rules ("HTTP-redirect fetch")
//! and the two the module adds, not read back from the module's tables. Invariants:
//! - `next_step` never panics, and refuses exactly what it must, with the reason of the first rule
//!   broken in the order the module documents: the 21st redirect (20 already followed), a location
//!   that is not a URL, one that is not http or https, https to plain http, a one-shot body on
//!   anything but a 303; so it never follows any of them;
//! - a hop it follows is cross-origin exactly when the redirect is not same-origin; it turns the
//!   request into a GET after a 303 unless the method is GET or HEAD, after a 301 or 302 only for a
//!   POST (any case), and never after a 307 or 308 (nor any other status);
//! - `drops_header` drops a header exactly when the hop is cross-origin and the name is a credential
//!   (the five built in, or one the caller named, in any ASCII case), or the hop turns the request
//!   into a GET and the name is one of the body's headers: so every credential goes across origins,
//!   and none is dropped on a same-origin hop unless it is also a body header on a hop to GET;
//! - `from_names` accepts a list exactly when it has at most `MAX_CREDENTIAL_HEADERS` names and each
//!   is an RFC 9110 token (checked here byte by byte against the grammar's list), and then counts as
//!   credentials exactly the built-in names and those;
//! - `Scheme::from_protocol` reads "http" and "https", with or without one trailing colon, in any
//!   case, and nothing else.
#![no_main]

use arbitrary::{Arbitrary, Result, Unstructured};
use commerce_fetch::redirect::{
    next_step, CredentialHeaders, Hop, Redirect, RedirectRefusal, RedirectStep, RequestBody, Scheme,
    CREDENTIAL_HEADERS, MAX_CREDENTIAL_HEADERS, MAX_REDIRECTS,
};
use libfuzzer_sys::fuzz_target;

/// The headers that carry credentials: the three fetch itself drops across origins, and
/// BigCommerce's token and client id.
const CREDENTIALS: [&str; 5] = [
    "Authorization",
    "Cookie",
    "Proxy-Authorization",
    "X-Auth-Token",
    "X-Auth-Client",
];
/// The Fetch standard's request-body-header names.
const BODY_HEADERS: [&str; 4] = [
    "Content-Encoding",
    "Content-Language",
    "Content-Location",
    "Content-Type",
];
const OTHER_HEADERS: [&str; 5] = [
    "Accept",
    "Idempotency-Key",
    "X-Store-Secret",
    "Content-Length",
    "X-Auth",
];
const METHODS: [&str; 8] = [
    "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "QUERY",
];
const STATUSES: [u16; 9] = [301, 302, 303, 307, 308, 300, 304, 305, 306];

#[derive(Debug)]
struct Input {
    status: u16,
    method: String,
    followed: u32,
    from: Scheme,
    to: Option<Scheme>,
    same_origin: bool,
    body: RequestBody,
    /// The `credentialHeaders` option.
    names: Vec<String>,
    /// Headers of the request, asked about one by one.
    headers: Vec<String>,
    protocol: String,
}

fn scheme(u: &mut Unstructured<'_>) -> Result<Scheme> {
    Ok(*u.choose(&[Scheme::Http, Scheme::Https, Scheme::Other])?)
}

/// `name` with each ASCII letter in either case.
fn any_case(u: &mut Unstructured<'_>, name: &str) -> Result<String> {
    name.chars()
        .map(|c| {
            Ok(if u.arbitrary()? {
                c.to_ascii_uppercase()
            } else {
                c.to_ascii_lowercase()
            })
        })
        .collect()
}

/// One of `names`, with each ASCII letter in either case.
fn any_case_of(u: &mut Unstructured<'_>, names: &[&str]) -> Result<String> {
    let name = *u.choose(names)?;
    any_case(u, name)
}

/// A header name: a known one in any case, a token, or any text.
fn header_name(u: &mut Unstructured<'_>, named: &[String]) -> Result<String> {
    match u.int_in_range(0..=5)? {
        0 => any_case_of(u, &CREDENTIALS),
        1 => any_case_of(u, &BODY_HEADERS),
        2 => any_case_of(u, &OTHER_HEADERS),
        3 if !named.is_empty() => {
            let name = u.choose(named)?.clone();
            any_case(u, &name)
        }
        4 => token(u),
        _ => u.arbitrary(),
    }
}

/// A string of token characters, sometimes with one byte that is not.
fn token(u: &mut Unstructured<'_>) -> Result<String> {
    let len = u.int_in_range(0..=12)?;
    let mut name = String::new();
    for _ in 0..len {
        let b: u8 = u.int_in_range(0x20..=0x7f)?;
        if is_tchar(b) || u.ratio(1, 16)? {
            name.push(char::from(b));
        }
    }
    Ok(name)
}

impl<'a> Arbitrary<'a> for Input {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        let names: Vec<String> = match u.int_in_range(0..=7)? {
            // Around the limit: that many distinct token names.
            0 => {
                let count = u.int_in_range(MAX_CREDENTIAL_HEADERS - 2..=MAX_CREDENTIAL_HEADERS + 2)?;
                (0..count).map(|i| format!("X-Secret-{i}")).collect()
            }
            _ => {
                let count = u.int_in_range(0..=4)?;
                (0..count).map(|_| header_name(u, &[])).collect::<Result<_>>()?
            }
        };
        let count = u.int_in_range(0..=6)?;
        let headers = (0..count)
            .map(|_| header_name(u, &names))
            .collect::<Result<_>>()?;
        Ok(Input {
            status: if u.ratio(7, 8)? {
                *u.choose(&STATUSES)?
            } else {
                u.arbitrary()?
            },
            method: if u.ratio(7, 8)? {
                any_case_of(u, &METHODS)?
            } else {
                u.arbitrary()?
            },
            followed: if u.ratio(7, 8)? {
                u.int_in_range(0..=MAX_REDIRECTS + 2)?
            } else {
                u.arbitrary()?
            },
            from: scheme(u)?,
            to: if u.ratio(1, 8)? { None } else { Some(scheme(u)?) },
            same_origin: u.arbitrary()?,
            body: *u.choose(&[RequestBody::None, RequestBody::Replayable, RequestBody::Once])?,
            names,
            headers,
            protocol: match u.int_in_range(0..=2)? {
                0 => any_case_of(u, &["http", "https", "http:", "https:", "ws:", "http::"])?,
                _ => u.arbitrary()?,
            },
        })
    }
}

/// `tchar` of RFC 9110, section 5.6.2, as the grammar lists it.
fn is_tchar(b: u8) -> bool {
    b"!#$%&'*+-.^_`|~".contains(&b) || b.is_ascii_digit() || b.is_ascii_alphabetic()
}

fn is_token(name: &str) -> bool {
    !name.is_empty() && name.bytes().all(is_tchar)
}

fn one_of(list: &[&str], name: &str) -> bool {
    list.iter().any(|known| known.eq_ignore_ascii_case(name))
}

/// The refusal the rules call for, checked in the documented order, or `None` to follow.
fn expected_refusal(redirect: &Redirect<'_>) -> Option<RedirectRefusal> {
    if redirect.followed >= 20 {
        Some(RedirectRefusal::TooManyRedirects)
    } else if redirect.to.is_none() {
        Some(RedirectRefusal::InvalidLocation)
    } else if redirect.to == Some(Scheme::Other) {
        Some(RedirectRefusal::UnsupportedScheme)
    } else if redirect.from == Scheme::Https && redirect.to == Some(Scheme::Http) {
        Some(RedirectRefusal::Insecure)
    } else if redirect.body == RequestBody::Once && redirect.status != 303 {
        Some(RedirectRefusal::BodyNotReplayable)
    } else {
        None
    }
}

/// Whether the hop sends a GET without the body.
fn expected_to_get(status: u16, method: &str) -> bool {
    let is = |name: &str| method.eq_ignore_ascii_case(name);
    match status {
        301 | 302 => is("POST"),
        303 => !is("GET") && !is("HEAD"),
        _ => false,
    }
}

fuzz_target!(|input: Input| {
    // The module's list holds the same five names.
    assert_eq!(CREDENTIAL_HEADERS.len(), CREDENTIALS.len());
    for name in CREDENTIALS {
        assert!(
            CREDENTIAL_HEADERS.contains(&name.to_ascii_lowercase().as_str()),
            "{name}"
        );
    }
    assert_eq!(MAX_REDIRECTS, 20, "the Fetch standard's limit");

    let redirect = Redirect {
        status: input.status,
        method: &input.method,
        followed: input.followed,
        from: input.from,
        to: input.to,
        same_origin: input.same_origin,
        body: input.body,
    };
    let step = next_step(&redirect);
    match (expected_refusal(&redirect), step) {
        (Some(expected), RedirectStep::Refuse(refusal)) => {
            assert_eq!(refusal, expected, "{redirect:?}")
        }
        (Some(expected), RedirectStep::Follow(hop)) => {
            panic!("followed {redirect:?} as {hop:?}; it breaks {expected:?}")
        }
        (None, RedirectStep::Refuse(refusal)) => panic!("refused {redirect:?}: {refusal:?}"),
        (None, RedirectStep::Follow(hop)) => {
            assert_eq!(hop.cross_origin, !redirect.same_origin, "{redirect:?}");
            assert_eq!(
                hop.to_get,
                expected_to_get(redirect.status, redirect.method),
                "{redirect:?}"
            );
        }
    }

    let names: Vec<&str> = input.names.iter().map(String::as_str).collect();
    let accepted = names.len() <= MAX_CREDENTIAL_HEADERS && names.iter().all(|name| is_token(name));
    let not_tokens: Vec<&&str> = names.iter().filter(|name| !is_token(name)).collect();
    let credentials = match CredentialHeaders::from_names(names.iter().copied()) {
        Ok(credentials) => {
            assert!(
                accepted,
                "accepted {} names, of which {not_tokens:?}",
                names.len()
            );
            credentials
        }
        Err(error) => {
            assert!(!accepted, "refused {} tokens: {error:?}", names.len());
            assert_eq!(error.option, "credentialHeaders");
            CredentialHeaders::default()
        }
    };
    let named: &[&str] = if accepted { &names } else { &[] };

    for header in &input.headers {
        let credential = one_of(&CREDENTIALS, header) || one_of(named, header);
        assert_eq!(
            credentials.contains(header),
            credential,
            "{header:?} among {named:?}"
        );
        let body_header = one_of(&BODY_HEADERS, header);
        for (to_get, cross_origin) in [(false, false), (false, true), (true, false), (true, true)] {
            let hop = Hop { to_get, cross_origin };
            let dropped = hop.drops_header(header, &credentials);
            let expected = cross_origin && credential || to_get && body_header;
            assert_eq!(dropped, expected, "{header:?} on {hop:?}, credentials {named:?}");
        }
    }

    let bare = input.protocol.strip_suffix(':').unwrap_or(&input.protocol);
    let expected = if bare.eq_ignore_ascii_case("https") {
        Scheme::Https
    } else if bare.eq_ignore_ascii_case("http") {
        Scheme::Http
    } else {
        Scheme::Other
    };
    assert_eq!(
        Scheme::from_protocol(&input.protocol),
        expected,
        "{:?}",
        input.protocol
    );
});
