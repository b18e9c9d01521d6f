//! What each HTTP status means when a BigCommerce API sends it.
//!
//! The table covers every code on BigCommerce's status-code page, plus 408, 502 and 504, which its
//! retry advice names. Any other integer is described from its class (1xx…5xx) or as `unknown`.

/// The broad class of a status code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Category {
    /// 100–199: an interim answer; the final one follows.
    Informational,
    /// 200–299: the request was understood and carried out (perhaps only in part, for 207).
    Success,
    /// 300–399: the client has to do something more, such as follow a new address.
    Redirection,
    /// 400–499: the request itself is at fault; sending it again unchanged rarely helps.
    ClientError,
    /// 500–599: the server failed; a later attempt may succeed.
    ServerError,
    /// Anything outside 100–599.
    Unknown,
}

impl Category {
    /// The class a code belongs to, by its hundreds digit.
    pub fn of(code: i64) -> Category {
        match code {
            100..=199 => Category::Informational,
            200..=299 => Category::Success,
            300..=399 => Category::Redirection,
            400..=499 => Category::ClientError,
            500..=599 => Category::ServerError,
            _ => Category::Unknown,
        }
    }

    /// The name used in JavaScript: `"informational"`, `"success"`, `"redirection"`, `"client_error"`,
    /// `"server_error"` or `"unknown"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Informational => "informational",
            Category::Success => "success",
            Category::Redirection => "redirection",
            Category::ClientError => "client_error",
            Category::ServerError => "server_error",
            Category::Unknown => "unknown",
        }
    }
}

/// Everything the library knows about one status code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StatusInfo {
    /// The status code as given (any integer, not only valid HTTP codes).
    pub code: i64,
    /// The reason phrase, such as `"Too Many Requests"`; for unlisted codes, the name of the class.
    pub text: &'static str,
    /// The class of the code.
    pub category: Category,
    /// What the code means from BigCommerce, in a sentence or two.
    pub meaning: &'static str,
    /// Whether sending the same request again later can succeed. This matches the default retry rules:
    /// true for 408, 429, 500, 502, 503 and 504 only.
    pub retryable: bool,
    /// What usually leads to this code.
    pub causes: &'static [&'static str],
    /// What to do about it.
    pub remedies: &'static [&'static str],
}

/// The codes retried by default: request timeout, rate limit, and the transient server errors that
/// BigCommerce's rate-limit guide says to retry (500, 502, 503, 504; never 501 or 505).
pub const DEFAULT_RETRY_STATUS_CODES: &[u16] = &[408, 429, 500, 502, 503, 504];

/// Interprets any integer as a status code. Never panics: codes outside the table are described from
/// their class, and codes outside 100–599 as `unknown`.
pub fn interpret(code: i64) -> StatusInfo {
    match KNOWN.iter().find(|entry| i64::from(entry.code) == code) {
        Some(entry) => StatusInfo {
            code,
            text: entry.text,
            category: Category::of(code),
            meaning: entry.meaning,
            retryable: entry.retryable,
            causes: entry.causes,
            remedies: entry.remedies,
        },
        None => from_class(code),
    }
}

/// Every code with an entry of its own, in ascending order.
pub fn known_codes() -> impl Iterator<Item = u16> {
    KNOWN.iter().map(|entry| entry.code)
}

struct Entry {
    code: u16,
    text: &'static str,
    meaning: &'static str,
    retryable: bool,
    causes: &'static [&'static str],
    remedies: &'static [&'static str],
}

fn from_class(code: i64) -> StatusInfo {
    let category = Category::of(code);
    let (text, meaning, causes, remedies): (&str, &str, &[&str], &[&str]) = match category {
        Category::Informational => (
            "Informational",
            "An interim response that BigCommerce does not document; fetch normally hides these and waits for the final one.",
            &["A proxy or server sent a 1xx status that reached the application."],
            &["Treat it as incomplete and look at the final response instead."],
        ),
        Category::Success => (
            "Success",
            "An undocumented success code: the request was accepted, but the body may not have the usual shape.",
            &["An endpoint or proxy answered with a 2xx code outside BigCommerce's list."],
            &["Read the body before relying on it; check the endpoint's reference for what it returns."],
        ),
        Category::Redirection => (
            "Redirection",
            "An undocumented redirect: the resource is answered from somewhere else.",
            &["A changed route, a proxy, or an http:// address being sent to https://."],
            &["Call the final https:// address directly and update the stored URL."],
        ),
        Category::ClientError => (
            "Client Error",
            "An undocumented client error: the server refused this request as it was sent.",
            &["Something in the request (address, headers, body or credentials) is not what the server accepts."],
            &[
                "Read the response body for details.",
                "Fix the request before sending it again; repeating it unchanged will not help.",
            ],
        ),
        Category::ServerError => (
            "Server Error",
            "An undocumented server error: the server or a proxy in front of it failed.",
            &["A fault in BigCommerce, a CDN or a proxy between the client and the store."],
            &[
                "Retry later if the request is safe to repeat (these codes are not retried by default).",
                "Check the BigCommerce status page.",
            ],
        ),
        Category::Unknown => (
            "Unknown",
            "Not an HTTP status code: valid codes run from 100 to 599.",
            &["The value did not come from an HTTP response, or a proxy sent a malformed status line."],
            &["Check where the number came from; treat the outcome as a failure of unknown cause."],
        ),
    };
    StatusInfo {
        code,
        text,
        category,
        meaning,
        retryable: false,
        causes,
        remedies,
    }
}

const KNOWN: &[Entry] = &[
    Entry {
        code: 200,
        text: "OK",
        meaning: "The request succeeded; GET and PUT requests normally answer with it.",
        retryable: false,
        causes: &["A successful read or update."],
        remedies: &[
            "Use the body. A GraphQL response can still carry an errors array with this code; check it.",
            "A batch endpoint may list failed items in the body even on 200; never assume every item worked.",
        ],
    },
    Entry {
        code: 201,
        text: "Created",
        meaning: "A POST created a new resource.",
        retryable: false,
        causes: &["A successful create."],
        remedies: &[
            "Read the new resource (and its id) from the body.",
            "Do not send the POST again: a second one would create a duplicate.",
        ],
    },
    Entry {
        code: 202,
        text: "Accepted",
        meaning: "The request was queued as a task and will be carried out later; it has not finished yet.",
        retryable: false,
        causes: &["An endpoint that works in the background, such as deleting a category tree or a job."],
        remedies: &[
            "Read the body for a job id or counts, and poll the job's endpoint until it reports completion.",
            "Do not resend the request to hurry it along.",
        ],
    },
    Entry {
        code: 204,
        text: "No Content",
        meaning: "The request succeeded and there is nothing to return, as after a DELETE.",
        retryable: false,
        causes: &[
            "A successful delete or update with no body.",
            "Some GET endpoints (order shipments, order transactions) answer 204 when the list is empty.",
            "A redirect that lost its target: BigCommerce lists 204 with redirects as a sign the URL is off.",
        ],
        remedies: &[
            "Do not parse a body; treat a GET's 204 as an empty list.",
            "If you expected data, try the www or non-www form of the store's URL.",
        ],
    },
    Entry {
        code: 207,
        text: "Multi-Status",
        meaning: "Several operations ran and their results differ: some items succeeded and some failed.",
        retryable: false,
        causes: &["A batch create or update (products, variants, categories, brands, pages) where part failed."],
        remedies: &[
            "Keep the data array: it holds the items that were saved.",
            "Read the errors object for what failed and resend only those items, fixed.",
        ],
    },
    Entry {
        code: 301,
        text: "Moved Permanently",
        meaning: "The resource now lives at another address, for example the https:// form of an http:// URL.",
        retryable: false,
        causes: &["The request used http:// instead of https://.", "An API route has moved (rare)."],
        remedies: &[
            "Send requests to https:// addresses.",
            "Try the www or non-www form of the URL and store the address that answers directly.",
        ],
    },
    Entry {
        code: 302,
        text: "Found",
        meaning: "The resource is answered from another address for now.",
        retryable: false,
        causes: &["A temporary redirect, often between the www and non-www forms of a storefront URL."],
        remedies: &["Try the www or non-www form of the URL so that no redirect is needed."],
    },
    Entry {
        code: 304,
        text: "Not Modified",
        meaning: "The resource has not changed since the date sent in If-Modified-Since; there is no body.",
        retryable: false,
        causes: &["The request carried If-Modified-Since and the resource is unchanged since then."],
        remedies: &["Use the copy you already have."],
    },
    Entry {
        code: 400,
        text: "Bad Request",
        meaning: "The request was malformed and could not be understood.",
        retryable: false,
        causes: &[
            "Invalid syntax in the body, such as broken JSON.",
            "Required data is missing.",
            "The Content-Type header is missing.",
        ],
        remedies: &[
            "Check the request body for syntax errors and missing fields.",
            "Send a Content-Type header that matches the body.",
        ],
    },
    Entry {
        code: 401,
        text: "Unauthorized",
        meaning: "Credentials were missing or not accepted.",
        retryable: false,
        causes: &[
            "The API token is missing, wrong, revoked or expired (for GraphQL, an expired storefront JWT).",
            "The client id or store hash does not belong to the token.",
        ],
        remedies: &[
            "Check the access token and client id, and that the X-Auth-Token header is sent.",
            "Repeat the call with curl and the same credentials to tell an app problem from a credentials problem.",
        ],
    },
    Entry {
        code: 403,
        text: "Forbidden",
        meaning: "The credentials are valid but do not allow this operation.",
        retryable: false,
        causes: &[
            "The API account or app lacks the OAuth scope for this resource.",
            "The store owner's account changed.",
            "The operation would exceed a platform limit.",
            "The URL is wrong, such as a mistyped endpoint or store hash.",
        ],
        remedies: &[
            "Check the OAuth scopes under API Accounts in the control panel, or under My Apps in the Developer Portal.",
            "Check that the endpoint and store hash in the URL are right.",
            "Check that the store has not reached a platform limit.",
        ],
    },
    Entry {
        code: 404,
        text: "Not Found",
        meaning: "The resource does not exist or could not be found.",
        retryable: false,
        causes: &["A wrong id or path, or the resource was deleted."],
        remedies: &["Check the id and path; treat it as missing rather than retrying."],
    },
    Entry {
        code: 405,
        text: "Method Not Allowed",
        meaning: "The resource exists but does not accept this HTTP method.",
        retryable: false,
        causes: &[
            "The method is not supported on this resource, such as PUT on a collection instead of on one item.",
        ],
        remedies: &["Use a method the endpoint documents, on the right path (for example PUT on /orders/{id})."],
    },
    Entry {
        code: 406,
        text: "Not Acceptable",
        meaning: "The server cannot answer in the content type the Accept header asked for.",
        retryable: false,
        causes: &["An Accept header naming a type the API does not produce."],
        remedies: &["Send Accept: application/json."],
    },
    Entry {
        code: 408,
        text: "Request Timeout",
        meaning: "The server gave up waiting for the request to arrive in full.",
        retryable: true,
        causes: &["A slow or stalled connection, or a proxy's idle timeout."],
        remedies: &["Retry with backoff; the request did not take effect."],
    },
    Entry {
        code: 409,
        text: "Conflict",
        meaning: "The change was refused because of a condition on the server, which varies by resource.",
        retryable: false,
        causes: &[
            "The change would break a rule, such as deleting a category that would leave products orphaned.",
            "A unique value (such as a SKU or a name) is already used.",
        ],
        remedies: &[
            "Read the details in the response body for the reason.",
            "Resolve the conflict (move the products, pick another value) before sending the change again.",
        ],
    },
    Entry {
        code: 413,
        text: "Request Entity Too Large",
        meaning: "Too many objects were asked for or sent in one request.",
        retryable: false,
        causes: &["A limit parameter above the endpoint's maximum, or a batch larger than allowed."],
        remedies: &["Lower the limit and page through the results, or split the batch."],
    },
    Entry {
        code: 415,
        text: "Unsupported Media Type",
        meaning: "The Content-Type header is missing or names a type the endpoint does not take.",
        retryable: false,
        causes: &["A missing Content-Type header, or one that does not match the body."],
        remedies: &["Send Content-Type: application/json with a JSON body."],
    },
    Entry {
        code: 422,
        text: "Missing or Invalid Data",
        meaning: "The request was understood, but required fields were missing or values were invalid.",
        retryable: false,
        causes: &[
            "A required field is missing or a value fails validation.",
            "In a batch, some items failed: the body may hold saved data beside the errors.",
        ],
        remedies: &[
            "Read the errors in the body: they name each bad field.",
            "For batches, keep the data that was saved and resend only the failed items, fixed.",
        ],
    },
    Entry {
        code: 429,
        text: "Too Many Requests",
        meaning: "The store's API rate limit or a concurrency limit was hit; the request was not carried out.",
        retryable: true,
        causes: &[
            "All apps and clients of the store together used the quota for the current window (150 per 30 s on Standard and Plus plans).",
            "Too many simultaneous calls to an endpoint with a concurrency limit, or a job (such as an import) already running.",
            "Platform load: a 429 without rate-limit headers.",
        ],
        remedies: &[
            "Wait for X-Rate-Limit-Time-Reset-Ms, or for X-Retry-After if that is longer, then retry.",
            "Wait longer each time 429s keep coming: BigCommerce treats clients that ignore them as abusive.",
            "Spread calls out, watch X-Rate-Limit-Requests-Left, and run fewer requests at once.",
        ],
    },
    Entry {
        code: 500,
        text: "Internal Server Error",
        meaning: "Something failed inside BigCommerce's API.",
        retryable: true,
        causes: &[
            "An expensive call, such as one asking for many objects or fields.",
            "An internal error at BigCommerce; sometimes a rate limit in disguise.",
        ],
        remedies: &[
            "Retry: three to five times with growing delays (BigCommerce suggests at least a minute between attempts for background work).",
            "Ask for fewer objects (?limit= on v2) or fewer fields (include or exclude fields on v2 and v3).",
            "Check the BigCommerce status page.",
        ],
    },
    Entry {
        code: 501,
        text: "Not Implemented",
        meaning: "The API does not support this request method at all.",
        retryable: false,
        causes: &["A method such as TRACE, or PATCH, sent where the API does not implement it."],
        remedies: &["Use a method the endpoint documents; retrying will never help."],
    },
    Entry {
        code: 502,
        text: "Bad Gateway",
        meaning: "A gateway or proxy in front of the API got no valid answer from it.",
        retryable: true,
        causes: &["A brief fault between BigCommerce's edge and its API servers, or in a proxy you run."],
        remedies: &["Retry with backoff.", "Check the BigCommerce status page if it lasts."],
    },
    Entry {
        code: 503,
        text: "Service Unavailable",
        meaning: "The store or service cannot answer right now.",
        retryable: true,
        causes: &[
            "The store is down for maintenance or being upgraded.",
            "The store is suspended by an administrative action or a billing problem.",
            "A service is degraded (price lists answer 503 with a retry_after_seconds field).",
        ],
        remedies: &[
            "Retry after the time the server gives (Retry-After or retry_after_seconds), or with backoff.",
            "If it lasts, check the store's status and billing in the control panel.",
        ],
    },
    Entry {
        code: 504,
        text: "Gateway Timeout",
        meaning: "A gateway or proxy in front of the API timed out waiting for it.",
        retryable: true,
        causes: &["A slow, expensive call, or an overloaded API."],
        remedies: &["Retry with backoff.", "Ask for fewer objects or fields so the call finishes sooner."],
    },
    Entry {
        code: 507,
        text: "Insufficient Storage",
        meaning: "The store has reached a limit of its BigCommerce plan for this resource.",
        retryable: false,
        causes: &["A plan limit on the number of objects, such as a product limit."],
        remedies: &[
            "Remove unused objects or upgrade the store's plan; retrying will not help.",
        ],
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    /// Every code the issue lists, with its reason text and category.
    const EXPECTED: &[(u16, &str, Category, bool)] = &[
        (200, "OK", Category::Success, false),
        (201, "Created", Category::Success, false),
        (202, "Accepted", Category::Success, false),
        (204, "No Content", Category::Success, false),
        (207, "Multi-Status", Category::Success, false),
        (301, "Moved Permanently", Category::Redirection, false),
        (302, "Found", Category::Redirection, false),
        (304, "Not Modified", Category::Redirection, false),
        (400, "Bad Request", Category::ClientError, false),
        (401, "Unauthorized", Category::ClientError, false),
        (403, "Forbidden", Category::ClientError, false),
        (404, "Not Found", Category::ClientError, false),
        (405, "Method Not Allowed", Category::ClientError, false),
        (406, "Not Acceptable", Category::ClientError, false),
        (408, "Request Timeout", Category::ClientError, true),
        (409, "Conflict", Category::ClientError, false),
        (413, "Request Entity Too Large", Category::ClientError, false),
        (415, "Unsupported Media Type", Category::ClientError, false),
        (422, "Missing or Invalid Data", Category::ClientError, false),
        (429, "Too Many Requests", Category::ClientError, true),
        (500, "Internal Server Error", Category::ServerError, true),
        (501, "Not Implemented", Category::ServerError, false),
        (502, "Bad Gateway", Category::ServerError, true),
        (503, "Service Unavailable", Category::ServerError, true),
        (504, "Gateway Timeout", Category::ServerError, true),
        (507, "Insufficient Storage", Category::ServerError, false),
    ];

    #[test]
    fn every_listed_code_has_its_own_entry_with_text_category_and_retryability() {
        for &(code, text, category, retryable) in EXPECTED {
            let info = interpret(i64::from(code));
            assert_eq!(info.code, i64::from(code));
            assert_eq!(info.text, text, "text of {code}");
            assert_eq!(info.category, category, "category of {code}");
            assert_eq!(info.retryable, retryable, "retryable of {code}");
            assert!(info.meaning.len() > 20, "meaning of {code} is a sentence");
            assert!(!info.causes.is_empty(), "causes of {code}");
            assert!(!info.remedies.is_empty(), "remedies of {code}");
        }
    }

    #[test]
    fn the_table_holds_exactly_the_listed_codes_in_ascending_order() {
        let listed: Vec<u16> = EXPECTED.iter().map(|e| e.0).collect();
        let known: Vec<u16> = known_codes().collect();
        assert_eq!(known, listed);
    }

    #[test]
    fn retryable_flag_matches_the_default_retry_status_codes() {
        for code in 0..=999 {
            let info = interpret(code);
            let in_defaults = DEFAULT_RETRY_STATUS_CODES.iter().any(|&c| i64::from(c) == code);
            assert_eq!(info.retryable, in_defaults, "code {code}");
        }
    }

    #[test]
    fn troubleshooting_advice_is_carried_into_the_entries() {
        assert!(interpret(401).remedies.iter().any(|r| r.contains("curl")));
        assert!(interpret(403).remedies.iter().any(|r| r.contains("scopes")));
        assert!(interpret(500)
            .remedies
            .iter()
            .any(|r| r.contains("at least a minute")));
        assert!(interpret(429)
            .remedies
            .iter()
            .any(|r| r.contains("X-Retry-After")));
        assert!(interpret(415).remedies.iter().any(|r| r.contains("Content-Type")));
        assert!(interpret(204).remedies.iter().any(|r| r.contains("www")));
    }

    #[test]
    fn unlisted_codes_are_described_from_their_class() {
        let cases: &[(i64, Category, &str)] = &[
            (0, Category::Unknown, "Unknown"),
            (99, Category::Unknown, "Unknown"),
            (103, Category::Informational, "Informational"),
            (226, Category::Success, "Success"),
            (308, Category::Redirection, "Redirection"),
            (418, Category::ClientError, "Client Error"),
            (599, Category::ServerError, "Server Error"),
            (600, Category::Unknown, "Unknown"),
            (65535, Category::Unknown, "Unknown"),
            (-1, Category::Unknown, "Unknown"),
            (i64::MAX, Category::Unknown, "Unknown"),
            (i64::MIN, Category::Unknown, "Unknown"),
        ];
        for &(code, category, text) in cases {
            let info = interpret(code);
            assert_eq!(info.code, code);
            assert_eq!(info.category, category, "category of {code}");
            assert_eq!(info.text, text, "text of {code}");
            assert!(!info.retryable, "{code} is not retried by default");
            assert!(!info.causes.is_empty() && !info.remedies.is_empty());
        }
    }

    #[test]
    fn category_names_are_the_ones_javascript_sees() {
        let names: Vec<&str> = [
            Category::Informational,
            Category::Success,
            Category::Redirection,
            Category::ClientError,
            Category::ServerError,
            Category::Unknown,
        ]
        .iter()
        .map(|c| c.as_str())
        .collect();
        assert_eq!(
            names,
            [
                "informational",
                "success",
                "redirection",
                "client_error",
                "server_error",
                "unknown"
            ]
        );
    }
}
