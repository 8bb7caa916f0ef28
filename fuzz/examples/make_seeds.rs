//! Writes the seed inputs in `fuzz/seeds/<target>/`: realistic webhooks built from the library's
//! own samples. Run from `fuzz/`: `cargo run --example make_seeds`.
//!
//! The `signature` target decodes its input with `arbitrary`; its seeds are encoded here in that
//! format and checked by decoding them back, so a change in `arbitrary` is noticed.

#[path = "../fuzz_targets/common.rs"]
mod common;

use std::fs;
use std::path::Path;

use arbitrary::{Arbitrary, Unstructured};
use common::{SignatureInput, TOKEN};
use sha2::{Digest, Sha256};
use twilio_webhooks::signature::compute_signature;
use twilio_webhooks::testing::{sample_cloud_event, sample_params, EventBatch, EVENT_TYPES};
use twilio_webhooks::Params;

const URL: &str = "http://example.com/twilio/conversations";

fn write(target: &str, name: &str, bytes: &[u8]) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("seeds")
        .join(target);
    fs::create_dir_all(&dir).expect("create seed directory");
    fs::write(dir.join(name), bytes).expect("write seed");
}

/// A sample with some parameters replaced.
fn sample_with(event_type: &str, changes: &[(&str, &str)]) -> Params {
    let sample = sample_params(event_type).expect("known event type");
    Params::from_pairs(sample.iter().map(|(name, value)| {
        let changed = changes.iter().find(|(n, _)| *n == name);
        (name, changed.map_or(value, |(_, v)| *v))
    }))
}

fn form_seeds() {
    for event_type in EVENT_TYPES {
        let params = sample_params(event_type).expect("sample");
        write("form_and_event", event_type, params.to_form().as_bytes());
    }
    let odd = [
        ("percent_utf8", "EventType=onMessageAdd&Body=hello+w%C3%B6rld%21&Author=%2B15005550006"),
        ("repeated_binding", "EventType=onConversationAdd&MessagingBinding.Address=%2B15550001&MessagingBinding.Address=%2B15550002"),
        ("unknown_event", "EventType=onSomethingNew&AccountSid=AC1&Foo=bar&&Foo=baz&=x&y"),
        ("bad_percent", "EventType=onMessageAdd&Body=100%"),
        ("two_event_types", "EventType=onMessageAdd&EventType=onMessageAdded"),
    ];
    for (name, body) in odd {
        write("form_and_event", name, body.as_bytes());
    }
}

/// An HTTP/1-like request in the `service` target's format.
fn http(method: &str, target: &str, headers: &[(&str, &str)], body: &str) -> Vec<u8> {
    let mut text = format!("{method} {target}\r\n");
    for (name, value) in headers {
        text.push_str(&format!("{name}: {value}\r\n"));
    }
    text.push_str("\r\n");
    text.push_str(body);
    text.into_bytes()
}

fn signed_post(name: &str, params: &Params, extra: &[(&str, &str)]) {
    let signature = compute_signature(URL, params, TOKEN);
    let mut headers = vec![
        ("host", "example.com"),
        ("content-type", "application/x-www-form-urlencoded"),
        ("x-twilio-signature", signature.as_str()),
        ("i-twilio-idempotency-token", "a1b2c3d4-e5f6"),
    ];
    headers.extend_from_slice(extra);
    let body = params.to_form();
    write(
        "service",
        name,
        &http("POST", "/twilio/conversations", &headers, &body),
    );
}

fn service_seeds() {
    signed_post(
        "onMessageAdd_heck",
        &sample_with("onMessageAdd", &[("Body", "what the heck")]),
        &[],
    );
    signed_post(
        "onConversationAdd_heck",
        &sample_with("onConversationAdd", &[("FriendlyName", "heck support")]),
        &[],
    );
    signed_post(
        "onParticipantAdd_mallory",
        &sample_with("onParticipantAdd", &[("Identity", "mallory")]),
        &[],
    );
    signed_post(
        "onMessageAdded_chunked",
        &sample_params("onMessageAdded").expect("sample"),
        &[("x-fuzz-chunks", "7")],
    );
    signed_post(
        "onUserAdded",
        &sample_params("onUserAdded").expect("sample"),
        &[],
    );
    signed_post(
        "onConversationRemoved_no_handler",
        &sample_params("onConversationRemoved").expect("sample"),
        &[],
    );

    // A GET: the parameters in the query, signed over the URL alone.
    let query = sample_params("onUserUpdated").expect("sample").to_form();
    let target = format!("/twilio/conversations?{query}");
    let signature = compute_signature(&format!("http://example.com{target}"), [], TOKEN);
    write(
        "service",
        "get_onUserUpdated",
        &http(
            "GET",
            &target,
            &[("host", "example.com"), ("x-twilio-signature", &signature)],
            "",
        ),
    );

    // A JSON body covered by bodySHA256.
    let json = r#"{"EventType":"onMessageAdded"}"#;
    let hash = common::hex(&Sha256::digest(json.as_bytes()));
    let target = format!("/twilio/conversations?bodySHA256={hash}");
    let signature = compute_signature(&format!("http://example.com{target}"), [], TOKEN);
    write(
        "service",
        "json_body_sha256",
        &http(
            "POST",
            &target,
            &[
                ("host", "example.com"),
                ("content-type", "application/json"),
                ("x-twilio-signature", &signature),
            ],
            json,
        ),
    );

    // Forged, oversized, wrong method.
    let body = sample_params("onMessageAdd").expect("sample").to_form();
    write(
        "service",
        "forged",
        &http(
            "POST",
            "/twilio/conversations",
            &[
                ("host", "example.com"),
                ("content-type", "application/x-www-form-urlencoded"),
                ("x-twilio-signature", "RSOYDt4T1cUTdK1PDd93/VVr8B8="),
            ],
            &body,
        ),
    );
    write(
        "service",
        "content_length_over_limit",
        &http(
            "POST",
            "/twilio/conversations",
            &[("host", "example.com"), ("content-length", "1048577")],
            &body,
        ),
    );
    write(
        "service",
        "put",
        &http(
            "PUT",
            "/twilio/conversations",
            &[("host", "example.com")],
            "",
        ),
    );
}

/// Encodes a `SignatureInput` the way `arbitrary` decodes it: contents and flags from the
/// front, lengths from the back (one byte while at most 256 bytes remain, else two, big-endian),
/// the last field the rest.
fn encode(input: &SignatureInput<'_>) -> Vec<u8> {
    enum Item<'a> {
        Flag(bool),
        Text(&'a str),
    }
    let mut items = vec![Item::Text(input.url)];
    for (name, value) in &input.params {
        items.extend([Item::Flag(true), Item::Text(name), Item::Text(value)]);
    }
    items.extend([Item::Flag(false), Item::Text(input.signature)]);
    items.push(Item::Flag(input.settings.is_some()));
    items.extend(input.settings.map(Item::Text));
    items.push(Item::Text(input.target));
    for option in [
        input.host,
        input.forwarded_proto,
        input.forwarded_host,
        input.content_type,
    ] {
        items.push(Item::Flag(option.is_some()));
        items.extend(option.map(Item::Text));
    }
    let content: usize = items
        .iter()
        .map(|item| match item {
            Item::Flag(_) => 1,
            Item::Text(text) => text.len(),
        })
        .sum::<usize>()
        + input.body.len();
    // The width of each length depends on the total, which depends on the widths: start from
    // two bytes each and shrink until the total is consistent.
    let texts = items.iter().filter(|i| matches!(i, Item::Text(_))).count();
    let mut total = content + 2 * texts;
    loop {
        let mut remaining = total;
        let mut lengths = Vec::new();
        for item in &items {
            match item {
                Item::Flag(_) => remaining -= 1,
                Item::Text(text) => {
                    let width = if remaining <= 256 { 1 } else { 2 };
                    remaining -= width + text.len();
                    lengths.push((width, text.len()));
                }
            }
        }
        let needed = content + lengths.iter().map(|(width, _)| width).sum::<usize>();
        if needed != total {
            total = needed;
            continue;
        }
        let mut front = Vec::new();
        for item in &items {
            match item {
                Item::Flag(flag) => front.push(u8::from(*flag)),
                Item::Text(text) => front.extend_from_slice(text.as_bytes()),
            }
        }
        front.extend_from_slice(input.body);
        for (width, len) in lengths.iter().rev() {
            match width {
                1 => front.push(u8::try_from(*len).expect("fits")),
                _ => front.extend_from_slice(&u16::try_from(*len).expect("fits").to_be_bytes()),
            }
        }
        return front;
    }
}

fn signature_seed(name: &str, input: SignatureInput<'_>) {
    let bytes = encode(&input);
    let decoded = SignatureInput::arbitrary_take_rest(Unstructured::new(&bytes)).expect("decodes");
    assert_eq!(decoded, input, "seed {name} does not decode to itself");
    write("signature", name, &bytes);
}

fn signature_seeds() {
    // Twilio's published test vector.
    let params = vec![
        ("CallSid", "CA1234567890ABCDE"),
        ("Caller", "+14158675309"),
        ("Digits", "1234"),
        ("From", "+14158675309"),
        ("To", "+18005551212"),
    ];
    let body = Params::from_pairs(params.iter().copied()).to_form();
    signature_seed(
        "twilio_vector",
        SignatureInput {
            url: "https://mycompany.com/myapp.php?foo=1&bar=2",
            params: params.clone(),
            signature: "RSOYDt4T1cUTdK1PDd93/VVr8B8=",
            settings: None,
            target: "/myapp.php?foo=1&bar=2",
            host: Some("mycompany.com"),
            forwarded_proto: None,
            forwarded_host: None,
            content_type: Some("application/x-www-form-urlencoded"),
            body: body.as_bytes(),
        },
    );
    signature_seed(
        "shared_key_sha256",
        SignatureInput {
            url: "https://mycompany.com:443/myapp.php?foo=1&bar=2",
            params,
            signature: "VtbGe89Ei7OIfHE+Mn2tynVSkuy6tQI1HI4ivgbbmO8=",
            settings: Some("key=webhooks_sharedkey_0001,algorithm=HMAC_SHA256"),
            target: "/myapp.php?foo=1&bar=2",
            host: Some("internal:8080"),
            forwarded_proto: Some("https"),
            forwarded_host: Some("mycompany.com"),
            content_type: Some("application/x-www-form-urlencoded"),
            body: body.as_bytes(),
        },
    );
    let json = r#"{"EventType":"onMessageAdded"}"#;
    let url = format!(
        "https://hooks.example.com/twilio?bodySHA256={}",
        common::hex(&Sha256::digest(json.as_bytes()))
    );
    let signature = compute_signature(&url, [], TOKEN);
    signature_seed(
        "json_body_sha256",
        SignatureInput {
            url: &url,
            params: Vec::new(),
            signature: &signature,
            settings: None,
            target: "/twilio?x=1",
            host: Some("[::1]:3000"),
            forwarded_proto: None,
            forwarded_host: None,
            content_type: Some("application/json"),
            body: json.as_bytes(),
        },
    );
    let sample = sample_params("onMessageAdd").expect("sample");
    let pairs: Vec<(&str, &str)> = sample.iter().collect();
    let url = "http://user:pass@example.com:3000/twilio/conversations?name=O'Brien&x=%27";
    let signature = compute_signature(url, pairs.iter().copied(), TOKEN);
    signature_seed(
        "webhook_userinfo_port",
        SignatureInput {
            url,
            params: pairs,
            signature: &signature,
            settings: None,
            target: "/twilio/conversations?name=O'Brien&x=%27",
            host: Some("example.com:3000"),
            forwarded_proto: None,
            forwarded_host: None,
            content_type: None,
            body: b"",
        },
    );
}

/// Event Streams deliveries: the samples of every type, one at a time and together, and odd
/// bodies.
fn streams_seeds() {
    let mut all = EventBatch::new();
    for event_type in twilio_webhooks::streams::Event::TYPES {
        all = all.sample(event_type);
        let one = sample_cloud_event(event_type).expect("sample");
        write("streams_batch", event_type, one.to_string().as_bytes());
    }
    write("streams_batch", "all_types", all.to_json().as_bytes());
    let odd: [(&str, &str); 6] = [
        (
            "bad_event",
            r#"[{"id":"EZ1","type":"com.twilio.conversations.message.added","data":{"AccountSid":"AC0123456789abcdef0123456789abcdef","ConversationSid":"CH0123456789abcdef0123456789abcdef","MessageSid":"IM0123456789abcdef0123456789abcdef","Index":"ten","Attributes":"{\"a\":1}"}},{"id":"EZ2","type":"com.example.new","subject":"x","time":17,"data":[1,{"b":null}]}]"#,
        ),
        (
            "missing_id",
            r#"[{"type":"com.twilio.eventstreams.test-event","data":{"test_id":"t"}}]"#,
        ),
        (
            "duplicate_ids",
            r#"[{"id":"EZ1","type":"t","data":{}},{"id":"EZ1","type":"t","data":{}}]"#,
        ),
        (
            "escapes",
            r#"[{"id":"EZ\u0031","type":"com.twilio.conversations.user.added","data":{"AccountSid":"AC0123456789abcdef0123456789abcdef","UserSid":"US0123456789abcdef0123456789abcdef","Identity":"caf\u00e9 \ud83d\ude00","Is\u004fnline":true}}]"#,
        ),
        (
            "docs_datacontenttype",
            r#"{"specversion":"1.0","type":"com.twilio.studio.flow.execution.ended","source":"AB00000000000000000000000001","id":"NO00000000000000000000000001","dataschema":"https://events-schemas.twilio.com/Studio.FlowExecutionEvent/2","datacontenttype":"2025-10-08T07:17:02.363Z","data":{"execution_sid":"FN00000000000000000000000000000001","account_sid":"AC00000000000000000000000000000001","flow_sid":"FW00000000000000000000000000000001","status":"ended","flow_revision":"1196"}}"#,
        ),
        ("not_cloudevents", "[1,\"two\",null]"),
    ];
    for (name, body) in odd {
        write("streams_batch", name, body.as_bytes());
    }
}

fn main() {
    streams_seeds();
    form_seeds();
    service_seeds();
    signature_seeds();
    println!("seeds written to {}/seeds", env!("CARGO_MANIFEST_DIR"));
}
