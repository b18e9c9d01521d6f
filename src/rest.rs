//! What a REST Management API answer means for a client: the data, nothing, a batch that partly
//! succeeded, or a failure with its problem ([`read_answer`]); and which answers a revalidating client
//! keeps ([`keeps_for_revalidation`]).
//!
//! From `bigcommerce-api-behaviour.md`: a 207 carries what succeeded beside what failed; a 422 to a
//! batch may do the same (metafields answer `{data: [saved…], errors: […]}`), or refuse the whole
//! batch while naming each item that failed (`PUT /catalog/variants`: `{batch_errors: […]}`, price
//! records: `{field_errors}`); any other error status is a failure whose body says why.

use crate::json::{self, Kind};
use crate::partial::{partial, Partial};
use crate::problem::{problem, Problem};

/// What an answer is, for the caller.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AnswerKind {
    /// 204 or 304: no body to read (a 304 confirms what a revalidating client kept).
    Empty,
    /// Any other 2xx but 207: the body is the data.
    Data,
    /// A batch that partly succeeded: 207, or a 422 that still carries saved items.
    Partial,
    /// An error status: the body says why.
    Failed,
}

/// The kind of an answer with `status` when the status alone decides; `None` for a 422, whose body
/// decides between [`AnswerKind::Partial`] and [`AnswerKind::Failed`].
pub fn kind_by_status(status: u16) -> Option<AnswerKind> {
    match status {
        204 | 304 => Some(AnswerKind::Empty),
        207 => Some(AnswerKind::Partial),
        200..=299 => Some(AnswerKind::Data),
        422 => None,
        _ => Some(AnswerKind::Failed),
    }
}

/// What an answer says, read from its body when its kind needs it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answer {
    /// What the answer is.
    pub kind: AnswerKind,
    /// For a partial answer, what failed and the counts; for a failed batch, the items it names.
    pub partial: Option<Partial>,
    /// For a failure, what the body says.
    pub problem: Option<Problem>,
}

/// Reads an answer with `status`, `content_type` (empty when absent) and `body`. Only partial and
/// failed answers are read; the data of a successful one is the caller's to parse.
pub fn read_answer(status: u16, content_type: &str, body: &str) -> Answer {
    let kind = kind_by_status(status).unwrap_or_else(|| {
        if top_level(body).saved_items {
            AnswerKind::Partial
        } else {
            AnswerKind::Failed
        }
    });
    match kind {
        AnswerKind::Empty | AnswerKind::Data => Answer {
            kind,
            partial: None,
            problem: None,
        },
        AnswerKind::Partial => Answer {
            kind,
            partial: Some(partial(body)),
            problem: None,
        },
        AnswerKind::Failed => Answer {
            kind,
            // A batch refused whole still says which items failed.
            partial: (status == 422 && top_level(body).names_items).then(|| partial(body)),
            problem: Some(problem(status, content_type, body)),
        },
    }
}

/// What the top of a 422's body holds.
#[derive(Default)]
struct TopLevel {
    /// `data` is a list with at least one item: some of the batch was saved.
    saved_items: bool,
    /// `batch_errors` is a list, or `field_errors` is there: the body names the items that failed.
    names_items: bool,
}

fn top_level(body: &str) -> TopLevel {
    let mut top = TopLevel::default();
    let Ok(root) = json::parse(body) else {
        return top;
    };
    if root.kind() != Kind::Object {
        return top;
    }
    let (mut batch_errors, mut field_errors) = (false, false);
    // The last of a name written twice counts, as `JSON.parse` reads it.
    for (name, value) in root.members() {
        if name.is("data") {
            top.saved_items = value.kind() == Kind::Array && value.items().next().is_some();
        } else if name.is("batch_errors") {
            batch_errors = value.kind() == Kind::Array;
        } else if name.is("field_errors") {
            field_errors = true;
        }
    }
    top.names_items = batch_errors || field_errors;
    top
}

/// The longest body a revalidating client keeps, in bytes (of UTF-16, as JavaScript counts): a catalog
/// page at its largest fits; larger answers are asked for whole each time.
pub const MAX_KEPT_BODY: usize = 1 << 20;

/// Whether a revalidating client keeps an answer to ask about it later with `If-Modified-Since`: a 200
/// that says when it was last modified (`last_modified`, empty when absent), no longer than
/// [`MAX_KEPT_BODY`]. BigCommerce documents `If-Modified-Since` and its 304, not ETags.
pub fn keeps_for_revalidation(status: u16, last_modified: &str, body_len: usize) -> bool {
    status == 200 && !last_modified.trim().is_empty() && body_len <= MAX_KEPT_BODY
}

#[cfg(test)]
mod tests;
