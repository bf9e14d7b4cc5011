//! One kept-alive HTTP/1.1 connection per load-test connection (as wrk does), so the figures
//! measure the server, not connection set-up or a client pool.

use anyhow::{Context, bail};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::{self, SendRequest};
use hyper::{Method, Request, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;

/// Where the server is.
#[derive(Debug, Clone)]
pub struct Target {
    /// `host:port`, for connecting and the Host header.
    authority: String,
    /// Path prefix of the server (empty or `/prefix`), without a trailing slash.
    base: String,
    token: String,
}

impl Target {
    pub fn parse(url: &str, token: &str) -> anyhow::Result<Self> {
        let parsed = url::Url::parse(url).with_context(|| format!("--url {url:?} is not a URL"))?;
        if parsed.scheme() != "http" {
            bail!(
                "--url {url:?}: the load test speaks plain http (point it at the server, not at a \
                 TLS proxy)"
            );
        }
        let host = parsed
            .host_str()
            .with_context(|| format!("--url {url:?} has no host"))?;
        let port = parsed.port_or_known_default().unwrap_or(80);
        Ok(Self {
            authority: format!("{host}:{port}"),
            base: parsed.path().trim_end_matches('/').to_string(),
            token: token.to_string(),
        })
    }

    pub fn request(&self, method: Method, path: &str, body: Option<&str>) -> Request<Full<Bytes>> {
        let mut builder = Request::builder()
            .method(method)
            .uri(format!("{}{path}", self.base))
            .header(hyper::header::HOST, &self.authority)
            .header(
                hyper::header::AUTHORIZATION,
                format!("Bearer {}", self.token),
            );
        if body.is_some() {
            builder = builder.header(hyper::header::CONTENT_TYPE, "application/json");
        }
        let body = Full::new(Bytes::from(body.unwrap_or_default().to_string()));
        // Method, URI and headers are all well-formed by construction.
        builder
            .body(body)
            .unwrap_or_else(|_| Request::new(Full::default()))
    }
}

/// An answer: status, `Location` header, body.
pub struct Answer {
    pub status: StatusCode,
    pub location: Option<String>,
    pub body: Bytes,
}

pub struct Connection {
    sender: SendRequest<Full<Bytes>>,
}

impl Connection {
    pub async fn open(target: &Target) -> anyhow::Result<Self> {
        let stream = TcpStream::connect(&target.authority)
            .await
            .with_context(|| format!("cannot connect to {}", target.authority))?;
        stream.set_nodelay(true)?;
        let (sender, connection) = http1::handshake(TokioIo::new(stream))
            .await
            .context("HTTP handshake failed")?;
        tokio::spawn(async move {
            if let Err(err) = connection.await {
                tracing::debug!(%err, "load-test connection closed");
            }
        });
        Ok(Self { sender })
    }

    pub async fn send(&mut self, request: Request<Full<Bytes>>) -> anyhow::Result<Answer> {
        self.sender.ready().await.context("connection closed")?;
        let response = self.sender.send_request(request).await?;
        let status = response.status();
        let location = response
            .headers()
            .get(hyper::header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let body = response.into_body().collect().await?.to_bytes();
        Ok(Answer {
            status,
            location,
            body,
        })
    }
}

/// One request on a fresh connection, for set-up and clean-up.
pub async fn once(target: &Target, request: Request<Full<Bytes>>) -> anyhow::Result<Answer> {
    Connection::open(target).await?.send(request).await
}
