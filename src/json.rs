//! A small JSON reader for the bodies of error answers: it checks a whole document in one pass
//! without recursion, then reads only the members asked for.
//!
//! Bodies come from outside (the API, a proxy in front of it, anyone in between), so reading one must
//! stay bounded whatever it holds: the check never recurses (100,000 nested arrays cost a counter, not
//! a stack frame each) and gives up past [`MAX_DEPTH`] levels; only [`MAX_BODY_BYTES`] are read; and
//! nothing is built for the parts that are skipped (the `data` array of a 207 is checked once and never
//! copied). `serde_json` stays out of the wasm: it would add tens of KB for what this does in a few.

use alloc::string::String;

/// The longest body that is read, in bytes of UTF-8: a longer one reads as cut off. JavaScript cuts the
/// text to this many UTF-16 code units before it crosses, which bounds the copy (text that is not
/// ASCII may still be longer in UTF-8, and then reads as cut). 1 MiB holds every error body
/// BigCommerce documents and the 207 of a batch of products with their `data`, and bounds the wasm
/// memory one body can claim (wasm memory grows but never shrinks).
pub const MAX_BODY_BYTES: usize = 1 << 20;

/// How deeply arrays and objects may nest. A storefront GraphQL answer nests deepest: at most two
/// levels (an object and a list) for each of the 16 query levels BigCommerce allows, so 64 leaves room.
/// Each level costs one bit of the checker's state.
pub const MAX_DEPTH: usize = 64;

/// Why a body could not be read as JSON.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unreadable {
    /// Nothing but white space.
    Empty,
    /// It ends in the middle of a value: cut off, by the network or by the length limit.
    Truncated,
    /// Not JSON.
    Invalid,
    /// Nested deeper than [`MAX_DEPTH`].
    TooDeep,
}

impl Unreadable {
    /// The name JavaScript sees: `"empty"`, `"truncated"`, `"invalid"` or `"too_deep"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Unreadable::Empty => "empty",
            Unreadable::Truncated => "truncated",
            Unreadable::Invalid => "invalid",
            Unreadable::TooDeep => "too_deep",
        }
    }
}

/// What kind of value a [`Json`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `{ … }`
    Object,
    /// `[ … ]`
    Array,
    /// `"…"`
    String,
    /// A number.
    Number,
    /// `true` or `false`.
    Bool,
    /// `null`.
    Null,
}

/// One JSON value that has been checked: the text of exactly that value. Reading it cannot fail;
/// asking for what is not there gives `None` or nothing to iterate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Json<'a> {
    text: &'a str,
}

/// `text` as one JSON value, after checking all of it (RFC 8259: one value, with white space around
/// it). A text longer than [`MAX_BODY_BYTES`] reads as [`Unreadable::Truncated`] without being
/// looked at.
pub fn parse(text: &str) -> Result<Json<'_>, Unreadable> {
    if text.len() > MAX_BODY_BYTES {
        return Err(Unreadable::Truncated);
    }
    let bytes = text.as_bytes();
    let start = skip_space(bytes, 0);
    let mut end = bytes.len();
    while end > start && bytes.get(end - 1).is_some_and(|&b| is_space(b)) {
        end -= 1;
    }
    if start == end {
        return Err(Unreadable::Empty);
    }
    // White space is ASCII, so both ends are character boundaries.
    let text = text.get(start..end).ok_or(Unreadable::Invalid)?;
    check(text.as_bytes())?;
    Ok(Json { text })
}

impl<'a> Json<'a> {
    /// What kind of value this is.
    pub fn kind(self) -> Kind {
        match self.text.as_bytes().first() {
            Some(b'{') => Kind::Object,
            Some(b'[') => Kind::Array,
            Some(b'"') => Kind::String,
            Some(b't' | b'f') => Kind::Bool,
            Some(b'n') => Kind::Null,
            _ => Kind::Number,
        }
    }

    /// The value as written, such as `12.5` or `true`.
    pub fn raw(self) -> &'a str {
        self.text
    }

    /// Whether this is `null`.
    pub fn is_null(self) -> bool {
        self.kind() == Kind::Null
    }

    /// The string, when this is one.
    pub fn as_str(self) -> Option<JsonStr<'a>> {
        if self.kind() != Kind::String {
            return None;
        }
        self.text.get(1..self.text.len() - 1).map(JsonStr)
    }

    /// The number, when this is an integer written without a fraction or exponent that fits an
    /// `i64` (`-0` is 0). Anything else, `30.0` and `"30"` included, is `None`.
    pub fn as_integer(self) -> Option<i64> {
        let bytes = self.text.as_bytes();
        let (negative, digits) = match bytes {
            [b'-', rest @ ..] => (true, rest),
            _ => (false, bytes),
        };
        if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
            return None;
        }
        let mut value: i64 = 0;
        for &digit in digits {
            let digit = i64::from(digit - b'0');
            value = value.checked_mul(10)?;
            value = if negative {
                value.checked_sub(digit)?
            } else {
                value.checked_add(digit)?
            };
        }
        Some(value)
    }

    /// The members of an object, in the order written (a repeated name comes as often as it is
    /// written); nothing for any other value.
    pub fn members(self) -> Members<'a> {
        let at = if self.kind() == Kind::Object {
            1
        } else {
            self.text.len()
        };
        Members { text: self.text, at }
    }

    /// The items of an array, in order; nothing for any other value.
    pub fn items(self) -> Items<'a> {
        let at = if self.kind() == Kind::Array {
            1
        } else {
            self.text.len()
        };
        Items { text: self.text, at }
    }

    /// The value of the member `name` of an object (the last one, when the name is repeated, as
    /// JavaScript's `JSON.parse` reads it).
    pub fn get(self, name: &str) -> Option<Json<'a>> {
        self.members()
            .filter(|(key, _)| key.is(name))
            .last()
            .map(|(_, value)| value)
    }
}

/// The text of a JSON string between its quotes, escapes not yet decoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct JsonStr<'a>(&'a str);

impl<'a> JsonStr<'a> {
    /// The characters the string stands for. A `\u` escape of half a surrogate pair that has no other
    /// half (`"\ud800"`) is U+FFFD, as a JavaScript string holding one becomes when it is encoded.
    pub fn chars(self) -> impl Iterator<Item = char> + 'a {
        let mut rest = self.0.chars();
        core::iter::from_fn(move || {
            let c = rest.next()?;
            if c != '\\' {
                return Some(c);
            }
            Some(match rest.next()? {
                'b' => '\u{8}',
                'f' => '\u{c}',
                'n' => '\n',
                'r' => '\r',
                't' => '\t',
                'u' => {
                    let unit = hex4(&mut rest)?;
                    if (0xD800..0xDC00).contains(&unit) {
                        let mut ahead = rest.clone();
                        let low = match (ahead.next(), ahead.next()) {
                            (Some('\\'), Some('u')) => hex4(&mut ahead),
                            _ => None,
                        };
                        match low {
                            Some(low @ 0xDC00..=0xDFFF) => {
                                rest = ahead;
                                let code = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
                                char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER)
                            }
                            _ => char::REPLACEMENT_CHARACTER,
                        }
                    } else {
                        // A lone low surrogate is no `char` either.
                        char::from_u32(unit).unwrap_or(char::REPLACEMENT_CHARACTER)
                    }
                }
                // `"`, `\` and `/` stand for themselves.
                other => other,
            })
        })
    }

    /// Whether the string is `name`.
    pub fn is(self, name: &str) -> bool {
        // Most names have no escape, and then the text is the string.
        // A loop, not `contains`: that brings `memchr` into the wasm.
        if !self.0.bytes().any(|b| b == b'\\') {
            return self.0 == name;
        }
        self.chars().eq(name.chars())
    }

    /// The string, decoded, cut to at most `max_bytes` bytes (at a character boundary): only as much
    /// is decoded as is kept.
    pub fn decode(self, max_bytes: usize) -> String {
        let mut out = String::new();
        for c in self.chars() {
            if out.len() + c.len_utf8() > max_bytes {
                break;
            }
            out.push(c);
        }
        out
    }
}

/// The value of four hexadecimal digits.
fn hex4(chars: &mut core::str::Chars<'_>) -> Option<u32> {
    let mut value = 0;
    for _ in 0..4 {
        value = value * 16 + chars.next()?.to_digit(16)?;
    }
    Some(value)
}

/// The members of an object: see [`Json::members`].
pub struct Members<'a> {
    text: &'a str,
    at: usize,
}

impl<'a> Iterator for Members<'a> {
    type Item = (JsonStr<'a>, Json<'a>);

    fn next(&mut self) -> Option<Self::Item> {
        let item = self.read();
        if item.is_none() {
            self.at = self.text.len();
        }
        item
    }
}

impl<'a> Members<'a> {
    fn read(&mut self) -> Option<(JsonStr<'a>, Json<'a>)> {
        let bytes = self.text.as_bytes();
        let key_start = next_entry(bytes, self.at)?;
        let key_end = string_end(bytes, key_start)?;
        let colon = skip_space(bytes, key_end);
        if bytes.get(colon) != Some(&b':') {
            return None;
        }
        let start = skip_space(bytes, colon + 1);
        let end = value_end(bytes, start)?;
        self.at = end;
        let key = JsonStr(self.text.get(key_start + 1..key_end - 1)?);
        Some((
            key,
            Json {
                text: self.text.get(start..end)?,
            },
        ))
    }
}

/// The items of an array: see [`Json::items`].
pub struct Items<'a> {
    text: &'a str,
    at: usize,
}

impl<'a> Iterator for Items<'a> {
    type Item = Json<'a>;

    fn next(&mut self) -> Option<Json<'a>> {
        let bytes = self.text.as_bytes();
        let item = next_entry(bytes, self.at).and_then(|start| {
            let end = value_end(bytes, start)?;
            self.at = end;
            self.text.get(start..end)
        });
        if item.is_none() {
            self.at = self.text.len();
        }
        item.map(|text| Json { text })
    }
}

/// Where the next member or item starts, after white space and a comma, or `None` at the end of the
/// object or array.
fn next_entry(bytes: &[u8], at: usize) -> Option<usize> {
    let mut at = skip_space(bytes, at);
    if bytes.get(at) == Some(&b',') {
        at = skip_space(bytes, at + 1);
    }
    match bytes.get(at) {
        None | Some(b'}' | b']') => None,
        Some(_) => Some(at),
    }
}

/// Where the checked value that starts at `at` ends. Only checked text is read this way; on other
/// text it stops early or says `None`, but it cannot panic and it never recurses.
fn value_end(bytes: &[u8], at: usize) -> Option<usize> {
    match bytes.get(at)? {
        b'"' => string_end(bytes, at),
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut i = at;
            loop {
                match bytes.get(i)? {
                    b'"' => {
                        i = string_end(bytes, i)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return Some(i + 1);
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
        }
        _ => {
            let mut i = at;
            while bytes
                .get(i)
                .is_some_and(|&b| !is_space(b) && !matches!(b, b',' | b'}' | b']'))
            {
                i += 1;
            }
            Some(i)
        }
    }
}

/// Where the checked string whose opening quote is at `at` ends, past its closing quote.
fn string_end(bytes: &[u8], at: usize) -> Option<usize> {
    let mut i = at + 1;
    loop {
        match bytes.get(i)? {
            b'"' => return Some(i + 1),
            b'\\' => i += 2,
            _ => i += 1,
        }
    }
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

fn skip_space(bytes: &[u8], mut at: usize) -> usize {
    while bytes.get(at).is_some_and(|&b| is_space(b)) {
        at += 1;
    }
    at
}

/// Checks that `bytes` are one JSON value with nothing after it, nested at most [`MAX_DEPTH`] deep,
/// in one pass: a state machine with the kind of each open container in a bit, never recursing.
fn check(bytes: &[u8]) -> Result<(), Unreadable> {
    // Bit `d` of `objects` is set when the container at depth `d + 1` is an object.
    let mut objects: u64 = 0;
    let mut depth = 0usize;
    let mut at = 0;
    loop {
        // A value starts at `at`, perhaps after white space.
        at = skip_space(bytes, at);
        let opened = match bytes.get(at) {
            None => return Err(Unreadable::Truncated),
            Some(&open @ (b'{' | b'[')) => {
                if depth == MAX_DEPTH {
                    return Err(Unreadable::TooDeep);
                }
                let object = open == b'{';
                objects = (objects & !(1 << depth)) | (u64::from(object) << depth);
                depth += 1;
                at = skip_space(bytes, at + 1);
                match bytes.get(at) {
                    None => return Err(Unreadable::Truncated),
                    Some(b'}') if object => true,
                    Some(b']') if !object => true,
                    Some(_) if object => {
                        at = member_name(bytes, at)?;
                        continue;
                    }
                    Some(_) => continue,
                }
            }
            Some(b'"') => {
                at = checked_string_end(bytes, at)?;
                false
            }
            Some(b't') => {
                at = literal(bytes, at, b"true")?;
                false
            }
            Some(b'f') => {
                at = literal(bytes, at, b"false")?;
                false
            }
            Some(b'n') => {
                at = literal(bytes, at, b"null")?;
                false
            }
            Some(b'-' | b'0'..=b'9') => {
                at = number_end(bytes, at)?;
                false
            }
            Some(_) => return Err(Unreadable::Invalid),
        };
        if opened {
            // An empty container: closed at once.
            depth -= 1;
            at += 1;
        }
        // After a value: close containers until a comma leads to the next value.
        loop {
            at = skip_space(bytes, at);
            if depth == 0 {
                return if at == bytes.len() {
                    Ok(())
                } else {
                    Err(Unreadable::Invalid)
                };
            }
            let object = objects & (1 << (depth - 1)) != 0;
            match bytes.get(at) {
                None => return Err(Unreadable::Truncated),
                Some(b',') => {
                    at = skip_space(bytes, at + 1);
                    if object {
                        at = member_name(bytes, at)?;
                    }
                    break;
                }
                Some(b'}') if object => {
                    depth -= 1;
                    at += 1;
                }
                Some(b']') if !object => {
                    depth -= 1;
                    at += 1;
                }
                Some(_) => return Err(Unreadable::Invalid),
            }
        }
    }
}

/// Checks a member's name and its colon at `at`; returns where the value may start.
fn member_name(bytes: &[u8], at: usize) -> Result<usize, Unreadable> {
    match bytes.get(at) {
        None => return Err(Unreadable::Truncated),
        Some(b'"') => {}
        Some(_) => return Err(Unreadable::Invalid),
    }
    let colon = skip_space(bytes, checked_string_end(bytes, at)?);
    match bytes.get(colon) {
        None => Err(Unreadable::Truncated),
        Some(b':') => Ok(colon + 1),
        Some(_) => Err(Unreadable::Invalid),
    }
}

/// Checks the string whose opening quote is at `at`; returns where it ends, past its closing quote.
fn checked_string_end(bytes: &[u8], at: usize) -> Result<usize, Unreadable> {
    let mut i = at + 1;
    loop {
        match bytes.get(i) {
            None => return Err(Unreadable::Truncated),
            Some(b'"') => return Ok(i + 1),
            Some(b'\\') => match bytes.get(i + 1) {
                None => return Err(Unreadable::Truncated),
                Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => i += 2,
                Some(b'u') => {
                    for digit in i + 2..i + 6 {
                        match bytes.get(digit) {
                            None => return Err(Unreadable::Truncated),
                            Some(b) if b.is_ascii_hexdigit() => {}
                            Some(_) => return Err(Unreadable::Invalid),
                        }
                    }
                    i += 6;
                }
                Some(_) => return Err(Unreadable::Invalid),
            },
            // Control characters must be escaped.
            Some(&b) if b < 0x20 => return Err(Unreadable::Invalid),
            Some(_) => i += 1,
        }
    }
}

/// Checks the literal `word` at `at`; returns where it ends.
fn literal(bytes: &[u8], at: usize, word: &[u8]) -> Result<usize, Unreadable> {
    for (i, &expected) in word.iter().enumerate() {
        match bytes.get(at + i) {
            None => return Err(Unreadable::Truncated),
            Some(&b) if b == expected => {}
            Some(_) => return Err(Unreadable::Invalid),
        }
    }
    Ok(at + word.len())
}

/// Checks the number at `at` (`-`, then `0` or digits not starting with `0`, then an optional
/// fraction and exponent); returns where it ends.
fn number_end(bytes: &[u8], at: usize) -> Result<usize, Unreadable> {
    let mut i = at;
    if bytes.get(i) == Some(&b'-') {
        i += 1;
    }
    match bytes.get(i) {
        Some(b'0') => i += 1,
        Some(b'1'..=b'9') => i = digits_end(bytes, i),
        None => return Err(Unreadable::Truncated),
        Some(_) => return Err(Unreadable::Invalid),
    }
    if bytes.get(i) == Some(&b'.') {
        i = some_digits(bytes, i + 1)?;
    }
    if let Some(b'e' | b'E') = bytes.get(i) {
        i += 1;
        if let Some(b'+' | b'-') = bytes.get(i) {
            i += 1;
        }
        i = some_digits(bytes, i)?;
    }
    Ok(i)
}

/// Checks that at least one digit is at `at`; returns where the digits end.
fn some_digits(bytes: &[u8], at: usize) -> Result<usize, Unreadable> {
    match bytes.get(at) {
        None => Err(Unreadable::Truncated),
        Some(b) if b.is_ascii_digit() => Ok(digits_end(bytes, at)),
        Some(_) => Err(Unreadable::Invalid),
    }
}

fn digits_end(bytes: &[u8], mut at: usize) -> usize {
    while bytes.get(at).is_some_and(u8::is_ascii_digit) {
        at += 1;
    }
    at
}

#[cfg(test)]
mod tests;
