//! Signature validation with arbitrary URLs, parameters, headers and bodies.
//!
//! Checks, for every input:
//! - `validate`, `validate_body`, `Keyring::verify` and `Validator::verify` (request URL rule,
//!   public URL, trusted forwarded headers) never panic, and their errors display without
//!   showing a secret;
//! - sign-then-validate succeeds: for any URL without `bodySHA256` (auth token and SharedKey);
//!   for a JSON body covered by an appended `bodySHA256` (and a changed body is refused); for
//!   the port variant of an http(s) URL (signed without/with the port, validated with/without);
//!   and through `Validator::verify` for a request built from the target and `Host`.
#![no_main]

mod common;

use common::{SignatureInput, TOKEN};

use libfuzzer_sys::fuzz_target;
use sha2::{Digest, Sha256};
use twilio_webhooks::signature::{
    compute_signature, compute_signature_with, validate, validate_body, Algorithm, Keyring,
    SignatureError, SignedRequest, Validator,
};
use twilio_webhooks::Params;

const OLD_TOKEN: &str = "FUZZ_OLD_TOKEN_0123456789abcdef";
const KEY_ID: &str = "webhooks_sharedkey_0001";
const SHARED_SECRET: &str = "FUZZ_SHARED_SECRET_0123456789ab";
const SECRETS: [&str; 3] = [OLD_TOKEN, TOKEN, SHARED_SECRET];

fn keyring() -> Keyring {
    Keyring::from_tokens(&format!("{OLD_TOKEN},{TOKEN}"))
        .and_then(|keyring| keyring.with_shared_key(KEY_ID, SHARED_SECRET))
        .expect("valid keyring")
}

/// Displays the error and checks that no secret shows.
fn check_error(result: Result<(), SignatureError>, input_has_secret: bool) {
    if let Err(err) = result {
        let shown = format!("{err} {err:?} {}", err.reason());
        let _ = err.status();
        if !input_has_secret {
            for secret in SECRETS {
                assert!(!shown.contains(secret), "secret in error: {shown}");
            }
        }
    }
}

fn request_parts(
    input: &SignatureInput<'_>,
    signature: Option<&str>,
    settings: Option<&str>,
    content_type: Option<&str>,
) -> Option<http::request::Parts> {
    let mut builder = http::Request::post(input.target);
    if let Some(host) = input.host {
        builder = builder.header(http::header::HOST, host);
    }
    if let Some(proto) = input.forwarded_proto {
        builder = builder.header("x-forwarded-proto", proto);
    }
    if let Some(host) = input.forwarded_host {
        builder = builder.header("x-forwarded-host", host);
    }
    if let Some(content_type) = content_type {
        builder = builder.header(http::header::CONTENT_TYPE, content_type);
    }
    if let Some(signature) = signature {
        builder = builder.header("x-twilio-signature", signature);
    }
    if let Some(settings) = settings {
        builder = builder.header("x-twilio-webhooks-signature-settings", settings);
    }
    builder.body(()).ok().map(|request| request.into_parts().0)
}

fuzz_target!(|input: SignatureInput<'_>| {
    let keyring = keyring();
    let has_secret = {
        let text = format!("{input:?}");
        SECRETS.iter().any(|secret| text.contains(secret))
    };
    let params = input.params.iter().copied();

    // No panics, whatever comes in.
    check_error(
        validate(input.url, params.clone(), input.signature, &keyring),
        has_secret,
    );
    check_error(
        validate_body(input.url, input.body, input.signature, &keyring),
        has_secret,
    );
    let request = SignedRequest::new(input.url, input.signature)
        .params(params.clone())
        .body(input.body)
        .settings(input.settings);
    check_error(keyring.verify(&request), has_secret);

    let validators = [
        Validator::new(keyring.clone()),
        Validator::new(keyring.clone())
            .public_url("https://hooks.example.com/base/")
            .expect("valid public URL"),
        Validator::new(keyring.clone()).trust_forwarded_headers(true),
    ];
    let body_params = Params::parse(input.body).unwrap_or_default();
    if let Some(parts) = request_parts(
        &input,
        Some(input.signature),
        input.settings,
        input.content_type,
    ) {
        for validator in &validators {
            check_error(
                validator.verify(&parts, &body_params, input.body),
                has_secret,
            );
        }
    }

    // Sign, then validate: always accepted.
    if !common::has_body_sha256(input.url) {
        let signature = compute_signature(input.url, params.clone(), TOKEN);
        assert_eq!(
            validate(input.url, params.clone(), &signature, &keyring),
            Ok(())
        );
        let signature = compute_signature_with(
            Algorithm::HmacSha256,
            input.url,
            params.clone(),
            SHARED_SECRET.as_bytes(),
        );
        let settings = format!("key={KEY_ID},algorithm=HMAC_SHA256");
        let request = SignedRequest::new(input.url, &signature)
            .params(params.clone())
            .settings(Some(&settings));
        assert_eq!(keyring.verify(&request), Ok(()));

        // A JSON body: bodySHA256 appended, the URL alone signed, the body checked.
        if !input.url.contains('#') {
            let separator = if input.url.contains('?') { '&' } else { '?' };
            let hash = common::hex(&Sha256::digest(input.body));
            let url = format!("{}{separator}bodySHA256={hash}", input.url);
            if common::has_body_sha256(&url) {
                let signature = compute_signature(&url, [], TOKEN);
                assert_eq!(
                    validate_body(&url, input.body, &signature, &keyring),
                    Ok(())
                );
                let mut changed = input.body.to_vec();
                changed.push(b'x');
                assert_eq!(
                    validate_body(&url, &changed, &signature, &keyring),
                    Err(SignatureError::BodyHashMismatch)
                );
            }
        }

        // Twilio signs with or without the port: both are accepted.
        if let Some(variant) = common::port_variant(input.url) {
            let signature = compute_signature(&variant, params.clone(), TOKEN);
            assert_eq!(
                validate(input.url, params.clone(), &signature, &keyring),
                Ok(()),
                "signed {variant:?}, validated {:?}",
                input.url
            );
        }
    }

    // Through a validator: the URL it rebuilds from the request, signed, is accepted.
    let form = Params::from_pairs(input.params.iter().copied());
    let form_body = form.to_form();
    if let Some(parts) = request_parts(
        &input,
        None,
        None,
        Some("application/x-www-form-urlencoded"),
    ) {
        for validator in &validators {
            let Ok(url) = validator.signed_url(&parts) else {
                continue;
            };
            if common::has_body_sha256(&url) {
                continue;
            }
            let signature = compute_signature(&url, &form, TOKEN);
            let mut parts = parts.clone();
            parts.headers.insert(
                "x-twilio-signature",
                signature.parse().expect("base64 is a header value"),
            );
            assert_eq!(
                validator.verify(&parts, &form, form_body.as_bytes()),
                Ok(()),
                "{url:?}"
            );
        }
    }
});
