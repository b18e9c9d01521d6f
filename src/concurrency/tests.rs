//! One test a rule, named for the behaviour it pins.

use alloc::{string::String, vec::Vec};

use super::*;

/// The index of the table entry with exactly this method and pattern (found, not hard-coded, so that
/// adding an entry does not renumber the tests).
fn entry(method: Option<&str>, pattern: &str) -> Option<usize> {
    BIGCOMMERCE_LIMITS
        .iter()
        .position(|route| route.method == method && route.pattern == pattern)
}

fn category_tree_read() -> Option<usize> {
    route_of("GET", "/stores/abc123/v3/catalog/trees/5/categories")
}

#[test]
fn a_category_tree_read_waits_for_the_one_in_flight() {
    let tree = category_tree_read();
    assert_eq!(tree, entry(Some("GET"), "/v3/catalog/trees/{id}/categories"));
    assert!(tree.is_some());
    let mut slots = Slots::new(None, true);
    assert!(slots.try_acquire(tree));
    assert!(!slots.try_acquire(tree), "the second read must wait");
    assert_eq!(slots.in_flight(), 1);
    slots.release(tree);
    assert!(slots.try_acquire(tree), "the slot is free again");
}

#[test]
fn reads_of_different_trees_share_the_one_slot() {
    let first = route_of("GET", "/v3/catalog/trees/1/categories");
    let second = route_of("GET", "/v3/catalog/trees/2/categories");
    assert_eq!(first, second);
    let mut slots = Slots::new(None, true);
    assert!(slots.try_acquire(first));
    assert!(!slots.try_acquire(second));
}

#[test]
fn the_store_prefix_and_query_are_ignored() {
    let expected = entry(Some("GET"), "/v3/catalog/trees/{id}/categories");
    assert!(expected.is_some());
    for path in [
        "/stores/abc123/v3/catalog/trees/5/categories",
        "/v3/catalog/trees/5/categories",
        "/stores/abc123/v3/catalog/trees/5/categories?page=2&limit=50",
        "/v3/catalog/trees/5/categories?page=2#top",
        "/v3/catalog/trees/5/categories#top",
        "/v3/catalog/trees/5/categories?next=/v3/other/",
        "v3/catalog/trees/5/categories",
    ] {
        assert_eq!(route_of("GET", path), expected, "{path}");
    }
}

#[test]
fn a_full_url_is_read_by_its_path() {
    let expected = entry(Some("GET"), "/v3/catalog/trees/{id}/categories");
    assert_eq!(
        route_of(
            "GET",
            "https://api.bigcommerce.com/stores/abc123/v3/catalog/trees/5/categories?limit=250"
        ),
        expected
    );
    assert_eq!(route_of("GET", "https://api.bigcommerce.com"), None);
    assert_eq!(
        route_of("GET", "https://api.bigcommerce.com?x=/v3/catalog/categories"),
        None
    );
    // A `://` after the first slash is part of the path, not a scheme.
    assert_eq!(route_of("GET", "/v3/catalog/categories/http://x"), None);
}

#[test]
fn one_trailing_slash_is_ignored_but_not_two() {
    let categories = entry(None, "/v3/catalog/categories");
    assert!(categories.is_some());
    assert_eq!(route_of("GET", "/v3/catalog/categories/"), categories);
    assert_eq!(
        route_of("GET", "/stores/h/v3/catalog/categories/?page=1"),
        categories
    );
    assert_eq!(route_of("GET", "/v3/catalog/categories//"), None);
    assert_eq!(route_of("GET", "/v3//catalog/categories"), None);
}

#[test]
fn a_path_without_a_version_is_read_as_v3() {
    assert_eq!(
        route_of("GET", "/catalog/categories"),
        route_of("GET", "/v3/catalog/categories")
    );
    assert_eq!(
        route_of("PUT", "/stores/abc123/customers"),
        entry(Some("PUT"), "/v3/customers")
    );
    // v2 routes need their version: the unversioned path is a v3 one, which has no limit here.
    let groups = entry(None, "/v2/customer_groups");
    assert!(groups.is_some());
    assert_eq!(route_of("GET", "/v2/customer_groups"), groups);
    assert_eq!(route_of("GET", "/customer_groups"), None);
    assert_eq!(route_of("GET", "/v3/customer_groups"), None);
    assert_eq!(route_of("GET", "/v4/catalog/categories"), None);
}

#[test]
fn methods_match_in_any_case_and_segments_do_not() {
    let upsert = entry(Some("PUT"), "/v3/customers");
    assert!(upsert.is_some());
    for method in ["PUT", "put", "Put"] {
        assert_eq!(route_of(method, "/v3/customers"), upsert, "{method}");
    }
    assert_eq!(route_of("GET", "/v3/customers"), None, "only PUT is limited");
    assert_eq!(route_of("PUT", "/v3/Customers"), None);
    assert_eq!(route_of("PUT", "/V3/customers"), None);
    assert_eq!(route_of("PUTS", "/v3/customers"), None);
}

#[test]
fn an_id_placeholder_takes_exactly_one_non_empty_segment() {
    let records = entry(Some("GET"), "/v3/pricelists/{id}/records");
    assert!(records.is_some());
    assert_eq!(route_of("GET", "/v3/pricelists/7/records"), records);
    assert_eq!(route_of("GET", "/v3/pricelists/abc-DEF_9/records"), records);
    assert_eq!(route_of("GET", "/v3/pricelists//records"), None);
    assert_eq!(route_of("GET", "/v3/pricelists/records"), None);
    assert_eq!(
        route_of("GET", "/v3/pricelists/7/records/12"),
        entry(Some("GET"), "/v3/pricelists/{id}/records/{id}")
    );
    assert_eq!(
        route_of("GET", "/v3/pricelists/7/records/12/USD"),
        entry(Some("GET"), "/v3/pricelists/{id}/records/{id}/{id}")
    );
    assert_eq!(route_of("GET", "/v3/pricelists/7/records/12/USD/more"), None);
}

#[test]
fn a_literal_route_is_found_before_an_id_route_that_overlaps_it() {
    let codes = entry(None, "/v3/promotions/codes");
    assert!(codes.is_some());
    assert_eq!(route_of("GET", "/v3/promotions/codes"), codes);
    assert_eq!(
        route_of("GET", "/v3/promotions/42"),
        entry(None, "/v3/promotions/{id}")
    );
    // Listing one promotion's codes is the 10; adding codes is the 40.
    assert_eq!(
        route_of("GET", "/v3/promotions/42/codes"),
        entry(Some("GET"), "/v3/promotions/{id}/codes")
    );
    assert_eq!(
        route_of("POST", "/v3/promotions/42/codes"),
        entry(None, "/v3/promotions/{id}/codes")
    );
}

#[test]
fn the_two_price_list_upserts_keep_their_own_limits() {
    let store_wide = route_of("PUT", "/v3/pricelists/records");
    let one_list = route_of("PUT", "/v3/pricelists/3/records");
    let slots = Slots::new(None, true);
    assert_eq!(store_wide.and_then(|route| slots.limit_of(route)), Some(1));
    assert_eq!(one_list.and_then(|route| slots.limit_of(route)), Some(2));
    assert_eq!(
        route_of("POST", "/v3/pricelists/records").and_then(|route| slots.limit_of(route)),
        Some(10)
    );
}

#[test]
fn the_customer_routes_hold_to_their_documented_limits() {
    let slots = Slots::new(None, true);
    let limit = |method, path| route_of(method, path).and_then(|route| slots.limit_of(route));
    assert_eq!(limit("PUT", "/v3/customers"), Some(3));
    assert_eq!(limit("PUT", "/v3/customers/addresses"), Some(3));
    assert_eq!(limit("POST", "/v3/customers/addresses"), Some(10));
    assert_eq!(limit("PUT", "/v3/customers/attributes"), Some(3));
    assert_eq!(limit("POST", "/v3/customers/attributes"), Some(3));
    assert_eq!(limit("POST", "/v3/customers/validate-credentials"), Some(1));
    assert_eq!(limit("GET", "/v3/customers/addresses"), None);
    assert_eq!(limit("POST", "/v3/pricing/products"), Some(50));
    assert_eq!(limit("DELETE", "/v3/inventory/locations"), Some(50));
    assert_eq!(limit("POST", "/v3/catalog/categories"), Some(40));
}

#[test]
fn a_path_that_is_not_in_the_table_has_no_route() {
    for (method, path) in [
        ("GET", "/v3/catalog/products"),
        ("GET", "/v3/catalog/trees/5/categories/extra"),
        ("GET", "/stores/abc123"),
        ("GET", "/stores//v3/catalog/categories"),
        ("GET", ""),
        ("GET", "/"),
        ("GET", "?"),
        ("", "/v3/customers"),
    ] {
        assert_eq!(route_of(method, path), None, "{method} {path}");
    }
}

#[test]
fn the_table_is_well_formed() {
    for route in BIGCOMMERCE_LIMITS {
        assert!(
            route.limit >= 1,
            "{route:?}: a limit of 0 would never let it start"
        );
        assert!(
            route.pattern.starts_with("/v2/") || route.pattern.starts_with("/v3/"),
            "{route:?}"
        );
        assert!(
            route
                .pattern
                .split('/')
                .skip(1)
                .all(|segment| !segment.is_empty()),
            "{route:?}"
        );
        assert!(!route.pattern.contains(['?', '#']), "{route:?}");
        if let Some(method) = route.method {
            assert!(["GET", "PUT", "POST", "DELETE"].contains(&method), "{route:?}");
        }
    }
}

#[test]
fn every_entry_is_found_by_a_path_made_from_its_pattern() {
    for (index, route) in BIGCOMMERCE_LIMITS.iter().enumerate() {
        let path: String = route.pattern.replace("{id}", "17");
        let methods: Vec<&str> = match route.method {
            Some(method) => alloc::vec![method],
            // A catch-all entry must be reachable by at least one method that no entry above takes.
            None => alloc::vec!["GET", "POST", "PUT", "DELETE"],
        };
        assert!(
            methods
                .iter()
                .any(|method| route_of(method, &path) == Some(index)),
            "{route:?} is shadowed by an earlier entry"
        );
    }
}

#[test]
fn a_full_route_does_not_block_another_route() {
    let tree = category_tree_read();
    let locations = route_of("GET", "/v3/inventory/locations");
    let mut slots = Slots::new(Some(WORKER_CONNECTIONS), true);
    assert!(slots.try_acquire(tree));
    // Oldest first: a second tree read (its route is full), then a locations read.
    let waiting = [tree, locations];
    assert_eq!(next_to_start(&waiting, &slots), Some(1));
    assert!(slots.try_acquire(locations));
    assert_eq!(next_to_start(&[tree], &slots), None);
    slots.release(tree);
    assert_eq!(next_to_start(&[tree], &slots), Some(0));
}

#[test]
fn the_overall_cap_keeps_fifo_order() {
    let tree = category_tree_read();
    let locations = route_of("GET", "/v3/inventory/locations");
    let mut slots = Slots::new(Some(1), true);
    assert!(slots.try_acquire(None));
    // The cap is full: nobody starts, whatever their route.
    let waiting = [locations, None, tree];
    assert_eq!(next_to_start(&waiting, &slots), None);
    assert!(!slots.try_acquire(None));
    slots.release(None);
    // The freed slot goes to the oldest, not to any of the others.
    assert_eq!(next_to_start(&waiting, &slots), Some(0));
}

#[test]
fn requests_for_one_route_start_in_the_order_they_came() {
    let tree = category_tree_read();
    let mut slots = Slots::new(Some(2), true);
    assert!(slots.try_acquire(tree));
    let waiting = [None, tree, None, tree];
    assert_eq!(next_to_start(&waiting, &slots), Some(0));
    slots.release(tree);
    assert_eq!(next_to_start(&waiting[1..], &slots), Some(0));
}

#[test]
fn nothing_waiting_means_nothing_to_start() {
    assert_eq!(next_to_start(&[], &Slots::new(None, true)), None);
}

#[test]
fn a_worker_cap_lets_six_start_and_holds_the_seventh() {
    let mut slots = Slots::new(Some(WORKER_CONNECTIONS), false);
    for _ in 0..6 {
        assert!(slots.try_acquire(None));
    }
    assert!(!slots.try_acquire(None));
    assert_eq!(slots.in_flight(), 6);
}

#[test]
fn without_the_table_only_the_overall_cap_applies() {
    let tree = category_tree_read();
    let mut slots = Slots::new(Some(3), false);
    assert!(tree.is_some_and(|route| slots.limit_of(route).is_none()));
    assert!(slots.try_acquire(tree));
    assert!(slots.try_acquire(tree));
    assert!(slots.try_acquire(tree));
    assert!(!slots.try_acquire(tree));
    // Still counted per route, for whoever watches.
    assert_eq!(tree.map(|route| slots.in_flight_on(route)), Some(3));
}

#[test]
fn without_a_cap_only_the_routes_apply() {
    let mut slots = Slots::new(None, true);
    for _ in 0..1_000 {
        assert!(slots.try_acquire(None));
    }
    assert_eq!(slots.in_flight(), 1_000);
}

#[test]
fn a_cap_of_zero_is_read_as_one() {
    let mut slots = Slots::new(Some(0), true);
    assert!(slots.try_acquire(None));
    assert!(!slots.try_acquire(None));
}

#[test]
fn releasing_what_was_never_acquired_stays_at_zero() {
    let tree = category_tree_read();
    let mut slots = Slots::new(Some(2), true);
    slots.release(None);
    slots.release(tree);
    slots.release(Some(usize::MAX));
    assert_eq!(slots.in_flight(), 0);
    assert_eq!(tree.map(|route| slots.in_flight_on(route)), Some(0));
    // And the slots are not owed: the cap still lets exactly two start.
    assert!(slots.try_acquire(None));
    assert!(slots.try_acquire(None));
    assert!(!slots.try_acquire(None));
}

#[test]
fn a_route_outside_the_table_is_held_to_the_cap_alone() {
    let mut slots = Slots::new(Some(2), true);
    assert_eq!(slots.limit_of(usize::MAX), None);
    assert_eq!(slots.limit_of(BIGCOMMERCE_LIMITS.len()), None);
    assert!(slots.try_acquire(Some(usize::MAX)));
    assert!(slots.try_acquire(Some(BIGCOMMERCE_LIMITS.len())));
    assert!(!slots.try_acquire(Some(usize::MAX)));
    assert_eq!(slots.in_flight_on(usize::MAX), 0);
    assert_eq!(slots.in_flight(), 2);
}
