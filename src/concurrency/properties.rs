//! Invariants of the slot accounting and the route matching over random sequences and strings.

use proptest::prelude::*;

use super::*;

/// A route as `route_of` gives it, and sometimes an index outside the table.
fn any_route() -> impl Strategy<Value = Option<usize>> {
    prop_oneof![
        2 => Just(None),
        6 => (0..ROUTES).prop_map(Some),
        1 => (ROUTES..ROUTES + 3).prop_map(Some),
        1 => Just(Some(usize::MAX)),
    ]
}

#[derive(Clone, Debug)]
enum Step {
    Acquire(Option<usize>),
    Release(Option<usize>),
}

fn any_step() -> impl Strategy<Value = Step> {
    prop_oneof![
        3 => any_route().prop_map(Step::Acquire),
        2 => any_route().prop_map(Step::Release),
    ]
}

fn any_cap() -> impl Strategy<Value = Option<u32>> {
    proptest::option::of(0u32..8)
}

/// Slots after a random history.
fn slots_after(overall: Option<u32>, routes: bool, steps: &[Step]) -> Slots {
    let mut slots = Slots::new(overall, routes);
    for step in steps {
        match step {
            Step::Acquire(route) => {
                slots.try_acquire(*route);
            }
            Step::Release(route) => slots.release(*route),
        }
    }
    slots
}

fn held_to_every_limit(slots: &Slots, overall: Option<u32>) -> Result<(), TestCaseError> {
    if let Some(cap) = overall {
        prop_assert!(
            slots.in_flight() <= cap.max(1),
            "{} over the cap {cap}",
            slots.in_flight()
        );
    }
    for route in 0..ROUTES {
        if let Some(limit) = slots.limit_of(route) {
            prop_assert!(
                slots.in_flight_on(route) <= limit,
                "route {route} over its {limit}"
            );
        }
    }
    Ok(())
}

/// A path made from table segments, placeholders' values and noise, with or without the decorations
/// `route_of` strips, so that matches are common.
fn path_like() -> impl Strategy<Value = String> {
    let segment = prop_oneof![
        Just("v2"),
        Just("v3"),
        Just("stores"),
        Just("abc123"),
        Just("catalog"),
        Just("trees"),
        Just("categories"),
        Just("customers"),
        Just("pricelists"),
        Just("records"),
        Just("promotions"),
        Just("codes"),
        Just("5"),
        Just(""),
        Just("?"),
        Just("#"),
        Just("://"),
        Just("é"),
    ];
    (
        proptest::collection::vec(segment, 0..9),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(segments, leading, trailing)| {
            let mut path = String::new();
            if leading {
                path.push('/');
            }
            path.push_str(&segments.join("/"));
            if trailing {
                path.push('/');
            }
            path
        })
}

proptest! {
    #[test]
    fn in_flight_never_exceeds_the_cap_or_a_route_limit(
        overall in any_cap(),
        routes in any::<bool>(),
        steps in proptest::collection::vec(any_step(), 0..200),
    ) {
        let mut slots = Slots::new(overall, routes);
        for step in &steps {
            let before = slots.clone();
            match step {
                Step::Acquire(route) => {
                    let could = before.can_start(*route);
                    prop_assert_eq!(slots.try_acquire(*route), could);
                    let added = u32::from(could);
                    prop_assert_eq!(slots.in_flight(), before.in_flight() + added);
                    if let Some(route) = route.filter(|route| *route < ROUTES) {
                        prop_assert_eq!(slots.in_flight_on(route), before.in_flight_on(route) + added);
                    }
                }
                Step::Release(route) => {
                    slots.release(*route);
                    prop_assert_eq!(slots.in_flight(), before.in_flight().saturating_sub(1));
                }
            }
            held_to_every_limit(&slots, overall)?;
        }
    }

    #[test]
    fn route_of_never_panics_on_any_strings(method in ".{0,8}", path in ".{0,80}") {
        if let Some(index) = route_of(&method, &path) {
            prop_assert!(index < ROUTES);
        }
    }

    #[test]
    fn route_of_finds_an_entry_that_fits_the_method(
        method in prop_oneof![Just("GET"), Just("put"), Just("Post"), Just("DELETE"), Just("PATCH")],
        path in path_like(),
    ) {
        if let Some(index) = route_of(method, &path) {
            let route = BIGCOMMERCE_LIMITS.get(index);
            prop_assert!(route.is_some_and(|route| route.applies_to(method)));
        }
    }

    #[test]
    fn the_store_prefix_a_query_and_a_trailing_slash_do_not_change_the_route(
        index in 0..ROUTES,
        id in "[A-Za-z0-9_-]{1,8}",
        hash in "[a-z0-9]{1,10}",
        query in "[?#][ -~]{0,20}",
        method in prop_oneof![Just("GET"), Just("PUT"), Just("POST"), Just("DELETE")],
    ) {
        let pattern = BIGCOMMERCE_LIMITS.get(index).map_or("", |route| route.pattern);
        let path = pattern.replace("{id}", &id);
        let plain = route_of(method, &path);
        prop_assert_eq!(route_of(method, &alloc::format!("/stores/{hash}{path}/{query}")), plain);
        prop_assert_eq!(route_of(method, &alloc::format!("https://api.bigcommerce.com/stores/{hash}{path}")), plain);
    }

    #[test]
    fn next_to_start_picks_the_oldest_request_that_can_acquire(
        overall in any_cap(),
        routes in any::<bool>(),
        steps in proptest::collection::vec(any_step(), 0..60),
        waiting in proptest::collection::vec(any_route(), 0..12),
    ) {
        let slots = slots_after(overall, routes, &steps);
        match next_to_start(&waiting, &slots) {
            Some(position) => {
                let route = waiting.get(position).copied();
                prop_assert!(route.is_some(), "position {position} is outside the queue");
                prop_assert!(slots.clone().try_acquire(route.flatten()));
                for earlier in waiting.iter().take(position) {
                    prop_assert!(!slots.clone().try_acquire(*earlier), "an older request could start");
                }
            }
            None => {
                for route in &waiting {
                    prop_assert!(!slots.clone().try_acquire(*route));
                }
            }
        }
    }
}
