//! Inputs the fuzz targets in `fuzz/` found, kept as tests so they stay handled without the
//! fuzzer (see `fuzz/README.md`).

use std::time::{Duration, Instant};

use twilio_webhooks::signature::{compute_signature, validate, Keyring, SignatureError};
use twilio_webhooks::{Event, Params};

/// `form_and_event`, a timeout: the JSON form of a parameter list looked for earlier names pair by
/// pair, so a body of distinct names took quadratic time (a 236 KB body 14 s, a 980 KB one, under
/// the default 1 MiB limit, two minutes). Any `Unknown` event, or a known one with many unknown
/// parameters in `extra`, serialized that way.
#[test]
fn json_of_many_distinct_parameters_is_linear() {
    let names = 100_000;
    let body = (0..names)
        .map(|i| format!("p{i:x}={i}"))
        .collect::<Vec<_>>()
        .join("&");
    let body = format!("EventType=onSomethingNew&{body}");
    let event = Event::from_form(body.as_bytes()).unwrap();

    let started = Instant::now();
    let json = serde_json::to_value(&event).unwrap();
    let elapsed = started.elapsed();

    assert_eq!(json["params"].as_object().unwrap().len(), names + 1);
    assert_eq!(json["params"]["p1869f"], "99999");
    // Linear is well under a second even unoptimized; quadratic was minutes.
    assert!(
        elapsed < Duration::from_secs(30),
        "serializing {names} parameters took {elapsed:?}"
    );
}

/// The JSON form after the fix: names in order of first appearance, a repeated name as the array
/// of its values in the order sent, a single one as a string.
#[test]
fn json_of_repeated_parameters_keeps_first_positions() {
    let params = Params::parse(b"b=1&a=2&b=3&c=&a=4&b=5&d=%C3%A9").unwrap();
    assert_eq!(
        serde_json::to_string(&params).unwrap(),
        r#"{"b":["1","3","5"],"a":["2","4"],"c":"","d":"é"}"#
    );
    assert_eq!(serde_json::to_string(&Params::default()).unwrap(), "{}");
}

fn keyring() -> Keyring {
    Keyring::from_tokens("FUZZ_OLD_TOKEN,FUZZ_AUTH_TOKEN").unwrap()
}

/// Validates `url` with a signature computed over `signed`.
fn signed_as(signed: &str, url: &str) -> Result<(), SignatureError> {
    let params = [("EventType", "onMessageAdd"), ("Body", "hi")];
    let signature = compute_signature(signed, params, "FUZZ_AUTH_TOKEN");
    validate(url, params, &signature, &keyring())
}

/// `signature`: URLs whose authority is not a host and a port. `http::Uri` accepts them (a
/// non-numeric port as no port, brackets inside a name, `+0` as a port), so the fuzz target's
/// port-variant oracle disagreed with the library. The library is right: such a URL has no port
/// variant (Twilio never signs one), and it is validated exactly as given.
#[test]
fn malformed_authorities_have_no_port_variant() {
    let cases = [
        ("http://user:pa", "http://user:pa:80"),
        (
            "https://hoo[::1]amphooks.example.com/tw",
            "https://hoo[::1]amphooks.example.com:443/tw",
        ),
        ("https://:+0", "https://"),
    ];
    for (url, variant) in cases {
        assert_eq!(signed_as(url, url), Ok(()), "{url}");
        assert!(
            matches!(
                signed_as(variant, url),
                Err(SignatureError::Mismatch { urls: 1, .. })
            ),
            "{url} signed as {variant}"
        );
    }
}

/// The well-formed neighbours of those URLs do have their port variant (default ports: both ways).
#[test]
fn well_formed_authorities_have_their_port_variant() {
    let cases = [
        ("http://user:pa@host", "http://user:pa@host:80"),
        ("https://[::1]/tw", "https://[::1]:443/tw"),
        ("https://h:443?x=1", "https://h?x=1"),
    ];
    for (url, variant) in cases {
        assert_eq!(signed_as(variant, url), Ok(()), "{url} signed as {variant}");
        assert_eq!(signed_as(url, variant), Ok(()), "{variant} signed as {url}");
    }
    // Any port is removed; a port other than the default is not added back.
    assert_eq!(signed_as("https://h", "https://h:0"), Ok(()));
    assert!(signed_as("https://h:0", "https://h").is_err());
}
