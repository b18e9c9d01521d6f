//! `graphql::is_read_only` against a real GraphQL parser.
//!
//! A document called read-only is retried as a POST, so the reader must never say so of a document
//! that holds a write. The oracle is `apollo-parser`: Apollo maintains it for its router, it follows
//! the October 2021 specification, and it recovers from errors, so it shows which operations a
//! forgiving server could still find in text that does not parse. (`graphql-parser` stops at the
//! first error and has fallen behind the specification.)
//!
//! Invariants, for every UTF-8 input:
//! - a document the oracle parses without error and that holds a mutation or subscription is never
//!   read-only;
//! - nor is one that does not parse but in which the oracle, recovering, still finds a mutation or
//!   subscription operation: a server that is forgiving in the same way would run it;
//! - a document the oracle parses without error, made only of operations and fragments, whose
//!   operations are all queries, is read-only (unless it nests past the reader's limit): the reader
//!   follows the grammar, not a stricter subset that would quietly stop retrying real queries.
//!   apollo-parser 0.8 accepts an argument or input-object field with no `: value` (`cart(id)`,
//!   `{id}`) without an error; the specification does not, nor does the reader, so such documents
//!   are left out of this check.
#![no_main]

use apollo_parser::cst::{self, CstNode};
use apollo_parser::Parser;
use commerce_fetch::graphql::is_read_only;
use libfuzzer_sys::fuzz_target;

/// The reader's nesting limit (`MAX_DEPTH` in `src/graphql.rs`).
const MAX_DEPTH: usize = 64;

fuzz_target!(|data: &[u8]| {
    let Ok(document) = std::str::from_utf8(data) else {
        return;
    };
    let read_only = is_read_only(document);
    let tree = Parser::new(document).parse();
    let parses = tree.errors().len() == 0;

    let mut operations = 0;
    let mut only_executable = true;
    let mut writes = Vec::new();
    for definition in tree.document().definitions() {
        match definition {
            cst::Definition::OperationDefinition(operation) => {
                operations += 1;
                // No operation type is the `{ … }` shorthand, a query.
                if let Some(kind) = operation.operation_type() {
                    if let Some(write) = kind.mutation_token().or(kind.subscription_token()) {
                        writes.push(write.text().to_string());
                    }
                }
            }
            cst::Definition::FragmentDefinition(_) => {}
            _ => only_executable = false,
        }
    }

    if read_only {
        let errors: Vec<String> = tree.errors().map(|e| format!("{e:?}")).collect();
        assert!(
            writes.is_empty(),
            "called read-only, but the oracle finds {writes:?} in {document:?} (oracle errors: {errors:?})"
        );
    } else if parses
        && only_executable
        && operations > 0
        && writes.is_empty()
        && !has_a_field_without_value(&tree.document())
    {
        assert!(
            nesting(document) > MAX_DEPTH,
            "a document of queries that the oracle parses is not called read-only: {document:?}"
        );
    }
});

/// Whether an argument or input-object field lacks its `:` or its value, which the oracle lets pass.
fn has_a_field_without_value(document: &cst::Document) -> bool {
    document.syntax().descendants().any(|node| {
        if let Some(argument) = cst::Argument::cast(node.clone()) {
            argument.colon_token().is_none() || argument.value().is_none()
        } else if let Some(field) = cst::ObjectField::cast(node) {
            field.colon_token().is_none() || field.value().is_none()
        } else {
            false
        }
    })
}

/// The deepest nesting of brackets of any kind, counting those in strings and comments too: an upper
/// bound on how deep the reader has to go.
fn nesting(document: &str) -> usize {
    let mut depth = 0usize;
    let mut deepest = 0;
    for byte in document.bytes() {
        match byte {
            b'{' | b'[' | b'(' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            b'}' | b']' | b')' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}
