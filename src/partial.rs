//! What failed in a batch that partly succeeded: [`partial`] reads the failures and counts of a 207
//! (and of a 422 that names the failing items) into a [`Partial`].
//!
//! The shapes, from `bigcommerce-api-behaviour.md` ("Partial success"), all of them JSON objects:
//! - catalog batches: `{data, errors: {status, title, type, errors: {"<key>": "<message>"}}, meta}`,
//!   where a key may name an item or an attribute;
//! - category trees: `meta: {total, success, failed}`;
//! - metafields (422): `{data, errors: [{status, title, type, errors: {"1": "Unauthorized to delete"}}],
//!   meta: {total, success, failed}}` (a 200 may carry `errors: []`);
//! - `PUT /catalog/variants`: `{batch_errors: [{status, title, type, errors: {…}}]}`;
//! - price records: `{batch_errors: [{data: {variant_id, sku, currency, …}, field_errors: {…}}]}`,
//!   or one such `{data, field_errors}` alone.
//!
//! `data` itself is not returned: JavaScript parses the body for it. Every string is bounded and
//! redacted, and at most [`MAX_ITEMS`] failures are kept.

use alloc::{string::String, vec::Vec};

use crate::body_text::{clean, string_of, text_of, MAX_ITEMS};
use crate::json::{self, Json, Kind, Unreadable};

/// How many levels of errors inside errors are read (a batch answer, its `errors`, their items, and
/// one more); the JSON reader already bounds nesting, this bounds the recursion here.
const MAX_LEVELS: u32 = 4;

/// The item a failure belongs to, when the body says: its `id`, `variant_id` or `sku`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ItemId {
    /// A numeric id.
    Number(i64),
    /// An id written as text, such as a SKU.
    Text(String),
}

/// One thing that failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    /// What failed as the body names it: an item's index or id, or an attribute (`"1"`, `"price"`);
    /// empty when the body names nothing.
    pub key: String,
    /// What went wrong; empty when the body gave no text for it.
    pub message: String,
    /// The `status` of the error that holds it (the answer's status may differ).
    pub status: Option<u16>,
    /// The `title` of the error that holds it.
    pub title: Option<String>,
    /// The item, when the error names it beside the key (a price record's `variant_id` or `sku`).
    pub item: Option<ItemId>,
}

/// `meta: {total, success, failed}`: how many items the batch held and how each went.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Counts {
    /// Items in the batch.
    pub total: u64,
    /// Items that succeeded.
    pub success: u64,
    /// Items that failed.
    pub failed: u64,
}

/// What a partly successful answer says failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Partial {
    /// The failures, in the order written.
    pub failures: Vec<Failure>,
    /// The counts, when `meta` has all three as non-negative integers.
    pub counts: Option<Counts>,
    /// Why the body could not be read as JSON; then there are no failures or counts.
    pub unreadable: Option<Unreadable>,
}

/// Reads the body of a 207, or of a 422 that names the items of a batch that failed.
pub fn partial(body: &str) -> Partial {
    let mut partial = Partial {
        failures: Vec::new(),
        counts: None,
        unreadable: None,
    };
    match json::parse(body) {
        Ok(value) if value.kind() == Kind::Object => {
            read_group(value, &Context::default(), 0, &mut partial.failures);
            partial.counts = value.get("meta").and_then(counts);
        }
        // An array or a scalar holds no failures that can be told from data.
        Ok(_) => {}
        Err(unreadable) => partial.unreadable = Some(unreadable),
    }
    partial
}

/// What an error says about the failures inside it.
#[derive(Clone, Default)]
struct Context {
    status: Option<u16>,
    title: Option<String>,
    item: Option<ItemId>,
}

impl Context {
    fn failure(&self, key: String, message: Option<String>) -> Failure {
        Failure {
            key,
            message: message.unwrap_or_default(),
            status: self.status,
            title: self.title.clone(),
            item: self.item.clone(),
        }
    }
}

/// Reads the failures of `group` (the answer, an error, or an item of `batch_errors`) at `level`:
/// its `errors` (a map of key → message, another error, or a list of errors), `field_errors` and
/// `batch_errors`. An error below the answer that names no key is one failure, with its message.
fn read_group(group: Json<'_>, outer: &Context, level: u32, failures: &mut Vec<Failure>) {
    // One pass over the members, so that a large `data` is skipped once; a name written twice counts
    // as its last value, as `JSON.parse` reads it.
    let mut members = Members::default();
    for (name, value) in group.members() {
        let slot = if name.is("status") {
            &mut members.status
        } else if name.is("title") {
            &mut members.title
        } else if name.is("message") {
            &mut members.message
        } else if name.is("detail") {
            &mut members.detail
        } else if name.is("data") {
            &mut members.data
        } else if name.is("errors") {
            &mut members.errors
        } else if name.is("field_errors") {
            &mut members.field_errors
        } else if name.is("batch_errors") {
            &mut members.batch_errors
        } else if let Some(rank) = ["id", "variant_id", "sku"].iter().position(|id| name.is(id)) {
            match members.ids.get_mut(rank) {
                Some(slot) => slot,
                None => continue,
            }
        } else {
            continue;
        };
        *slot = Some(value);
    }
    let data = members.data.filter(|data| data.kind() == Kind::Object);
    let context = Context {
        status: members
            .status
            .and_then(Json::as_integer)
            .and_then(|status| u16::try_from(status).ok())
            .or(outer.status),
        title: members.title.and_then(text_of).or_else(|| outer.title.clone()),
        item: members
            .ids
            .into_iter()
            .flatten()
            .find_map(item_id)
            .or_else(|| data.and_then(data_item_id))
            .or_else(|| outer.item.clone()),
    };
    let before = failures.len();
    if let Some(errors) = members.errors {
        match errors.kind() {
            Kind::Object if is_error(errors) => nested(errors, &context, level, failures),
            Kind::Object => read_map(errors, &context, failures),
            Kind::Array => {
                for item in errors.items() {
                    match item.kind() {
                        Kind::Object => nested(item, &context, level, failures),
                        _ => listed(failures, &context, item),
                    }
                }
            }
            _ => listed(failures, &context, errors),
        }
    }
    if let Some(field_errors) = members.field_errors {
        read_map(field_errors, &context, failures);
    }
    for item in members.batch_errors.into_iter().flat_map(Json::items) {
        nested(item, &context, level, failures);
    }
    // The answer itself is a failure only when it is an error, not data with errors beside it.
    let is_failure = level > 0 || members.data.is_none();
    if failures.len() == before && is_failure {
        let message = [members.message, members.detail, members.title]
            .into_iter()
            .flatten()
            .find_map(text_of);
        if message.is_some() {
            push(failures, context.failure(String::new(), message));
        }
    }
}

/// The members of a group that [`read_group`] reads.
#[derive(Default)]
struct Members<'a> {
    status: Option<Json<'a>>,
    title: Option<Json<'a>>,
    message: Option<Json<'a>>,
    detail: Option<Json<'a>>,
    data: Option<Json<'a>>,
    errors: Option<Json<'a>>,
    field_errors: Option<Json<'a>>,
    batch_errors: Option<Json<'a>>,
    /// `id`, `variant_id` and `sku`, in the order they are preferred.
    ids: [Option<Json<'a>>; 3],
}

fn nested(group: Json<'_>, context: &Context, level: u32, failures: &mut Vec<Failure>) {
    if level + 1 < MAX_LEVELS && group.kind() == Kind::Object {
        read_group(group, context, level + 1, failures);
    }
}

/// `{"<key>": "<message>", …}`: one failure a member.
fn read_map(map: Json<'_>, context: &Context, failures: &mut Vec<Failure>) {
    for (key, message) in map.members() {
        push(failures, context.failure(clean(key), text_of(message)));
    }
}

/// An error given as text alone: one failure that names no key.
fn listed(failures: &mut Vec<Failure>, context: &Context, message: Json<'_>) {
    if let Some(message) = text_of(message) {
        push(failures, context.failure(String::new(), Some(message)));
    }
}

fn push(failures: &mut Vec<Failure>, failure: Failure) {
    if failures.len() < MAX_ITEMS {
        failures.push(failure);
    }
}

/// Whether an object is an error (`{status, title, …, errors}`) rather than a map of key → message:
/// it holds `errors` or `field_errors`, or both `status` and `title`.
fn is_error(object: Json<'_>) -> bool {
    let (mut status, mut title) = (false, false);
    for (name, _) in object.members() {
        if name.is("errors") || name.is("field_errors") {
            return true;
        }
        status |= name.is("status");
        title |= name.is("title");
    }
    status && title
}

/// An item's id: an integer, or text such as a SKU.
fn item_id(value: Json<'_>) -> Option<ItemId> {
    match value.as_integer() {
        Some(number) => Some(ItemId::Number(number)),
        None => string_of(value).map(ItemId::Text),
    }
}

/// The id of the item a `data` object describes: its `id`, `variant_id` or `sku`.
fn data_item_id(data: Json<'_>) -> Option<ItemId> {
    ["id", "variant_id", "sku"]
        .into_iter()
        .find_map(|name| data.get(name).and_then(item_id))
}

/// `{total, success, failed}`, all non-negative integers.
fn counts(meta: Json<'_>) -> Option<Counts> {
    let count = |name: &str| meta.get(name)?.as_integer().and_then(|n| u64::try_from(n).ok());
    Some(Counts {
        total: count("total")?,
        success: count("success")?,
        failed: count("failed")?,
    })
}

#[cfg(test)]
mod tests;
