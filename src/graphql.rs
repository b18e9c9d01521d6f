//! Whether a GraphQL document only reads.
//!
//! BigCommerce's storefront GraphQL API takes every operation as a POST, reads included, so a method
//! filter would never retry a product query. A document whose operations are all queries is safe to
//! send again; one with a mutation or subscription is not, and neither is anything this reader does
//! not understand. It follows the grammar of executable documents in the GraphQL specification
//! (October 2021) without building a tree, and says no at the first thing that does not fit: a
//! forgiving parser that recovers from a syntax error can find a `mutation` in whatever follows it.

use crate::json::{self, Kind};

/// The longest body read to find out whether a request only reads; a longer one counts as a write.
pub const MAX_READ_BODY: usize = 1_000_000;

/// Whether `url` is a GraphQL endpoint: its path (before any `?` or `#`, trailing slashes dropped) ends
/// in `/graphql`, as BigCommerce's storefront (`/graphql`) and per-store (`/stores/{hash}/graphql`)
/// endpoints do. Relative URLs count.
pub fn is_endpoint(url: &str) -> bool {
    let end = url
        .bytes()
        .position(|b| b == b'?' || b == b'#')
        .unwrap_or(url.len());
    url.get(..end)
        .unwrap_or(url)
        .trim_end_matches('/')
        .ends_with("/graphql")
}

/// Whether a request to `url` with the text `body` is a GraphQL read, which is safe to send again
/// whatever its method (BigCommerce takes every operation as a POST): `url` [`is_endpoint`], and
/// `body` (at most [`MAX_READ_BODY`] bytes) is a JSON object whose `query` (the last, when repeated, as
/// `JSON.parse` reads it) is a document that [`is_read_only`].
pub fn is_read_request(url: &str, body: &str) -> bool {
    if !is_endpoint(url) || body.len() > MAX_READ_BODY {
        return false;
    }
    let Ok(root) = json::parse(body) else {
        return false;
    };
    if root.kind() != Kind::Object {
        return false;
    }
    match root.get("query").and_then(|query| query.as_str()) {
        Some(query) => is_read_only(&query.decode(MAX_READ_BODY)),
        None => false,
    }
}

/// How deeply selection sets, lists, input objects and list types may nest. A storefront query nests
/// about ten levels (site, route, node, products, edges, node, prices, price, value); the limit bounds
/// the recursion on text that comes from outside.
const MAX_DEPTH: u32 = 64;

/// True when `document` holds at least one operation and every operation is a query (`query …` or an
/// anonymous `{ … }`); fragments are allowed beside them. False for mutations, subscriptions, empty
/// or malformed text, and anything nested deeper than 64 levels.
pub fn is_read_only(document: &str) -> bool {
    let mut reader = Reader {
        bytes: document.as_bytes(),
        i: 0,
        depth: 0,
    };
    reader.only_queries().is_some()
}

/// A cursor over the document's bytes. Every method returns `None` for text that is not what the
/// grammar expects there, which ends the reading with "not read-only".
struct Reader<'a> {
    bytes: &'a [u8],
    i: usize,
    depth: u32,
}

impl<'a> Reader<'a> {
    /// Definitions up to the end: at least one query, the rest queries or fragments.
    fn only_queries(&mut self) -> Option<()> {
        let mut queries = 0u32;
        while let Some(next) = self.peek() {
            if next == b'{' {
                queries += 1;
            } else {
                match self.name()? {
                    b"query" => {
                        queries += 1;
                        self.query_header()?;
                    }
                    b"fragment" => self.fragment_header()?,
                    _ => return None, // mutation, subscription, or not an executable definition
                }
            }
            self.selection_set()?;
        }
        (queries > 0).then_some(())
    }

    /// After `query`: an optional name, variable definitions and directives.
    fn query_header(&mut self) -> Option<()> {
        if self.peek().is_some_and(is_name_start) {
            self.name()?;
        }
        if self.peek() == Some(b'(') {
            self.variable_definitions()?;
        }
        self.directives()
    }

    /// After `fragment`: `Name on Type` and directives. A fragment may not be called `on`.
    fn fragment_header(&mut self) -> Option<()> {
        if self.name()? == b"on" {
            return None;
        }
        if self.name()? != b"on" {
            return None;
        }
        self.name()?;
        self.directives()
    }

    /// `($name: Type = default @directive …)`, at least one.
    fn variable_definitions(&mut self) -> Option<()> {
        self.expect(b'(')?;
        loop {
            self.expect(b'$')?;
            self.name()?;
            self.expect(b':')?;
            self.type_reference()?;
            if self.punct(b'=') {
                self.value()?;
            }
            self.directives()?;
            if self.punct(b')') {
                return Some(());
            }
        }
    }

    /// `Name`, `[Type]`, either followed by an optional `!`.
    fn type_reference(&mut self) -> Option<()> {
        if self.punct(b'[') {
            self.nest()?;
            self.type_reference()?;
            self.expect(b']')?;
            self.depth -= 1;
        } else {
            self.name()?;
        }
        self.punct(b'!');
        Some(())
    }

    /// `{ selection … }`, at least one.
    fn selection_set(&mut self) -> Option<()> {
        self.expect(b'{')?;
        self.nest()?;
        loop {
            self.selection()?;
            if self.punct(b'}') {
                self.depth -= 1;
                return Some(());
            }
        }
    }

    /// A field (`alias: name(arguments) @directives { … }`), a fragment spread (`...Name`) or an
    /// inline fragment (`... on Type @directives { … }`).
    fn selection(&mut self) -> Option<()> {
        if self.spread() {
            let fragment_name = self
                .peek()
                .is_some_and(is_name_start)
                .then(|| self.name_here())
                .filter(|name| *name != b"on");
            if fragment_name.is_some() {
                self.name()?;
                return self.directives();
            }
            if self.peek().is_some_and(is_name_start) {
                self.name()?; // `on`
                self.name()?;
            }
            self.directives()?;
            return self.selection_set();
        }
        self.name()?;
        if self.punct(b':') {
            self.name()?;
        }
        if self.peek() == Some(b'(') {
            self.arguments()?;
        }
        self.directives()?;
        if self.peek() == Some(b'{') {
            self.selection_set()?;
        }
        Some(())
    }

    /// `(name: value …)`, at least one.
    fn arguments(&mut self) -> Option<()> {
        self.expect(b'(')?;
        loop {
            self.name()?;
            self.expect(b':')?;
            self.value()?;
            if self.punct(b')') {
                return Some(());
            }
        }
    }

    /// Any number of `@name` or `@name(arguments)`.
    fn directives(&mut self) -> Option<()> {
        while self.punct(b'@') {
            self.name()?;
            if self.peek() == Some(b'(') {
                self.arguments()?;
            }
        }
        Some(())
    }

    /// A variable, number, string, name (`true`, `false`, `null`, an enum value), list or input object.
    fn value(&mut self) -> Option<()> {
        match self.peek()? {
            b'$' => {
                self.i += 1;
                self.name().map(drop)
            }
            b'"' => self.string(),
            b'-' | b'0'..=b'9' => self.number(),
            b'[' => {
                self.i += 1;
                self.nest()?;
                while !self.punct(b']') {
                    self.value()?;
                }
                self.depth -= 1;
                Some(())
            }
            b'{' => {
                self.i += 1;
                self.nest()?;
                while !self.punct(b'}') {
                    self.name()?;
                    self.expect(b':')?;
                    self.value()?;
                }
                self.depth -= 1;
                Some(())
            }
            _ => self.name().map(drop),
        }
    }

    /// An integer or float: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`, which no digit,
    /// letter, `_` or `.` may follow.
    fn number(&mut self) -> Option<()> {
        self.byte_if(|b| b == b'-');
        if !self.byte_if(|b| b == b'0') {
            self.digits()?;
        }
        if self.byte_if(|b| b == b'.') {
            self.digits()?;
        }
        if self.byte_if(|b| b == b'e' || b == b'E') {
            self.byte_if(|b| b == b'+' || b == b'-');
            self.digits()?;
        }
        let next = self.bytes.get(self.i).copied();
        (!next.is_some_and(|b| is_name_start(b) || b.is_ascii_digit() || b == b'.')).then_some(())
    }

    fn digits(&mut self) -> Option<()> {
        self.byte_if(|b| b.is_ascii_digit()).then_some(())?;
        while self.byte_if(|b| b.is_ascii_digit()) {}
        Some(())
    }

    /// A `"string"` (one line, escapes skipped) or a `"""block string"""` (where `\"""` is escaped).
    fn string(&mut self) -> Option<()> {
        let bytes = self.bytes;
        if bytes.get(self.i..self.i + 3) == Some(b"\"\"\"") {
            self.i += 3;
            loop {
                if bytes.get(self.i..self.i + 4) == Some(b"\\\"\"\"") {
                    self.i += 4;
                } else if bytes.get(self.i..self.i + 3) == Some(b"\"\"\"") {
                    self.i += 3;
                    return Some(());
                } else {
                    bytes.get(self.i)?;
                    self.i += 1;
                }
            }
        }
        self.i += 1;
        loop {
            match *bytes.get(self.i)? {
                b'"' => {
                    self.i += 1;
                    return Some(());
                }
                b'\n' | b'\r' => return None,
                b'\\' => match bytes.get(self.i + 1)? {
                    b'\n' | b'\r' => return None,
                    _ => self.i += 2,
                },
                _ => self.i += 1,
            }
        }
    }

    /// The name at the cursor, after ignored tokens, and past it.
    fn name(&mut self) -> Option<&'a [u8]> {
        if !self.peek().is_some_and(is_name_start) {
            return None;
        }
        let name = self.name_here();
        self.i += name.len();
        Some(name)
    }

    /// The name that starts at the cursor, without moving it; empty if none does.
    fn name_here(&self) -> &'a [u8] {
        let rest = self.bytes.get(self.i..).unwrap_or_default();
        let length = rest
            .iter()
            .position(|b| !(b.is_ascii_alphanumeric() || *b == b'_'))
            .unwrap_or(rest.len());
        rest.get(..length).unwrap_or_default()
    }

    /// Past `...` if it comes next.
    fn spread(&mut self) -> bool {
        self.peek();
        let found = self.bytes.get(self.i..self.i + 3) == Some(b"...");
        if found {
            self.i += 3;
        }
        found
    }

    /// Past the punctuator `p` if it comes next.
    fn punct(&mut self, p: u8) -> bool {
        let found = self.peek() == Some(p);
        if found {
            self.i += 1;
        }
        found
    }

    fn expect(&mut self, p: u8) -> Option<()> {
        self.punct(p).then_some(())
    }

    /// Past the byte at the cursor (no ignored tokens skipped) if `test` accepts it.
    fn byte_if(&mut self, test: impl Fn(u8) -> bool) -> bool {
        let found = self.bytes.get(self.i).is_some_and(|&b| test(b));
        if found {
            self.i += 1;
        }
        found
    }

    /// One level deeper; `None` past [`MAX_DEPTH`]. Callers step back up when the level closes.
    fn nest(&mut self) -> Option<()> {
        self.depth += 1;
        (self.depth <= MAX_DEPTH).then_some(())
    }

    /// The next byte after white space, commas, byte-order marks and comments, which it skips.
    fn peek(&mut self) -> Option<u8> {
        loop {
            match *self.bytes.get(self.i)? {
                b' ' | b'\t' | b'\n' | b'\r' | b',' => self.i += 1,
                0xEF if self.bytes.get(self.i + 1..self.i + 3) == Some(&[0xBB, 0xBF]) => {
                    self.i += 3;
                }
                b'#' => {
                    while self.bytes.get(self.i).is_some_and(|b| *b != b'\n' && *b != b'\r') {
                        self.i += 1;
                    }
                }
                byte => return Some(byte),
            }
        }
    }
}

fn is_name_start(byte: u8) -> bool {
    byte.is_ascii_alphabetic() || byte == b'_'
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_are_read_only() {
        for document in [
            "{ site { products { edges { node { entityId } } } } }",
            "query { site { settings { storeName } } }",
            "query ProductPage($id: Int!) { site { product(entityId: $id) { name } } }",
            "  # a comment with mutation { }\n query Q { a }",
            "query A { a } query B { b }",
            "query Q { ...Fields } fragment Fields on Product { name sku }",
            "query Q($q: String = \"}{ mutation\") { search(q: $q) { total } }",
            "query Q { a(text: \"\"\"block } with \\\"\"\" inside\"\"\") }",
            "\u{FEFF}query { a }",
        ] {
            assert!(is_read_only(document), "{document:?}");
        }
    }

    #[test]
    fn mutations_subscriptions_and_garbage_are_not() {
        for document in [
            "mutation { cart { addCartLineItems(input: {}) { cart { entityId } } } }",
            "mutation AddToCart($input: AddCartLineItemsInput!) { cart { addCartLineItems(input: $input) { cart { entityId } } } }",
            "query A { a } mutation B { b }",
            "subscription { orderUpdated { id } }",
            "fragment F on Product { name }",
            "",
            "   ",
            "{ unclosed",
            "query Q",
            "} {",
            "SELECT * FROM products",
            "Query { a }",
            "query { a } garbage",
        ] {
            assert!(!is_read_only(document), "{document:?}");
        }
    }

    /// Found by `fuzz/fuzz_targets/graphql.rs`: the scanner skipped everything between `query` and the
    /// next `{`, so a header that was no header hid the keyword of a mutation that a forgiving parser
    /// (apollo-parser, recovering) still finds. The first is the fuzzer's minimised input; the second
    /// the seed it came from, with a string's opening quote lost.
    #[test]
    fn a_mutation_hidden_in_a_malformed_query_header_is_not_read_only() {
        for document in [
            "query}mutation{}",
            "query Customer($note: St } mutation {\") { customer { email } }",
            "query Q mutation { cart { createCart(input: {}) { cart { entityId } } } }",
            "query Q @include(if: true) mutation { a }",
            "query Q($a: Int) ($b: Int) { a }",
            "query Q($a: [Int] = [1, 2)) { a }",
            "query Q($a: In = {b: 1]) { a }",
            "fragment F on Product mutation { a } { name }",
            "fragment F { name } { a }",
            "query 1Q { a }",
        ] {
            assert!(!is_read_only(document), "{document:?}");
        }
    }

    /// Found by `fuzz/fuzz_targets/graphql.rs`: a string where a selection set cannot have one makes
    /// a forgiving parser end the selection set there and read `mutation` as a new operation.
    #[test]
    fn a_stray_token_in_a_selection_set_is_not_read_only() {
        for document in [
            "{\"\"mutation}",
            "{ a \"x\" } ",
            "{ a $b }",
            "{ a [b] }",
            "{ a = 1 }",
            "{ a ) mutation { b } }",
            "{ a(x: [1}) }",
            "{ a .. b }",
            "{ a } } mutation { b }",
            "{(mutation)}",
        ] {
            assert!(!is_read_only(document), "{document:?}");
        }
    }

    #[test]
    fn nesting_up_to_the_limit_is_read_only_and_past_it_is_not() {
        let nested = |levels: usize| format!("{}a{}", "{a".repeat(levels), "}".repeat(levels));
        assert!(is_read_only(&nested(MAX_DEPTH as usize)));
        assert!(!is_read_only(&nested(MAX_DEPTH as usize + 1)));
        let list = |levels: usize| format!("{{ a(x: {}1{}) }}", "[".repeat(levels), "]".repeat(levels));
        assert!(is_read_only(&list(MAX_DEPTH as usize - 1)));
        assert!(!is_read_only(&list(MAX_DEPTH as usize)));
    }

    #[test]
    fn query_headers_with_lists_objects_and_directives_are_read_only() {
        for document in [
            "query Checkout($address: AddressInput = {countryCode: \"US\", lines: [\"1 Main St\"]}) { a }",
            "query Q($ids: [Int!] = [1, 2]) @cacheControl(maxAge: 30) @tag(name: \"{\") { a }",
            "query @live { a }",
            "query Q ( $a : Int = 1 , # a comment )\n ) @ include ( if : true ) { a }",
            "fragment F on Product @include(if: $withPrices) { prices { price { value } } } { ...F }",
            "{ hero: site { ... on Site { settings { storeName } } ...Fields @skip(if: false) } }",
        ] {
            assert!(is_read_only(document), "{document:?}");
        }
    }

    #[test]
    fn a_graphql_endpoint_is_known_by_its_path() {
        for url in [
            "https://store.example/graphql",
            "https://api.bigcommerce.com/stores/abc123/graphql",
            "/graphql/",
            "https://store.example/graphql?x=1#y",
        ] {
            assert!(is_endpoint(url), "{url}");
        }
        for url in [
            "https://store.example/graphql-proxy",
            "https://store.example/api?next=/graphql",
            "https://store.example/v3/catalog/products",
            "",
        ] {
            assert!(!is_endpoint(url), "{url}");
        }
    }

    #[test]
    fn a_post_of_queries_to_a_graphql_endpoint_is_a_read() {
        let url = "https://store.example/graphql";
        assert!(is_read_request(
            url,
            r#"{"query":"query { site { settings { storeName } } }"}"#
        ));
        assert!(is_read_request(url, r#"{"query":"{ a }","variables":{"x":1}}"#));
        // Escapes are decoded before the document is read.
        assert!(is_read_request(url, r#"{"query":"query Q { a(s: \"x\") }"}"#));
        // The last `query` counts, as JSON.parse reads it.
        assert!(!is_read_request(
            url,
            r#"{"query":"{ a }","query":"mutation { b }"}"#
        ));
        assert!(is_read_request(
            url,
            r#"{"query":"mutation { b }","query":"{ a }"}"#
        ));
        for body in [
            r#"{"query":"mutation { logout { result } }"}"#,
            r#"{"query":1}"#,
            r#"[{"query":"{ a }"}]"#,
            r#"{"operationName":"Q"}"#,
            "query { a }",
            "",
        ] {
            assert!(!is_read_request(url, body), "{body}");
        }
        assert!(!is_read_request(
            "https://store.example/cart",
            r#"{"query":"{ a }"}"#
        ));
        let padded = format!(r#"{{"query":"{{ a }}","pad":"{}"}}"#, "x".repeat(MAX_READ_BODY));
        assert!(
            !is_read_request(url, &padded),
            "a body over the limit counts as a write"
        );
    }
}
