//! The embedded HTTP/1.1 server both portals run on.
//!
//! [`Server::start`] binds `127.0.0.1:0`, serves every connection on the
//! current tokio runtime and stops when the [`Server`] is dropped. A
//! [`Handler`] sees each request with its body read in full and answers with a
//! [`Reply`]: a response, or [`Reply::Drop`] to close the connection without
//! one (what a client sees when a proxy or the network fails mid-call).

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::task::{JoinHandle, JoinSet};

/// A boxed, sendable future, as [`Handler::handle`] returns.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// An HTTP request with its body read in full.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// The HTTP method, e.g. `POST`.
    pub method: String,
    /// The path without the query, as sent (not percent-decoded).
    pub path: String,
    /// The query string without `?`, if any.
    pub query: Option<String>,
    /// Header names (lower case) and values, in arrival order.
    pub headers: Vec<(String, String)>,
    /// The body bytes.
    pub body: Vec<u8>,
}

impl Request {
    /// The first value of a header, by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

/// An HTTP response to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    /// The status code.
    pub status: u16,
    /// Extra headers (`content-type` is set by the constructors).
    pub headers: Vec<(String, String)>,
    /// The body bytes.
    pub body: Vec<u8>,
}

impl Response {
    /// A JSON body with `content-type: application/json; charset=utf-8`.
    pub fn json(status: u16, body: &serde_json::Value) -> Response {
        Response {
            status,
            headers: vec![(
                "content-type".into(),
                "application/json; charset=utf-8".into(),
            )],
            body: body.to_string().into_bytes(),
        }
    }

    /// A text body sent as is, with `content-type: text/html; charset=utf-8`
    /// (what a portal's front proxy sends when it fails).
    pub fn text(status: u16, body: impl Into<String>) -> Response {
        Response {
            status,
            headers: vec![("content-type".into(), "text/html; charset=utf-8".into())],
            body: body.into().into_bytes(),
        }
    }
}

/// What a [`Handler`] answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    /// Send this response.
    Respond(Response),
    /// Close the connection without sending anything.
    Drop,
}

impl From<Response> for Reply {
    fn from(response: Response) -> Reply {
        Reply::Respond(response)
    }
}

/// Answers requests. Implemented for every suitable closure:
/// `|request| Box::pin(async move { ... }) as BoxFuture<'static, Reply>`.
pub trait Handler: Send + Sync + 'static {
    /// Answers one request.
    fn handle(&self, request: Request) -> BoxFuture<'_, Reply>;
}

impl<F> Handler for F
where
    F: Fn(Request) -> BoxFuture<'static, Reply> + Send + Sync + 'static,
{
    fn handle(&self, request: Request) -> BoxFuture<'_, Reply> {
        self(request)
    }
}

/// A running server on `127.0.0.1`. Dropping it stops accepting and closes
/// every open connection.
#[derive(Debug)]
pub struct Server {
    addr: SocketAddr,
    accept: JoinHandle<()>,
}

impl Server {
    /// Binds `127.0.0.1:0` and starts serving on the current tokio runtime.
    ///
    /// # Panics
    /// When called outside a tokio runtime.
    pub async fn start(handler: Arc<dyn Handler>) -> io::Result<Server> {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        let addr = listener.local_addr()?;
        let accept = tokio::spawn(accept_loop(listener, handler));
        Ok(Server { addr, accept })
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT` (no trailing slash).
    pub fn origin(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        // The accept task owns the listener and every connection task.
        self.accept.abort();
    }
}

/// A service error that makes hyper close the connection without a response.
#[derive(Debug)]
struct Dropped;

impl std::fmt::Display for Dropped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped on purpose")
    }
}

impl std::error::Error for Dropped {}

async fn accept_loop(listener: TcpListener, handler: Arc<dyn Handler>) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let stream = match accepted {
                    Ok((stream, _)) => stream,
                    Err(_) => {
                        // Out of descriptors or similar: back off briefly.
                        tokio::time::sleep(Duration::from_millis(5)).await;
                        continue;
                    }
                };
                let _ = stream.set_nodelay(true);
                let handler = handler.clone();
                connections.spawn(async move {
                    let service = service_fn(move |request| {
                        let handler = handler.clone();
                        async move { serve(handler, request).await }
                    });
                    let _ = http1::Builder::new()
                        .keep_alive(true)
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
}

async fn serve(
    handler: Arc<dyn Handler>,
    request: hyper::Request<Incoming>,
) -> Result<hyper::Response<Full<Bytes>>, Dropped> {
    let (parts, body) = request.into_parts();
    let body = match body.collect().await {
        Ok(collected) => collected.to_bytes().to_vec(),
        Err(_) => return Err(Dropped),
    };
    let request = Request {
        method: parts.method.as_str().to_string(),
        path: parts.uri.path().to_string(),
        query: parts.uri.query().map(str::to_string),
        headers: parts
            .headers
            .iter()
            .map(|(name, value)| {
                let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
                (name.as_str().to_string(), value)
            })
            .collect(),
        body,
    };
    match handler.handle(request).await {
        Reply::Drop => Err(Dropped),
        Reply::Respond(response) => {
            let mut builder = hyper::Response::builder().status(response.status);
            for (name, value) in &response.headers {
                builder = builder.header(name.as_str(), value.as_str());
            }
            builder
                .body(Full::new(Bytes::from(response.body)))
                .map_err(|_| Dropped)
        }
    }
}
