//! Reading a request body up to a size limit.
//!
//! A webhook body is small (a few KiB); anything much larger is not from Twilio. [`read_body`]
//! refuses a body whose `Content-Length` (or size hint) is over the limit before reading any of
//! it, and stops reading as soon as the bytes read pass the limit.
//!
//! ```
//! use http_body_util::Full;
//! use twilio_webhooks::body::{read_body, BodyError};
//!
//! # tokio_test(async {
//! let headers = http::HeaderMap::new();
//! let body = read_body(Full::new(bytes::Bytes::from("Body=hi")), &headers, 1024).await?;
//! assert_eq!(&body[..], b"Body=hi");
//!
//! let err = read_body(Full::new(bytes::Bytes::from(vec![b'x'; 2048])), &headers, 1024).await.unwrap_err();
//! assert_eq!(err, BodyError::TooLarge { limit: 1024 });
//! assert_eq!(err.status(), 413);
//! # Ok::<(), BodyError>(())
//! # }).unwrap();
//! # fn tokio_test<F: std::future::Future>(f: F) -> F::Output {
//! #     tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(f)
//! # }
//! ```

use std::fmt::Display;

use bytes::{Buf, Bytes, BytesMut};
use http::header::CONTENT_LENGTH;
use http::{HeaderMap, StatusCode};
use http_body::Body;
use http_body_util::BodyExt;

/// The body limit unless told otherwise: 1 MiB.
pub const DEFAULT_BODY_LIMIT: usize = 1024 * 1024;

/// Why a body could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BodyError {
    /// The body is, or says it is, larger than the limit. Answered with 413.
    #[error("request body is larger than the limit of {limit} bytes")]
    TooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// Reading failed (the client went away, a malformed chunk). Answered with 400.
    #[error("could not read the request body: {message}")]
    Read {
        /// What the body reported.
        message: String,
    },
}

impl BodyError {
    /// The HTTP status to answer with: 413 Payload Too Large or 400 Bad Request.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Self::Read { .. } => StatusCode::BAD_REQUEST,
        }
    }
}

/// Whether the request's `Content-Length` says the body is over `limit`.
fn declared_too_large(headers: &HeaderMap, limit: usize) -> bool {
    headers.get_all(CONTENT_LENGTH).iter().any(|value| {
        value
            .to_str()
            .ok()
            .and_then(|value| value.trim().parse::<u64>().ok())
            .is_some_and(|length| length > limit as u64)
    })
}

/// Reads the whole body, at most `limit` bytes; trailers are ignored.
///
/// # Errors
///
/// [`BodyError::TooLarge`] when `Content-Length` or the body's size hint exceed `limit` (nothing
/// is read), or as soon as the bytes read do; [`BodyError::Read`] when the body fails.
pub async fn read_body<B>(body: B, headers: &HeaderMap, limit: usize) -> Result<Bytes, BodyError>
where
    B: Body,
    B::Error: Display,
{
    let too_large = BodyError::TooLarge { limit };
    if declared_too_large(headers, limit) || body.size_hint().lower() > limit as u64 {
        return Err(too_large);
    }
    let mut body = std::pin::pin!(body);
    // One chunk (the usual case) is kept as is; more are copied into one buffer.
    let mut first = Bytes::new();
    let mut joined: Option<BytesMut> = None;
    let mut read = 0usize;
    while let Some(frame) = body.as_mut().frame().await {
        let frame = frame.map_err(|err| BodyError::Read {
            message: err.to_string(),
        })?;
        let Ok(mut data) = frame.into_data() else {
            continue;
        };
        let chunk = data.copy_to_bytes(data.remaining());
        read = read.saturating_add(chunk.len());
        if read > limit {
            return Err(too_large);
        }
        match &mut joined {
            Some(joined) => joined.extend_from_slice(&chunk),
            None if first.is_empty() => first = chunk,
            None if chunk.is_empty() => {}
            None => {
                let mut buffer = BytesMut::with_capacity(first.len() + chunk.len());
                buffer.extend_from_slice(&first);
                buffer.extend_from_slice(&chunk);
                joined = Some(buffer);
            }
        }
    }
    Ok(joined.map_or(first, BytesMut::freeze))
}

#[cfg(test)]
mod tests {
    use std::convert::Infallible;
    use std::pin::Pin;
    use std::task::{Context, Poll};

    use http_body::{Frame, SizeHint};
    use http_body_util::Full;

    use super::*;

    /// A body of `chunks` chunks of `size` bytes that lies in its size hint and counts polls.
    struct Chunks {
        left: usize,
        size: usize,
        polled: std::sync::Arc<std::sync::atomic::AtomicUsize>,
    }

    impl Body for Chunks {
        type Data = Bytes;
        type Error = Infallible;

        fn poll_frame(
            mut self: Pin<&mut Self>,
            _: &mut Context<'_>,
        ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
            self.polled
                .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            if self.left == 0 {
                return Poll::Ready(None);
            }
            self.left -= 1;
            Poll::Ready(Some(Ok(Frame::data(Bytes::from(vec![b'a'; self.size])))))
        }

        fn size_hint(&self) -> SizeHint {
            SizeHint::default()
        }
    }

    fn run<F: std::future::Future>(future: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(future)
    }

    #[test]
    fn joins_chunks_under_the_limit() {
        let polled = std::sync::Arc::default();
        let body = Chunks {
            left: 3,
            size: 10,
            polled,
        };
        let bytes = run(read_body(body, &HeaderMap::new(), 30)).unwrap();
        assert_eq!(bytes.len(), 30);
    }

    #[test]
    fn stops_as_soon_as_the_limit_is_passed() {
        let polled = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let body = Chunks {
            left: 1000,
            size: 10,
            polled: polled.clone(),
        };
        let err = run(read_body(body, &HeaderMap::new(), 25)).unwrap_err();
        assert_eq!(err, BodyError::TooLarge { limit: 25 });
        assert_eq!(polled.load(std::sync::atomic::Ordering::SeqCst), 3);
    }

    #[test]
    fn refuses_early_on_content_length() {
        let polled = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let body = Chunks {
            left: 1,
            size: 1,
            polled: polled.clone(),
        };
        let mut headers = HeaderMap::new();
        headers.insert(CONTENT_LENGTH, http::HeaderValue::from_static("26"));
        let err = run(read_body(body, &headers, 25)).unwrap_err();
        assert_eq!(err.status(), StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(polled.load(std::sync::atomic::Ordering::SeqCst), 0);
    }

    #[test]
    fn empty_and_exact() {
        let empty = run(read_body(Full::new(Bytes::new()), &HeaderMap::new(), 0)).unwrap();
        assert!(empty.is_empty());
        let exact = run(read_body(
            Full::new(Bytes::from("abc")),
            &HeaderMap::new(),
            3,
        ))
        .unwrap();
        assert_eq!(&exact[..], b"abc");
    }
}
