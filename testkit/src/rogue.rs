//! A portal that misbehaves below the REST protocol: answers that are not
//! JSON, bodies that never end or trickle in, silence, connections closed
//! halfway through a body, redirects elsewhere. It speaks raw HTTP/1.1 over
//! a `TcpListener`, so it can do what a well-behaved server library will not.
//!
//! ```no_run
//! # async fn demo() {
//! use bitrix24_testkit::rogue::{Act, RoguePortal};
//!
//! let portal = RoguePortal::start(|_request| Act::Silent).await.unwrap();
//! // ... point the client under test at portal.webhook_url() ...
//! assert_eq!(portal.requests().len(), 0);
//! # }
//! ```

use std::io;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::{JoinHandle, JoinSet};

/// The webhook key in [`RoguePortal::webhook_url`].
pub const ROGUE_WEBHOOK_KEY: &str = "roguewebhookkey0123456789";

/// The longest request head the portal reads.
const MAX_HEAD: usize = 64 * 1024;

/// What the portal does with one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Act {
    /// A complete answer (the connection stays open for the next request).
    Answer {
        /// The status code.
        status: u16,
        /// Extra headers.
        headers: Vec<(String, String)>,
        /// The body.
        body: Vec<u8>,
    },
    /// `200` and a chunked body that never ends, as fast as the client reads.
    Endless,
    /// `200`, a `content-length` of a megabyte, then one byte every `every`.
    Drip {
        /// The pause between two bytes.
        every: Duration,
    },
    /// Reads the request and never answers; the connection stays open.
    Silent,
    /// `200` announcing `announced` bytes, then `body`, then the connection closes.
    CloseMidBody {
        /// The `content-length` sent.
        announced: usize,
        /// The bytes actually sent (fewer).
        body: Vec<u8>,
    },
    /// Closes the connection without a byte of answer.
    Close,
}

impl Act {
    /// A JSON answer.
    pub fn json(status: u16, body: &serde_json::Value) -> Act {
        Act::Answer {
            status,
            headers: vec![("content-type".into(), "application/json".into())],
            body: body.to_string().into_bytes(),
        }
    }

    /// A text answer sent as is (`text/html`, as proxies send their pages).
    pub fn text(status: u16, body: impl Into<String>) -> Act {
        Act::Answer {
            status,
            headers: vec![("content-type".into(), "text/html; charset=utf-8".into())],
            body: body.into().into_bytes(),
        }
    }

    /// A redirect to `location`.
    pub fn redirect(status: u16, location: impl Into<String>) -> Act {
        Act::Answer {
            status,
            headers: vec![("location".into(), location.into())],
            body: Vec::new(),
        }
    }
}

/// A request as the portal read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seen {
    /// The HTTP method.
    pub method: String,
    /// The request target (path and query).
    pub path: String,
    /// Header names (lower case) and values.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

impl Seen {
    /// The body as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

type Script = dyn Fn(&Seen) -> Act + Send + Sync;

/// A running misbehaving portal on `127.0.0.1`; stops when dropped.
pub struct RoguePortal {
    addr: SocketAddr,
    seen: Arc<Mutex<Vec<Seen>>>,
    accept: JoinHandle<()>,
}

impl std::fmt::Debug for RoguePortal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RoguePortal")
            .field("addr", &self.addr)
            .finish()
    }
}

impl RoguePortal {
    /// Binds `127.0.0.1:0`; `script` decides what each request gets.
    pub async fn start(
        script: impl Fn(&Seen) -> Act + Send + Sync + 'static,
    ) -> io::Result<RoguePortal> {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        let addr = listener.local_addr()?;
        let seen: Arc<Mutex<Vec<Seen>>> = Arc::default();
        let script: Arc<Script> = Arc::new(script);
        let accept = tokio::spawn(accept_loop(listener, script, seen.clone()));
        Ok(RoguePortal { addr, seen, accept })
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT` (no trailing slash).
    pub fn origin(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// A webhook URL on this portal, with [`ROGUE_WEBHOOK_KEY`].
    pub fn webhook_url(&self) -> String {
        format!("{}/rest/1/{ROGUE_WEBHOOK_KEY}/", self.origin())
    }

    /// Every request read so far, in arrival order.
    pub fn requests(&self) -> Vec<Seen> {
        self.seen.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

impl Drop for RoguePortal {
    fn drop(&mut self) {
        // The accept task owns the listener and every connection.
        self.accept.abort();
    }
}

async fn accept_loop(listener: TcpListener, script: Arc<Script>, seen: Arc<Mutex<Vec<Seen>>>) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else {
                    tokio::time::sleep(Duration::from_millis(5)).await;
                    continue;
                };
                connections.spawn(serve(stream, script.clone(), seen.clone()));
            }
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
}

/// Serves one connection: request after request while the answers are whole.
async fn serve(mut stream: TcpStream, script: Arc<Script>, seen: Arc<Mutex<Vec<Seen>>>) {
    let _ = stream.set_nodelay(true);
    let mut buffer = Vec::new();
    while let Ok(Some(request)) = read_request(&mut stream, &mut buffer).await {
        let act = script(&request);
        seen.lock().unwrap_or_else(|e| e.into_inner()).push(request);
        if act_on(&mut stream, act).await.is_err() {
            return;
        }
    }
}

/// Acts; `Ok` when the connection can carry another request.
async fn act_on(stream: &mut TcpStream, act: Act) -> io::Result<()> {
    match act {
        Act::Answer {
            status,
            headers,
            body,
        } => {
            let mut head = format!("HTTP/1.1 {status} {}\r\n", reason(status));
            for (name, value) in &headers {
                head.push_str(&format!("{name}: {value}\r\n"));
            }
            head.push_str(&format!("content-length: {}\r\n\r\n", body.len()));
            stream.write_all(head.as_bytes()).await?;
            stream.write_all(&body).await?;
            stream.flush().await
        }
        Act::Endless => {
            let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n";
            stream.write_all(head.as_bytes()).await?;
            let mut chunk = format!("{:x}\r\n", 64 * 1024).into_bytes();
            chunk.extend(std::iter::repeat(b' ').take(64 * 1024));
            chunk.extend_from_slice(b"\r\n");
            stream.write_all(b"5\r\n[\"x\",\r\n").await?;
            loop {
                stream.write_all(&chunk).await?;
            }
        }
        Act::Drip { every } => {
            let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 1048576\r\n\r\n";
            stream.write_all(head.as_bytes()).await?;
            loop {
                stream.write_all(b" ").await?;
                stream.flush().await?;
                tokio::time::sleep(every).await;
            }
        }
        Act::Silent => loop {
            tokio::time::sleep(Duration::from_secs(3600)).await;
        },
        Act::CloseMidBody { announced, body } => {
            let head = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {announced}\r\n\r\n"
            );
            stream.write_all(head.as_bytes()).await?;
            stream.write_all(&body).await?;
            stream.flush().await?;
            Err(io::ErrorKind::ConnectionAborted.into())
        }
        Act::Close => Err(io::ErrorKind::ConnectionAborted.into()),
    }
}

/// Reads one request; `None` when the client closed the connection.
async fn read_request(stream: &mut TcpStream, buffer: &mut Vec<u8>) -> io::Result<Option<Seen>> {
    let end = loop {
        if let Some(end) = find(buffer, b"\r\n\r\n") {
            break end;
        }
        if buffer.len() > MAX_HEAD {
            return Err(io::ErrorKind::InvalidData.into());
        }
        let mut chunk = [0u8; 8192];
        let read = stream.read(&mut chunk).await?;
        if read == 0 {
            return Ok(None);
        }
        buffer.extend_from_slice(&chunk[..read]);
    };
    let head = String::from_utf8_lossy(&buffer[..end]).into_owned();
    buffer.drain(..end + 4);
    let mut lines = head.split("\r\n");
    let mut first = lines.next().unwrap_or("").split(' ');
    let method = first.next().unwrap_or("").to_string();
    let path = first.next().unwrap_or("").to_string();
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_string()))
        .collect();
    let length = headers
        .iter()
        .find(|(name, _)| name == "content-length")
        .and_then(|(_, value)| value.parse::<usize>().ok())
        .unwrap_or(0);
    while buffer.len() < length {
        let mut chunk = [0u8; 8192];
        let read = stream.read(&mut chunk).await?;
        if read == 0 {
            return Ok(None);
        }
        buffer.extend_from_slice(&chunk[..read]);
    }
    let body: Vec<u8> = buffer.drain(..length).collect();
    Ok(Some(Seen {
        method,
        path,
        headers,
        body,
    }))
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        302 => "Found",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        404 => "Not Found",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "Status",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn requests_are_read_whole_and_answers_keep_the_connection() {
        let portal = RoguePortal::start(|seen| Act::text(200, seen.text()))
            .await
            .unwrap();
        let mut stream = TcpStream::connect(portal.addr()).await.unwrap();
        for body in ["one", "two"] {
            let request = format!(
                "POST /rest/x HTTP/1.1\r\nhost: a\r\ncontent-length: {}\r\n\r\n{body}",
                body.len()
            );
            stream.write_all(request.as_bytes()).await.unwrap();
            let mut answer = vec![0u8; 4096];
            let mut got = Vec::new();
            while !String::from_utf8_lossy(&got).ends_with(body) {
                let read = stream.read(&mut answer).await.unwrap();
                assert!(read > 0);
                got.extend_from_slice(&answer[..read]);
            }
            assert!(got.starts_with(b"HTTP/1.1 200 OK\r\n"));
        }
        let seen = portal.requests();
        assert_eq!(seen.len(), 2);
        assert_eq!(
            (seen[1].method.as_str(), seen[1].path.as_str()),
            ("POST", "/rest/x")
        );
        assert_eq!(seen[1].text(), "two");
    }
}
