//! The signature layer over real HTTP on 127.0.0.1, in front of a plain axum form webhook (an
//! incoming-SMS handler that knows nothing of this crate except the `Params` extension).

use std::net::SocketAddr;
use std::time::Duration;

use axum::routing::{get, post};
use axum::{Extension, Router};
use http::Request;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use twilio_webhooks::signature::{Algorithm, Keyring, ValidateSignatureLayer, Validator};
use twilio_webhooks::testing::TestRequest;
use twilio_webhooks::Params;

const TOKEN: &str = "test-auth-token";

/// An ordinary incoming-SMS webhook: answers with what it saw.
async fn incoming_sms(Extension(params): Extension<Params>, body: String) -> String {
    format!(
        "Body={};From={};raw={}",
        params.get("Body").unwrap_or("-"),
        params.get("From").unwrap_or("-"),
        body
    )
}

async fn status(Extension(params): Extension<Params>) -> String {
    format!("params={}", params.len())
}

fn app(layer: ValidateSignatureLayer) -> Router {
    Router::new()
        .route("/sms", post(incoming_sms))
        .route("/status", get(status))
        .nest("/twilio", Router::new().route("/sms", post(incoming_sms)))
        .layer(layer)
}

async fn serve(app: Router) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    addr
}

fn validator() -> Validator {
    Validator::from_auth_tokens(TOKEN).unwrap()
}

/// Writes `head` (request line and headers, without the blank line) and `body` on a fresh
/// connection with `Connection: close`, and returns the status and body of the answer.
async fn exchange(addr: SocketAddr, head: String, body: &[u8]) -> (u16, String) {
    let run = async {
        let mut stream = TcpStream::connect(addr).await.unwrap();
        let mut bytes = head.into_bytes();
        bytes.extend_from_slice(b"Connection: close\r\n\r\n");
        bytes.extend_from_slice(body);
        stream.write_all(&bytes).await.unwrap();
        let mut answer = Vec::new();
        stream.read_to_end(&mut answer).await.unwrap();
        let answer = String::from_utf8_lossy(&answer).into_owned();
        let status = answer[9..12].parse().unwrap();
        let body = answer
            .split_once("\r\n\r\n")
            .map(|(_, body)| body.to_owned())
            .unwrap_or_default();
        (status, body)
    };
    tokio::time::timeout(Duration::from_secs(10), run)
        .await
        .expect("the exchange took over 10 s")
}

/// Sends an `http::Request` as built by the test helpers, byte for byte, with `Host` replaced
/// by `host` when given.
async fn send(addr: SocketAddr, request: Request<String>, host: Option<&str>) -> (u16, String) {
    let (parts, body) = request.into_parts();
    let mut head = format!("{} {} HTTP/1.1\r\n", parts.method, parts.uri);
    for (name, value) in &parts.headers {
        if name == http::header::HOST && host.is_some() {
            continue;
        }
        head.push_str(&format!("{}: {}\r\n", name, value.to_str().unwrap()));
    }
    if let Some(host) = host {
        head.push_str(&format!("host: {host}\r\n"));
    }
    head.push_str(&format!("content-length: {}\r\n", body.len()));
    exchange(addr, head, body.as_bytes()).await
}

fn sms_params() -> Params {
    Params::from_pairs([
        ("MessageSid", "SM00000000000000000000000000000001"),
        ("From", "+15550001111"),
        ("Body", "hello & welcome"),
    ])
}

/// Sends the SMS form signed for `/sms`, with `change` applied to the request first, and checks
/// that the handler saw its parameters and its raw body.
async fn assert_signed_sms_reaches_the_handler(change: impl FnOnce(&mut Request<String>)) {
    let addr = serve(app(ValidateSignatureLayer::new(validator()))).await;
    let mut request = TestRequest::new(format!("http://{addr}/sms"), TOKEN)
        .params(sms_params())
        .build();
    change(&mut request);
    let raw = request.body().clone();
    let (status, body) = send(addr, request, None).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body,
        format!("Body=hello & welcome;From=+15550001111;raw={raw}")
    );
}

#[tokio::test]
async fn a_signed_form_webhook_reaches_the_handler_with_body_and_params() {
    assert_signed_sms_reaches_the_handler(|_| {}).await;
}

#[tokio::test]
async fn a_signed_form_without_content_type_is_read_as_a_form() {
    // The same rule as the router's: Twilio always sets it, and a request without one is a form.
    assert_signed_sms_reaches_the_handler(|request| {
        request.headers_mut().remove(http::header::CONTENT_TYPE);
    })
    .await;
}

#[tokio::test]
async fn missing_and_wrong_signatures_are_rejected() {
    let addr = serve(app(ValidateSignatureLayer::new(validator()))).await;
    let form = sms_params().to_form();
    let head = format!(
        "POST /sms HTTP/1.1\r\nhost: {addr}\r\ncontent-type: application/x-www-form-urlencoded\r\ncontent-length: {}\r\n",
        form.len()
    );
    let (status, body) = exchange(addr, head, form.as_bytes()).await;
    assert_eq!((status, body.as_str()), (400, "missing X-Twilio-Signature"));

    let forged = TestRequest::new(format!("http://{addr}/sms"), "not-the-token")
        .params(sms_params())
        .build();
    let (status, body) = send(addr, forged, None).await;
    assert_eq!((status, body.as_str()), (403, "invalid X-Twilio-Signature"));

    // A valid signature for other parameters.
    let mut tampered = TestRequest::new(format!("http://{addr}/sms"), TOKEN)
        .params(sms_params())
        .build();
    *tampered.body_mut() = tampered.body().replace("hello", "HELLO");
    let (status, _) = send(addr, tampered, None).await;
    assert_eq!(status, 403);

    // A form body that does not decode.
    let head = format!(
        "POST /sms HTTP/1.1\r\nhost: {addr}\r\nx-twilio-signature: x\r\ncontent-type: application/x-www-form-urlencoded\r\ncontent-length: 6\r\n"
    );
    let (status, body) = exchange(addr, head, b"Body=%").await;
    assert_eq!(status, 400, "{body}");
}

#[tokio::test]
async fn behind_a_proxy_with_a_public_url() {
    let validator = validator()
        .public_url("https://hooks.example.com/")
        .unwrap();
    let addr = serve(app(ValidateSignatureLayer::new(validator))).await;
    // Twilio requested https://hooks.example.com/sms?x=1; the proxy forwards to us over http.
    let request = TestRequest::new("https://hooks.example.com/sms?x=1", TOKEN)
        .params(sms_params())
        .build();
    let (status, body) = send(addr, request, Some("10.0.0.7:8080")).await;
    assert_eq!(status, 200, "{body}");

    // Twilio signed the URL with :443; the public URL has none: accepted too.
    let request = TestRequest::new("https://hooks.example.com:443/sms", TOKEN)
        .params(sms_params())
        .build();
    let (status, _) = send(addr, request, Some("10.0.0.7:8080")).await;
    assert_eq!(status, 200);

    // A request signed for the internal address is not what Twilio would sign.
    let request = TestRequest::new(format!("http://{addr}/sms"), TOKEN)
        .params(sms_params())
        .build();
    let (status, _) = send(addr, request, None).await;
    assert_eq!(status, 403);
}

#[tokio::test]
async fn a_public_url_with_a_path_prefix_stripped_by_the_proxy() {
    let validator = validator().public_url("https://example.com/base").unwrap();
    let addr = serve(app(ValidateSignatureLayer::new(validator))).await;
    let request = TestRequest::new("https://example.com/base/sms", TOKEN)
        .params(sms_params())
        .build();
    // The proxy strips /base: we receive /sms.
    let (parts, body) = request.into_parts();
    let mut parts = parts;
    parts.uri = "/sms".parse().unwrap();
    let (status, answer) = send(addr, Request::from_parts(parts, body), None).await;
    assert_eq!(status, 200, "{answer}");
}

#[tokio::test]
async fn forwarded_headers_only_when_turned_on() {
    let signed_publicly = || {
        let mut request = TestRequest::new("https://hooks.example.com/sms", TOKEN)
            .params(sms_params())
            .build();
        let headers = request.headers_mut();
        headers.insert("x-forwarded-proto", "https".parse().unwrap());
        headers.insert("x-forwarded-host", "hooks.example.com".parse().unwrap());
        request
    };

    let off = serve(app(ValidateSignatureLayer::new(validator()))).await;
    let (status, _) = send(off, signed_publicly(), Some("internal:8080")).await;
    assert_eq!(status, 403, "forwarded headers must be ignored by default");

    let on = serve(app(ValidateSignatureLayer::new(
        validator().trust_forwarded_headers(true),
    )))
    .await;
    let (status, body) = send(on, signed_publicly(), Some("internal:8080")).await;
    assert_eq!(status, 200, "{body}");
    // Without the headers the request's own scheme and host are used.
    let direct = TestRequest::new(format!("http://{on}/sms"), TOKEN)
        .params(sms_params())
        .build();
    let (status, _) = send(on, direct, None).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn oversized_bodies_get_413() {
    let addr = serve(app(ValidateSignatureLayer::new(validator()))).await;
    // Content-Length over 1 MiB: refused before any of the body is sent.
    let head = format!(
        "POST /sms HTTP/1.1\r\nhost: {addr}\r\nx-twilio-signature: x\r\ncontent-type: application/x-www-form-urlencoded\r\ncontent-length: {}\r\n",
        1024 * 1024 + 1
    );
    let (status, _) = exchange(addr, head, b"").await;
    assert_eq!(status, 413);

    // Chunked, no length: cut off once the bytes read pass the (small) limit.
    let addr = serve(app(
        ValidateSignatureLayer::new(validator()).body_limit(1500)
    ))
    .await;
    let chunk = "a".repeat(1000);
    let body = format!("3e8\r\n{chunk}\r\n3e8\r\n{chunk}\r\n0\r\n\r\n");
    let head = format!(
        "POST /sms HTTP/1.1\r\nhost: {addr}\r\nx-twilio-signature: x\r\ncontent-type: application/x-www-form-urlencoded\r\ntransfer-encoding: chunked\r\n"
    );
    let (status, body) = exchange(addr, head, body.as_bytes()).await;
    assert_eq!(status, 413, "{body}");

    // Exactly at the limit is fine.
    let params = Params::from_pairs([("Body", "a".repeat(1495))]);
    let request = TestRequest::new(format!("http://{addr}/sms"), TOKEN)
        .params(params)
        .build();
    assert_eq!(request.body().len(), 1500);
    let (status, _) = send(addr, request, None).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn the_url_is_used_exactly_as_received() {
    let addr = serve(app(ValidateSignatureLayer::new(validator()))).await;
    for target in [
        "/sms?name=O'Brien",
        "/sms?name=O%27Brien&x=a+b%20c",
        "/sms?",
    ] {
        let request = TestRequest::new(format!("http://{addr}{target}"), TOKEN)
            .params(sms_params())
            .build();
        let (status, body) = send(addr, request, None).await;
        assert_eq!(status, 200, "{target}: {body}");
    }
    // Signed with ' but received as %27: rejected.
    let request = TestRequest::new(format!("http://{addr}/sms?name=O'Brien"), TOKEN)
        .params(sms_params())
        .build();
    let (mut parts, body) = request.into_parts();
    parts.uri = "/sms?name=O%27Brien".parse().unwrap();
    let (status, _) = send(addr, Request::from_parts(parts, body), None).await;
    assert_eq!(status, 403);
}

#[tokio::test]
async fn nested_routers_are_checked_against_the_full_path() {
    let addr = serve(app(ValidateSignatureLayer::new(validator()))).await;
    let request = TestRequest::new(format!("http://{addr}/twilio/sms"), TOKEN)
        .params(sms_params())
        .build();
    let (status, body) = send(addr, request, None).await;
    assert_eq!(status, 200, "{body}");

    // The layer inside the nested router sees /sms but checks /twilio/sms.
    let inner = Router::new()
        .route("/sms", post(incoming_sms))
        .layer(ValidateSignatureLayer::new(validator()));
    let addr = serve(Router::new().nest("/twilio", inner)).await;
    let request = TestRequest::new(format!("http://{addr}/twilio/sms"), TOKEN)
        .params(sms_params())
        .build();
    let (status, body) = send(addr, request, None).await;
    assert_eq!(status, 200, "{body}");
}

#[tokio::test]
async fn json_bodies_get_and_shared_keys() {
    let keyring = Keyring::from_tokens(&format!("old-token,{TOKEN}"))
        .unwrap()
        .with_shared_key("webhooks_sharedkey_1", "shared-secret")
        .unwrap();
    let addr = serve(app(ValidateSignatureLayer::new(Validator::new(keyring)))).await;

    let json = TestRequest::new(format!("http://{addr}/sms"), TOKEN)
        .json(r#"{"Body":"hi"}"#)
        .build();
    let (status, body) = send(addr, json.clone(), None).await;
    assert_eq!(
        (status, body.as_str()),
        (200, r#"Body=-;From=-;raw={"Body":"hi"}"#)
    );

    let (mut parts, _) = json.into_parts();
    parts.headers.remove("content-length");
    let tampered = Request::from_parts(parts, r#"{"Body":"ho"}"#.to_owned());
    let (status, body) = send(addr, tampered, None).await;
    assert_eq!(
        (status, body.as_str()),
        (403, "body does not match bodySHA256")
    );

    // A JSON body without bodySHA256 is not covered by the signature.
    let mut unsigned = TestRequest::new(format!("http://{addr}/sms"), TOKEN).build();
    unsigned
        .headers_mut()
        .insert("content-type", "application/json".parse().unwrap());
    *unsigned.body_mut() = "{}".to_owned();
    let (status, _) = send(addr, unsigned, None).await;
    assert_eq!(status, 403);

    let shared = TestRequest::new(format!("http://{addr}/sms"), "shared-secret")
        .params(sms_params())
        .shared_key("webhooks_sharedkey_1", Algorithm::HmacSha256)
        .build();
    let (status, body) = send(addr, shared, None).await;
    assert_eq!(status, 200, "{body}");

    let unknown = TestRequest::new(format!("http://{addr}/sms"), "shared-secret")
        .params(sms_params())
        .shared_key("webhooks_sharedkey_2", Algorithm::HmacSha256)
        .build();
    let (status, body) = send(addr, unknown, None).await;
    assert_eq!((status, body.as_str()), (403, "unknown signing key"));

    let get = TestRequest::new(format!("http://{addr}/status"), TOKEN)
        .params(sms_params())
        .get()
        .build();
    let (status, body) = send(addr, get, None).await;
    assert_eq!((status, body.as_str()), (200, "params=0"));
}

/// The layer with hyper-util's client, as another HTTP client would use it.
#[tokio::test]
async fn with_hyper_utils_client() {
    use http_body_util::{BodyExt, Full};
    use hyper_util::client::legacy::Client;
    use hyper_util::rt::TokioExecutor;

    let addr = serve(app(ValidateSignatureLayer::new(validator()))).await;
    let client = Client::builder(TokioExecutor::new()).build_http::<Full<bytes::Bytes>>();
    let request = TestRequest::new(format!("http://{addr}/sms"), TOKEN)
        .params(sms_params())
        .build();
    let (mut parts, body) = request.into_parts();
    parts.uri = format!("http://{addr}/sms").parse().unwrap();
    let request = Request::from_parts(parts, Full::new(bytes::Bytes::from(body)));
    let response = tokio::time::timeout(Duration::from_secs(10), client.request(request))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(response.status(), 200);
    let body = response.into_body().collect().await.unwrap().to_bytes();
    assert!(body.starts_with(b"Body=hello & welcome"));
}
