//! Compile-time checks of `#[pre_action]` and `#[post_action]`: `tests/ui/macros/pass/*.rs` must
//! compile, and `tests/ui/macros/fail/*.rs` must fail with the messages in their `.stderr` files.
//! `tests/ui/handlers/fail/*.rs` are handlers registered without the macros, whose errors come
//! from the builder's bounds.
//!
//! Compiler messages change between Rust releases, so the snapshots are pinned to one toolchain
//! ([`PINNED_TOOLCHAIN`]); on any other the `fail/` cases are skipped (the `pass/` cases always
//! run). Regenerate the snapshots with `TRYBUILD=overwrite cargo test --test macros`.
#![cfg(feature = "macros")]

use std::process::Command;

/// The `rustc` release the `.stderr` snapshots were generated with.
const PINNED_TOOLCHAIN: &str = "1.95";

/// Whether the compiler that runs the cases is the pinned one.
fn on_pinned_toolchain() -> bool {
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let version = Command::new(rustc)
        .arg("--version")
        .output()
        .map(|output| String::from_utf8_lossy(&output.stdout).into_owned())
        .unwrap_or_default();
    version.starts_with(&format!("rustc {PINNED_TOOLCHAIN}."))
}

#[test]
fn ui() {
    let cases = trybuild::TestCases::new();
    cases.pass("tests/ui/macros/pass/*.rs");
    if on_pinned_toolchain() {
        cases.compile_fail("tests/ui/macros/fail/*.rs");
        cases.compile_fail("tests/ui/handlers/fail/*.rs");
    } else {
        eprintln!(
            "skipping tests/ui/macros/fail and tests/ui/handlers/fail: the .stderr snapshots are \
             for rustc {PINNED_TOOLCHAIN}"
        );
    }
}
