//! What a pre-action decision may modify is checked at compile time.

#[test]
fn decision_types() {
    let cases = trybuild::TestCases::new();
    cases.pass("tests/ui/decisions/pass/*.rs");
    cases.compile_fail("tests/ui/decisions/fail/*.rs");
}
