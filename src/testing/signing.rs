//! Signed requests for tests: drive your own handlers, or the router, with requests that carry
//! a correct `X-Twilio-Signature`.

use http::header::{CONTENT_TYPE, HOST};
use http::{Method, Request, Uri};

use super::Error;
use crate::conversations::ConversationsEvent;
use crate::params::Params;
pub use crate::signature::{compute_signature, compute_signature_with};
use crate::signature::{sha256_hex, Algorithm, SETTINGS_HEADER, SIGNATURE_HEADER};

/// The `X-Twilio-Signature` Twilio would send for a form request to `url` with `params`, signed
/// with `auth_token` (HMAC-SHA1). The URL is used exactly as given.
///
/// ```
/// use twilio_webhooks::{testing, Params};
///
/// let params = Params::from_pairs([
///     ("CallSid", "CA1234567890ABCDE"),
///     ("Caller", "+14158675309"),
///     ("Digits", "1234"),
///     ("From", "+14158675309"),
///     ("To", "+18005551212"),
/// ]);
/// let url = "https://mycompany.com/myapp.php?foo=1&bar=2";
/// assert_eq!(testing::sign(url, &params, "12345"), "RSOYDt4T1cUTdK1PDd93/VVr8B8=");
/// ```
pub fn sign(url: &str, params: &Params, auth_token: &str) -> String {
    compute_signature(url, params, auth_token)
}

/// A form-encoded POST to `url`, signed with `auth_token`: `Host` and the request target come
/// from `url`, the body is `params` form-encoded, and `X-Twilio-Signature` is set.
///
/// The URL is signed exactly as given. With the default [`Validator`] rule (`http://` + `Host` +
/// target) use an `http://` URL; for an `https://` URL configure the validator's public URL to
/// its scheme and host.
///
/// ```
/// use tower::ServiceExt;
/// use twilio_webhooks::signature::{ValidateSignatureLayer, Validator};
/// use twilio_webhooks::{testing, Params};
/// use tower::Layer;
///
/// # tokio_test(async {
/// let handler = tower::service_fn(|request: http::Request<http_body_util::Full<bytes::Bytes>>| async move {
///     let params = request.extensions().get::<Params>().cloned().unwrap_or_default();
///     Ok::<_, std::convert::Infallible>(http::Response::new(params.get("Body").unwrap_or("").to_owned()))
/// });
/// let service = ValidateSignatureLayer::new(Validator::from_auth_tokens("token").unwrap()).layer(handler);
///
/// let params = Params::from_pairs([("From", "+15550001"), ("Body", "hello")]);
/// let request = testing::signed_request("http://localhost/sms", &params, "token")?;
/// let response = service.clone().oneshot(request).await.unwrap();
/// assert_eq!(response.status(), 200);
/// assert_eq!(response.body(), "hello");
///
/// let forged = testing::signed_request("http://localhost/sms", &params, "wrong token")?;
/// assert_eq!(service.oneshot(forged).await.unwrap().status(), 403);
/// # Ok::<(), testing::Error>(())
/// # })?;
/// # fn tokio_test<F: std::future::Future>(f: F) -> F::Output {
/// #     tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(f)
/// # }
/// # Ok::<(), testing::Error>(())
/// ```
///
/// [`Validator`]: crate::signature::Validator
///
/// # Errors
///
/// [`Error::InvalidRequest`] when `url` is not a URL that `http::Uri` accepts (a space, say).
pub fn signed_request(
    url: &str,
    params: &Params,
    auth_token: &str,
) -> Result<Request<String>, Error> {
    TestRequest::new(url, auth_token)
        .params(params.clone())
        .try_build()
}

/// A signed request carrying a typed event's parameters (see
/// [`ConversationsEvent::to_params`]): build an event (a [`sample_event`](super::sample_event),
/// say), change a field, and send it as Twilio would.
///
/// ```
/// use tower::ServiceExt;
/// use twilio_webhooks::conversations::OnMessageAdd;
/// use twilio_webhooks::signature::Validator;
/// use twilio_webhooks::{pre_action, testing, Decision, DecisionFor, Webhooks};
///
/// #[pre_action]
/// async fn no_urls(message: OnMessageAdd) -> DecisionFor<OnMessageAdd> {
///     if message.body.contains("http") { Decision::reject() } else { Decision::accept() }
/// }
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # tokio::runtime::Builder::new_current_thread().enable_all().build()?.block_on(async {
/// let service = Webhooks::new()
///     .validator(Validator::from_auth_tokens("token")?)
///     .pre_action(no_urls)
///     .into_service(())?;
/// let mut message: OnMessageAdd = testing::sample_event()?;
/// message.body = "see http://spam.example".into();
/// let request = testing::signed_event("http://localhost/twilio/conversations", "token", &message)?;
/// assert_eq!(service.oneshot(request).await?.status(), 403);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # })
/// # }
/// ```
///
/// # Errors
///
/// [`Error::InvalidRequest`] when `url` is not a URL that `http::Uri` accepts.
pub fn signed_event<E: ConversationsEvent>(
    url: &str,
    auth_token: &str,
    event: &E,
) -> Result<Request<String>, Error> {
    TestRequest::new(url, auth_token).event(event).try_build()
}

/// A signed request carrying the sample parameters of `event_type` (see
/// [`sample_params`](super::sample_params)).
///
/// ```
/// use twilio_webhooks::testing;
///
/// let request = testing::signed_event_request("http://localhost/twilio/conversations", "onMessageAdd", "token")?;
/// assert!(request.body().contains("EventType=onMessageAdd"));
/// assert!(request.headers().contains_key("x-twilio-signature"));
///
/// let unknown = testing::signed_event_request("http://localhost/", "onSomethingNew", "token");
/// assert!(matches!(unknown, Err(testing::Error::NoSample { .. })));
/// # Ok::<(), testing::Error>(())
/// ```
///
/// # Errors
///
/// [`Error::NoSample`] for an event type without a sample (not one of
/// [`EVENT_TYPES`](super::EVENT_TYPES)), [`Error::InvalidRequest`] as for [`signed_request`].
pub fn signed_event_request(
    url: &str,
    event_type: &str,
    auth_token: &str,
) -> Result<Request<String>, Error> {
    let params = super::sample_params(event_type).ok_or_else(|| Error::NoSample {
        event_type: event_type.to_owned(),
    })?;
    TestRequest::new(url, auth_token).params(params).try_build()
}

/// Builds a signed request: form or JSON body, POST or GET, auth token or SharedKey.
///
/// ```
/// use twilio_webhooks::signature::{Algorithm, Keyring, Validator};
/// use twilio_webhooks::testing::TestRequest;
/// use twilio_webhooks::Params;
///
/// let validator = Validator::new(Keyring::new().with_shared_key("key_1", "shared-secret")?);
///
/// // A JSON body, covered by a bodySHA256 query parameter, signed with a SharedKey.
/// let request = TestRequest::new("http://localhost/hook", "shared-secret")
///     .json(r#"{"hello":"world"}"#)
///     .shared_key("key_1", Algorithm::HmacSha256)
///     .try_build()?;
/// assert!(request.uri().query().unwrap().starts_with("bodySHA256="));
/// let (parts, body) = request.into_parts();
/// assert_eq!(validator.verify(&parts, &Params::default(), body.as_bytes()), Ok(()));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// Its `Debug` form leaves the secret out.
#[derive(Clone)]
pub struct TestRequest {
    url: String,
    secret: String,
    params: Params,
    json: Option<String>,
    method: Method,
    shared_key: Option<(String, Algorithm)>,
}

impl TestRequest {
    /// A POST to `url` with no parameters, to be signed with `secret` (an auth token, or a
    /// SharedKey's secret with [`shared_key`](Self::shared_key)).
    pub fn new(url: impl Into<String>, secret: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            secret: secret.into(),
            params: Params::default(),
            json: None,
            method: Method::POST,
            shared_key: None,
        }
    }

    /// The form parameters: the body of a POST, the query of a GET.
    pub fn params(mut self, params: Params) -> Self {
        self.params = params;
        self
    }

    /// A typed event's form parameters (see [`ConversationsEvent::to_params`]), as
    /// [`params`](Self::params).
    ///
    /// ```
    /// use twilio_webhooks::conversations::OnUserUpdated;
    /// use twilio_webhooks::testing::{self, TestRequest};
    ///
    /// let mut user: OnUserUpdated = testing::sample_event()?;
    /// user.is_online = Some(false);
    /// let request = TestRequest::new("http://localhost/twilio/conversations", "token")
    ///     .event(&user)
    ///     .try_build()?;
    /// assert!(request.body().contains("isOnline=false"));
    /// # Ok::<(), testing::Error>(())
    /// ```
    pub fn event<E: ConversationsEvent>(self, event: &E) -> Self {
        self.params(event.to_params())
    }

    /// A JSON body instead of form parameters: `bodySHA256=<hex SHA-256 of body>` is added to
    /// the URL's query, and the signature covers the URL alone.
    pub fn json(mut self, body: impl Into<String>) -> Self {
        self.json = Some(body.into());
        self
    }

    /// A GET: the parameters are appended to the URL's query (which the signature covers) and
    /// there is no body.
    pub fn get(mut self) -> Self {
        self.method = Method::GET;
        self
    }

    /// Signs with a SharedKey: sets `X-Twilio-Webhooks-Signature-Settings:
    /// key=<id>,algorithm=<algorithm>` and uses the secret as that key's.
    pub fn shared_key(mut self, id: impl Into<String>, algorithm: Algorithm) -> Self {
        self.shared_key = Some((id.into(), algorithm));
        self
    }

    /// The URL that is signed, once query additions (GET parameters, `bodySHA256`) are made.
    pub fn signed_url(&self) -> String {
        let mut url = self.url.clone();
        let mut append = |pair: &str| {
            if pair.is_empty() {
                return;
            }
            url.push(if url.contains('?') { '&' } else { '?' });
            url.push_str(pair);
        };
        if self.method == Method::GET && self.json.is_none() {
            append(&self.params.to_form());
        }
        if let Some(json) = &self.json {
            let mut hex = [0; 64];
            append(&format!(
                "bodySHA256={}",
                sha256_hex(json.as_bytes(), &mut hex)
            ));
        }
        url
    }

    /// The signature the request carries.
    pub fn signature(&self) -> String {
        let algorithm = self
            .shared_key
            .as_ref()
            .map_or(Algorithm::HmacSha1, |(_, algorithm)| *algorithm);
        let url = self.signed_url();
        let form_params = self.method != Method::GET && self.json.is_none();
        let params = if form_params {
            &self.params
        } else {
            &Params::default()
        };
        compute_signature_with(algorithm, &url, params, self.secret.as_bytes())
    }

    /// The request.
    ///
    /// The request target is the URL's path and query; `Host` is its host and port (no
    /// `Host` header for a URL without a host, to test that case).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidRequest`] when the URL (with its query additions) is not an `http::Uri`,
    /// or the SharedKey id is not a valid header value.
    pub fn try_build(&self) -> Result<Request<String>, Error> {
        self.request().map_err(|source| Error::InvalidRequest {
            url: super::without_userinfo(&self.url),
            source,
        })
    }

    fn request(&self) -> Result<Request<String>, http::Error> {
        let url = self.signed_url();
        let uri: Uri = url.parse()?;
        let target = uri.path_and_query().map_or("/", |target| target.as_str());
        let mut builder = Request::builder()
            .method(self.method.clone())
            .uri(target)
            .header(SIGNATURE_HEADER, self.signature());
        match (uri.host(), uri.port()) {
            (Some(host), Some(port)) => builder = builder.header(HOST, format!("{host}:{port}")),
            (Some(host), None) => builder = builder.header(HOST, host),
            (None, _) => {}
        }
        if let Some((id, algorithm)) = &self.shared_key {
            builder = builder.header(SETTINGS_HEADER, format!("key={id},algorithm={algorithm}"));
        }
        let body = match (&self.json, &self.method) {
            (Some(json), _) => {
                builder = builder.header(CONTENT_TYPE, "application/json");
                json.clone()
            }
            (None, &Method::GET) => String::new(),
            (None, _) => {
                builder = builder.header(CONTENT_TYPE, "application/x-www-form-urlencoded");
                self.params.to_form()
            }
        };
        builder.body(body)
    }

    /// The request: [`try_build`](Self::try_build) for test code, where a panic is the
    /// failure you want.
    ///
    /// # Panics
    ///
    /// When [`try_build`](Self::try_build) fails. Outside tests, use `try_build`.
    pub fn build(&self) -> Request<String> {
        match self.try_build() {
            Ok(request) => request,
            Err(err) => panic!("TestRequest::build: {err}"),
        }
    }
}

impl std::fmt::Debug for TestRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestRequest")
            .field("url", &super::without_userinfo(&self.url))
            .field("secret", &"<redacted>")
            .field("params", &self.params)
            .field("json", &self.json)
            .field("method", &self.method)
            .field("shared_key", &self.shared_key)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signature::Validator;

    fn verify(
        validator: &Validator,
        request: Request<String>,
    ) -> Result<(), crate::signature::SignatureError> {
        let (parts, body) = request.into_parts();
        let params = if crate::params::is_form(&parts.headers) {
            Params::parse(body.as_bytes()).unwrap()
        } else {
            Params::default()
        };
        validator.verify(&parts, &params, body.as_bytes())
    }

    #[test]
    fn form_get_and_json_requests_verify() {
        let validator = Validator::from_auth_tokens("tok").unwrap();
        let params = Params::from_pairs([("A", "1"), ("B", "x y")]);
        let post = TestRequest::new("http://localhost:3000/x?q=1", "tok").params(params.clone());
        assert_eq!(verify(&validator, post.build()), Ok(()));
        let get = post.clone().get().build();
        assert_eq!(get.uri(), "/x?q=1&A=1&B=x+y");
        assert!(get.body().is_empty());
        assert_eq!(verify(&validator, get), Ok(()));
        let json = TestRequest::new("http://localhost/x", "tok")
            .json("[1]")
            .build();
        assert_eq!(verify(&validator, json), Ok(()));
    }

    #[test]
    fn https_needs_the_public_url() {
        let request = TestRequest::new("https://hooks.example.com/x", "tok").build();
        assert_eq!(request.headers()[HOST], "hooks.example.com");
        let plain = Validator::from_auth_tokens("tok").unwrap();
        assert!(verify(&plain, request.clone()).is_err());
        let public = plain.public_url("https://hooks.example.com").unwrap();
        assert_eq!(verify(&public, request), Ok(()));
    }

    #[test]
    fn debug_leaves_the_secret_out() {
        let request = TestRequest::new("http://u:pw-in-url@localhost/x", "the-secret-token");
        let debug = format!("{request:?}");
        assert!(!debug.contains("the-secret-token"), "{debug}");
        assert!(!debug.contains("pw-in-url"), "{debug}");
        assert!(debug.contains("localhost/x"), "{debug}");
    }

    #[test]
    fn typed_events_are_signed_with_their_parameters() {
        let validator = Validator::from_auth_tokens("tok").unwrap();
        let mut message: crate::conversations::OnMessageAdded =
            super::super::sample_event().unwrap();
        message.body = "changed & signed".into();
        let request = signed_event("http://localhost/hook", "tok", &message).unwrap();
        assert!(request.body().contains("Body=changed+%26+signed"));
        let (parts, body) = request.into_parts();
        let params = Params::parse(body.as_bytes()).unwrap();
        assert_eq!(validator.verify(&parts, &params, body.as_bytes()), Ok(()));
        assert_eq!(
            crate::conversations::OnMessageAdded::from_params(&params).unwrap(),
            message
        );
        assert!(matches!(
            signed_event("http://local host/", "tok", &message),
            Err(Error::InvalidRequest { .. })
        ));
    }

    #[test]
    fn invalid_urls_are_errors() {
        assert!(TestRequest::new("http://h/a b", "tok").try_build().is_err());
        // No host: no Host header, which a validator rejects.
        let relative = TestRequest::new("/relative", "tok").build();
        assert!(!relative.headers().contains_key(HOST));
    }
}
