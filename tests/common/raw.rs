//! Raw HTTP/1.1 over `tokio::net::TcpStream`, for tests that need full control of the bytes
//! (trickling, half-sent requests, malformed framing), and the example servers' own connection
//! loop (hyper http1 with a header read timeout and a connection limit) on a free port.

use std::io;
use std::net::SocketAddr;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::TcpStream;
use tokio::task::JoinHandle;

use twilio_webhooks::router::Webhooks;
use twilio_webhooks::signature::Validator;

use super::example;
use super::{PATH, TOKEN};

/// Serves `app` on 127.0.0.1 at a free port with the example servers' own listener and
/// connection loop (`examples/common/mod.rs`), a given `header_read_timeout`, in the background.
pub async fn serve_like_examples(app: axum::Router, header_read_timeout: Duration) -> SocketAddr {
    let listener = example::bind(([127, 0, 0, 1], 0).into()).unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(example::serve_connections(
        listener,
        app,
        header_read_timeout,
        std::future::pending(),
    ));
    addr
}

/// Serves `webhooks` with `state` as an example server does: validated with [`TOKEN`], as an
/// axum router, through [`serve_like_examples`]; with `body_timeout` when given.
#[allow(dead_code)] // not every test file serves webhooks this way
pub async fn serve_webhooks_like_examples<S: Clone + Send + Sync + 'static>(
    webhooks: Webhooks<S>,
    state: S,
    header_read_timeout: Duration,
    body_timeout: Option<Duration>,
) -> SocketAddr {
    let mut webhooks = webhooks.validator(Validator::from_auth_tokens(TOKEN).unwrap());
    if let Some(timeout) = body_timeout {
        webhooks = webhooks.body_timeout(timeout);
    }
    let app = webhooks.into_router().unwrap().with_state(state);
    serve_like_examples(app, header_read_timeout).await
}

/// One HTTP answer as read off the wire.
#[derive(Debug, Clone)]
pub struct RawReply {
    pub status: u16,
    /// Names lower-cased.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl RawReply {
    /// The first value of header `name` (lower case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The body as text (lossy).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// Whether the server said it will close the connection.
    pub fn closes(&self) -> bool {
        self.header("connection")
            .is_some_and(|value| value.eq_ignore_ascii_case("close"))
    }
}

/// `request` (as built by the testing helpers: origin-form target, `Host` header) on the wire,
/// with a `Content-Length` for a POST.
pub fn wire(request: &http::Request<String>) -> Vec<u8> {
    let target = request
        .uri()
        .path_and_query()
        .map_or("/", |target| target.as_str());
    let mut out = format!("{} {target} HTTP/1.1\r\n", request.method()).into_bytes();
    for (name, value) in request.headers() {
        out.extend_from_slice(name.as_str().as_bytes());
        out.extend_from_slice(b": ");
        out.extend_from_slice(value.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    if request.method() != http::Method::GET || !request.body().is_empty() {
        out.extend_from_slice(format!("content-length: {}\r\n", request.body().len()).as_bytes());
    }
    out.extend_from_slice(b"\r\n");
    out.extend_from_slice(request.body().as_bytes());
    out
}

/// A request head: the request line, `Host`, the given headers and the blank line.
pub fn head(method: &str, target: &[u8], host: SocketAddr, headers: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend_from_slice(method.as_bytes());
    out.push(b' ');
    out.extend_from_slice(target);
    out.extend_from_slice(format!(" HTTP/1.1\r\nhost: {host}\r\n").as_bytes());
    for (name, value) in headers {
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(b": ");
        out.extend_from_slice(value);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"\r\n");
    out
}

/// The head of a form POST to [`PATH`] with this `x-twilio-signature` and `framing` header
/// (`content-length` or `transfer-encoding`).
pub fn form_post(host: SocketAddr, signature: &[u8], framing: (&str, &[u8])) -> Vec<u8> {
    head(
        "POST",
        PATH.as_bytes(),
        host,
        &[
            ("content-type", b"application/x-www-form-urlencoded"),
            ("x-twilio-signature", signature),
            framing,
        ],
    )
}

/// `body` as chunked transfer coding, in chunks of `size` bytes, with the last chunk.
pub fn chunked(body: &[u8], size: usize) -> Vec<u8> {
    let mut out = Vec::new();
    for chunk in body.chunks(size.max(1)) {
        out.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
        out.extend_from_slice(chunk);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"0\r\n\r\n");
    out
}

/// A client connection that reads answers one at a time, keeping what follows for the next.
pub struct Conn {
    reader: OwnedReadHalf,
    writer: Option<OwnedWriteHalf>,
    buffer: Vec<u8>,
}

impl Conn {
    pub async fn connect(addr: SocketAddr) -> io::Result<Self> {
        let stream = TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        let (reader, writer) = stream.into_split();
        Ok(Self {
            reader,
            writer: Some(writer),
            buffer: Vec::new(),
        })
    }

    /// Writes all of `bytes`.
    ///
    /// # Panics
    ///
    /// After [`take_writer`](Self::take_writer).
    pub async fn write(&mut self, bytes: &[u8]) -> io::Result<()> {
        let writer = self.writer.as_mut().expect("the writer was taken");
        writer.write_all(bytes).await
    }

    /// The writing half, to write from another task while this one reads.
    pub fn take_writer(&mut self) -> OwnedWriteHalf {
        self.writer.take().expect("the writer was taken")
    }

    /// Takes the writing half and, in a task, writes `bytes` one at a time, `every` apart; then
    /// holds the connection open (no half-close) until the task is aborted. A failed write ends
    /// the task.
    pub fn trickle(&mut self, bytes: Vec<u8>, every: Duration) -> JoinHandle<()> {
        let mut writer = self.take_writer();
        tokio::spawn(async move {
            for byte in bytes.chunks(1) {
                if writer.write_all(byte).await.is_err() {
                    return;
                }
                tokio::time::sleep(every).await;
            }
            std::future::pending::<()>().await;
        })
    }

    /// Reads more bytes into the buffer; `Ok(0)` at end of stream.
    async fn fill(&mut self) -> io::Result<usize> {
        let mut chunk = [0u8; 16 * 1024];
        let read = self.reader.read(&mut chunk).await?;
        self.buffer.extend_from_slice(&chunk[..read]);
        Ok(read)
    }

    /// Reads one answer. `Ok(None)` when the server closed the connection before sending any
    /// byte of one. `head_only` for the answer to a HEAD (no body follows).
    pub async fn read_reply(&mut self, head_only: bool) -> io::Result<Option<RawReply>> {
        let end = loop {
            if let Some(at) = find(&self.buffer, b"\r\n\r\n") {
                break at;
            }
            if self.fill().await? == 0 {
                return if self.buffer.is_empty() {
                    Ok(None)
                } else {
                    Err(io::Error::new(
                        io::ErrorKind::UnexpectedEof,
                        "connection closed inside an answer's head",
                    ))
                };
            }
        };
        let head = String::from_utf8_lossy(&self.buffer[..end]).into_owned();
        self.buffer.drain(..end + 4);
        let mut lines = head.split("\r\n");
        let status_line = lines.next().unwrap_or_default();
        let status = status_line
            .split(' ')
            .nth(1)
            .and_then(|code| code.parse().ok())
            .ok_or_else(|| bad(format!("bad status line {status_line:?}")))?;
        let headers: Vec<(String, String)> = lines
            .filter_map(|line| line.split_once(':'))
            .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_owned()))
            .collect();
        let mut reply = RawReply {
            status,
            headers,
            body: Vec::new(),
        };
        if head_only || status == 204 || status == 304 || (100..200).contains(&status) {
            return Ok(Some(reply));
        }
        if let Some(length) = reply.header("content-length") {
            let length: usize = length
                .parse()
                .map_err(|_| bad(format!("bad content-length {length:?}")))?;
            while self.buffer.len() < length {
                if self.fill().await? == 0 {
                    return Err(bad("connection closed inside a body".into()));
                }
            }
            reply.body = self.buffer.drain(..length).collect();
        } else if reply
            .header("transfer-encoding")
            .is_some_and(|coding| coding.eq_ignore_ascii_case("chunked"))
        {
            loop {
                let line_end = loop {
                    if let Some(at) = find(&self.buffer, b"\r\n") {
                        break at;
                    }
                    if self.fill().await? == 0 {
                        return Err(bad("connection closed inside a chunk".into()));
                    }
                };
                let size_text = String::from_utf8_lossy(&self.buffer[..line_end]).into_owned();
                let size = usize::from_str_radix(size_text.split(';').next().unwrap().trim(), 16)
                    .map_err(|_| bad(format!("bad chunk size {size_text:?}")))?;
                self.buffer.drain(..line_end + 2);
                while self.buffer.len() < size + 2 {
                    if self.fill().await? == 0 {
                        return Err(bad("connection closed inside a chunk".into()));
                    }
                }
                reply.body.extend(self.buffer.drain(..size));
                self.buffer.drain(..2);
                if size == 0 {
                    break;
                }
            }
        } else {
            while self.fill().await? != 0 {}
            reply.body = std::mem::take(&mut self.buffer);
        }
        Ok(Some(reply))
    }

    /// Waits for the server to close the connection (cleanly or with a reset), discarding what
    /// it sends.
    pub async fn closed(&mut self) -> io::Result<()> {
        loop {
            match self.fill().await {
                Ok(0) => return Ok(()),
                Ok(_) => self.buffer.clear(),
                Err(err) if err.kind() == io::ErrorKind::ConnectionReset => return Ok(()),
                Err(err) => return Err(err),
            }
        }
    }
}

fn bad(message: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, message)
}

/// Where `needle` first occurs in `haystack`.
pub fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}
