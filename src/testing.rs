//! Settings shared by the property tests (`cargo test --lib props`). proptest rather than
//! cargo-fuzz: cargo-fuzz needs a nightly toolchain and CI runs stable.

use proptest::test_runner::{Config, RngSeed};

/// `cases` per property unless `PROPTEST_CASES` says otherwise, and a fixed seed unless
/// `PROPTEST_RNG_SEED` does: CI runs the same cases every time, so a failure reproduces from
/// the seed alone and no regressions file is written into the source tree.
pub fn config(cases: u32) -> Config {
    let mut config = Config::default();
    if std::env::var_os("PROPTEST_CASES").is_none() {
        config.cases = cases;
    }
    if std::env::var_os("PROPTEST_RNG_SEED").is_none() {
        config.rng_seed = RngSeed::Fixed(0x7_0ad_70b);
    }
    config.failure_persistence = None;
    config
}
