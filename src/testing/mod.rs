//! Helpers for testing webhook handlers: realistic sample events and signed requests, for
//! Conversations webhooks and for Event Streams deliveries.
//!
//! They are for tests, and harmless anywhere else: they return errors ([`Error`], or `None` for
//! a lookup), never panic. The one exception is a convenience whose docs say so:
//! [`TestRequest::build`], the short form of [`TestRequest::try_build`] for test code.
//!
//! ```
//! use twilio_webhooks::conversations::OnMessageAdd;
//! use twilio_webhooks::testing;
//!
//! // A typed sample, changed, then sent signed as Twilio would send it.
//! let mut message: OnMessageAdd = testing::sample_event()?;
//! message.body = "what the heck".into();
//! let request = testing::signed_event("http://localhost/twilio/conversations", "token", &message)?;
//! assert!(request.body().contains("Body=what+the+heck"));
//!
//! // An invalid URL is an error, not a panic.
//! assert!(testing::signed_event("http://local host/", "token", &message).is_err());
//! # Ok::<(), testing::Error>(())
//! ```

mod samples;
pub use samples::*;

mod signing;
pub use signing::*;

mod streams;
pub use streams::*;

use crate::conversations::ParseError;

/// Why a test helper could not give what was asked for.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The request cannot be built: its URL (with the query the helper adds) is not an `http`
    /// URI, or a header value (a SharedKey id, say) is not a valid header value. The URL is
    /// quoted without any `user:password@` part.
    #[error("cannot build a test request for {url:?}: {source}")]
    InvalidRequest {
        /// The URL, its userinfo removed.
        url: String,
        /// What `http` said.
        #[source]
        source: http::Error,
    },
    /// There is no sample for this event type: it is not one of the Conversations webhooks
    /// ([`EVENT_TYPES`]).
    #[error("no sample for event type {event_type:?}; the samples are the Conversations events")]
    NoSample {
        /// The event type asked for.
        event_type: String,
    },
    /// The sample of this event type does not parse as the type asked for: only possible for a
    /// [`ConversationsEvent`](crate::ConversationsEvent) implemented outside this crate whose
    /// parameters differ from this crate's event of the same `EventType`.
    #[error("the sample of {event_type} does not parse as the type asked for: {source}")]
    SampleDoesNotParse {
        /// The sample's `EventType`.
        event_type: &'static str,
        /// Why it did not parse.
        #[source]
        source: ParseError,
    },
}

/// `url` without a `user:password@` part, for messages.
fn without_userinfo(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) if !scheme.is_empty() => format!("{scheme}://…@{}", &rest[at + 1..]),
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn userinfo_is_left_out_of_messages() {
        assert_eq!(
            without_userinfo("https://twilio:s3cret@hooks.example.com/x?a=b@c"),
            "https://…@hooks.example.com/x?a=b@c"
        );
        assert_eq!(without_userinfo("http://host/path@x"), "http://host/path@x");
        assert_eq!(without_userinfo("/relative@x"), "/relative@x");
        let error = TestRequest::new("http://user:s3cret@bad host/", "token")
            .try_build()
            .unwrap_err();
        assert!(!error.to_string().contains("s3cret"), "{error}");
        assert!(error.to_string().contains("bad host"), "{error}");
    }
}
