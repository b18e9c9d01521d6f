//! Property tests: over any quota (at least [`UNKNOWN_BURST`](super::UNKNOWN_BURST), which may go
//! before anything is known; BigCommerce's smallest is 150), window, latency, concurrency and burst, a
//! paced client meets no 429 from a store it is alone on, and every request is answered.

use proptest::prelude::*;

use super::tests::{run, Store};

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn a_paced_burst_never_goes_past_the_quota(
        quota in u64::from(super::UNKNOWN_BURST)..500,
        window_ms in 100u64..60_000,
        requests in 1u32..800,
        in_flight in 1u32..300,
        base_latency in 0u64..200,
        jitter in 0u64..100,
        seed in any::<u64>(),
    ) {
        let mut store = Store::new(quota, window_ms);
        // Each request's latency, the same each way, from a small hash of its number.
        let latency = |number: u64| {
            let mixed = (number ^ seed).wrapping_mul(0x9E37_79B9_7F4A_7C15);
            base_latency + (mixed >> 40) % (jitter + 1)
        };
        let (_, answers) = run(&mut store, requests, in_flight, latency);
        prop_assert_eq!(answers, requests);
        prop_assert_eq!(store.rejected, 0);
    }
}
