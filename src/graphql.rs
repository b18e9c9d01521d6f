//! Whether a GraphQL document only reads.
//!
//! BigCommerce's storefront GraphQL API takes every operation as a POST, reads included, so a method
//! filter would never retry a product query. A document whose operations are all queries is safe to
//! send again; one with a mutation or subscription is not, and neither is anything this scanner does
//! not understand. It reads only the top level of the document: operation keywords and balanced
//! braces, skipping strings, block strings and comments.

/// True when `document` holds at least one operation and every operation is a query (`query …` or an
/// anonymous `{ … }`); fragments are allowed beside them. False for mutations, subscriptions, empty
/// or malformed text.
pub fn is_read_only(document: &str) -> bool {
    let bytes = document.as_bytes();
    let mut i = 0;
    let mut queries = 0;
    loop {
        i = skip_ignored(bytes, i);
        let Some(&byte) = bytes.get(i) else {
            return queries > 0;
        };
        if byte == b'{' {
            queries += 1;
        } else {
            let start = i;
            while bytes
                .get(i)
                .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_')
            {
                i += 1;
            }
            match &bytes[start..i] {
                b"query" => queries += 1,
                b"fragment" => {}
                _ => return false, // mutation, subscription, or not GraphQL
            }
            // The operation's name, variables and directives come before its selection set.
            while bytes.get(i).is_some_and(|b| *b != b'{') {
                i = match bytes.get(i) {
                    Some(b'"') => skip_string(bytes, i),
                    Some(b'#') => skip_comment(bytes, i),
                    _ => i + 1,
                };
            }
            if i >= bytes.len() {
                return false;
            }
        }
        match skip_block(bytes, i) {
            Some(end) => i = end,
            None => return false,
        }
    }
}

/// Skips white space, commas (insignificant in GraphQL), byte-order marks and comments.
fn skip_ignored(bytes: &[u8], mut i: usize) -> usize {
    loop {
        match bytes.get(i) {
            Some(b' ' | b'\t' | b'\n' | b'\r' | b',') => i += 1,
            Some(0xEF) if bytes.get(i + 1..i + 3) == Some(&[0xBB, 0xBF]) => i += 3,
            Some(b'#') => i = skip_comment(bytes, i),
            _ => return i,
        }
    }
}

fn skip_comment(bytes: &[u8], mut i: usize) -> usize {
    while bytes.get(i).is_some_and(|b| *b != b'\n' && *b != b'\r') {
        i += 1;
    }
    i
}

/// From an opening quote, past the end of a string or a `"""` block string.
fn skip_string(bytes: &[u8], i: usize) -> usize {
    if bytes.get(i..i + 3) == Some(b"\"\"\"") {
        let mut j = i + 3;
        while j < bytes.len() {
            if bytes.get(j..j + 4) == Some(b"\\\"\"\"") {
                j += 4;
            } else if bytes.get(j..j + 3) == Some(b"\"\"\"") {
                return j + 3;
            } else {
                j += 1;
            }
        }
        return bytes.len();
    }
    let mut j = i + 1;
    while let Some(&b) = bytes.get(j) {
        match b {
            b'\\' => j += 2,
            b'"' => return j + 1,
            b'\n' | b'\r' => return j, // unterminated: let the brace count fail
            _ => j += 1,
        }
    }
    bytes.len()
}

/// From an opening brace, past its matching closing brace; `None` if it never closes.
fn skip_block(bytes: &[u8], mut i: usize) -> Option<usize> {
    let mut depth = 0usize;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'{' => {
                depth += 1;
                i += 1;
            }
            b'}' => {
                depth = depth.checked_sub(1)?;
                i += 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            b'"' => i = skip_string(bytes, i),
            b'#' => i = skip_comment(bytes, i),
            _ => i += 1,
        }
    }
    None
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
}
