//! What the unit tests of this module share: Twilio's published test vector, and requests.

use http::request::Parts;

/// The URL of Twilio's published test vector.
pub(crate) const URL: &str = "https://mycompany.com/myapp.php?foo=1&bar=2";
/// The auth token of the published vector.
pub(crate) const TOKEN: &str = "12345";
/// The signature of the published vector: [`URL`] and [`PARAMS`] signed with [`TOKEN`].
pub(crate) const SIGNATURE: &str = "RSOYDt4T1cUTdK1PDd93/VVr8B8=";
/// The parameters of the published vector.
pub(crate) const PARAMS: [(&str, &str); 5] = [
    ("CallSid", "CA1234567890ABCDE"),
    ("Caller", "+14158675309"),
    ("Digits", "1234"),
    ("From", "+14158675309"),
    ("To", "+18005551212"),
];

/// The parts of a POST to `uri` with these headers.
pub(crate) fn parts(uri: &str, headers: &[(&str, &str)]) -> Parts {
    let mut request = http::Request::post(uri);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.body(()).unwrap().into_parts().0
}
