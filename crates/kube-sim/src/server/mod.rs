//! The HTTP front: routing a request to discovery, OpenAPI or a resource handler.
//!
//! [`Api::handle`] is transport independent (a method, a path, a query, headers and a body
//! in; a [`Reply`] out), which keeps the handlers testable without sockets; [`serve`] puts it
//! behind axum.

mod access;
mod custom;
mod handlers;
pub mod patch_meta;
pub mod path;
pub mod query;
mod ssa;
pub mod types;
mod watch;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::Response;
use serde_json::{json, Value};
use tokio::net::TcpListener;

use crate::catalog::Catalog;
use crate::status::ApiError;
use crate::store::Store;
pub(crate) use handlers::populate_namespace;
pub use watch::WatchStream;

/// The API server state: the store and the resource types it serves.
pub struct Api {
    pub store: Store,
    pub catalog: Arc<Catalog>,
    /// Bearer tokens (with `--tls`); None: every request acts as the admin.
    pub authenticator: Option<std::sync::Mutex<crate::auth::Authenticator>>,
}

/// One request, independent of the transport.
#[derive(Clone, Debug)]
pub struct Request {
    pub method: Method,
    pub path: String,
    pub query: query::Query,
    pub headers: HeaderMap,
    pub body: Bytes,
    /// Who is asking, once authenticated (None before).
    pub user: Option<crate::auth::UserInfo>,
}

/// What the server answers.
pub enum Reply {
    /// A JSON body with a status code and extra headers (e.g. `Warning`).
    Json {
        code: u16,
        body: Value,
        warnings: Vec<String>,
    },
    /// A body with its own content type and headers (discovery, OpenAPI).
    Raw {
        code: u16,
        content_type: &'static str,
        body: Vec<u8>,
        headers: Vec<(&'static str, String)>,
    },
    /// A watch: a stream of newline-delimited JSON events.
    Watch(WatchStream),
}

impl From<ApiError> for Reply {
    fn from(e: ApiError) -> Reply {
        Reply::Json {
            code: e.code,
            body: e.to_status(),
            warnings: Vec::new(),
        }
    }
}

impl Reply {
    pub fn ok(body: Value) -> Reply {
        Reply::Json {
            code: 200,
            body,
            warnings: Vec::new(),
        }
    }

    pub fn created(body: Value) -> Reply {
        Reply::Json {
            code: 201,
            body,
            warnings: Vec::new(),
        }
    }
}

impl Api {
    pub fn new(catalog: Arc<Catalog>) -> Api {
        Api::with_store(catalog, Store::default())
    }

    pub fn with_store(catalog: Arc<Catalog>, store: Store) -> Api {
        Api {
            store,
            catalog,
            authenticator: None,
        }
    }

    /// Requires bearer tokens (the admin token given) and RBAC on every request.
    pub fn with_authentication(mut self, admin_token: &str) -> Api {
        self.authenticator = Some(std::sync::Mutex::new(crate::auth::Authenticator::new(
            admin_token,
        )));
        self
    }

    /// Answers one request.
    pub async fn handle(self: &Arc<Self>, mut req: Request) -> Reply {
        let user = match access::identify(self, &req) {
            Ok(user) => user,
            Err(reply) => return reply,
        };
        if let Some(denied) = access::check(self, &req, &user) {
            return denied;
        }
        req.user = Some(user);
        match path::parse(&req.path) {
            path::Route::Version => {
                Reply::ok(crate::discovery::version(crate::discovery::GIT_VERSION))
            }
            path::Route::Health => Reply::ok(json!("ok")),
            path::Route::Resource(target) => match handlers::resource(self, &req, &target).await {
                Ok(reply) => reply,
                Err(e) => e.into(),
            },
            path::Route::CoreGroups | path::Route::Groups => self.root_discovery(&req),
            path::Route::GroupVersion { group, version } => {
                match crate::discovery::api_resource_list(
                    &self.catalog.registry(),
                    &group,
                    &version,
                ) {
                    Some(body) => Reply::ok(body),
                    None => ApiError::no_route().into(),
                }
            }
            path::Route::Group { group } => {
                match crate::discovery::api_group(&self.catalog.registry(), &group) {
                    Some(body) => Reply::ok(body),
                    None => ApiError::no_route().into(),
                }
            }
            path::Route::OpenApiV3(_) => self.openapi(&req),
            path::Route::OpenApiV2 => {
                let accept = req.headers.get("accept").and_then(|v| v.to_str().ok());
                match crate::openapi::negotiate_v2(accept) {
                    Some((protobuf, content_type)) => match self.catalog.openapi_v2(protobuf) {
                        Some(body) => Reply::Raw {
                            code: 200,
                            content_type,
                            body,
                            headers: vec![("vary", "Accept".to_owned())],
                        },
                        None => ApiError::no_route().into(),
                    },
                    None => Reply::Json {
                        code: 406,
                        body: json!({"kind": "Status", "apiVersion": "v1", "metadata": {},
                            "status": "Failure", "reason": "NotAcceptable", "code": 406,
                            "message": "only the following media types are accepted: \
                                application/json, application/com.github.proto-openapi.spec.v2@v1.0+protobuf"}),
                        warnings: Vec::new(),
                    },
                }
            }
            path::Route::Unknown => ApiError::no_route().into(),
        }
    }

    fn root_discovery(&self, req: &Request) -> Reply {
        let accept = req.headers.get("accept").and_then(|v| v.to_str().ok());
        let host = req
            .headers
            .get("host")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("127.0.0.1");
        match crate::discovery::root_discovery(&self.catalog.registry(), &req.path, accept, host) {
            Some(Ok(d)) => Reply::Raw {
                code: 200,
                content_type: d.content_type,
                body: serde_json::to_vec(&d.body).unwrap_or_default(),
                headers: vec![("vary", "Accept".to_owned())],
            },
            Some(Err(e)) => Reply::Json {
                code: 406,
                body: json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                    "message": e.to_string(), "reason": "NotAcceptable", "code": 406}),
                warnings: Vec::new(),
            },
            None => ApiError::no_route().into(),
        }
    }

    fn openapi(&self, req: &Request) -> Reply {
        match self.catalog.openapi(&req.path, req.query.get("hash")) {
            crate::openapi::OpenApiResponse::Ok {
                body,
                cache_control,
                etag,
            } => {
                let mut headers = vec![("cache-control", cache_control.to_owned())];
                if let Some(etag) = etag {
                    headers.push(("etag", etag));
                }
                Reply::Raw {
                    code: 200,
                    content_type: "application/json",
                    body: body.to_vec(),
                    headers,
                }
            }
            crate::openapi::OpenApiResponse::MovedPermanently { location } => Reply::Raw {
                code: 301,
                content_type: "application/json",
                body: Vec::new(),
                headers: vec![("location", location)],
            },
            crate::openapi::OpenApiResponse::NotFound => ApiError::no_route().into(),
        }
    }
}

/// The axum router answering every request through [`Api::handle`].
fn router(api: Arc<Api>) -> axum::Router {
    axum::Router::new().fallback(
        move |method: Method, uri: Uri, headers: HeaderMap, body: Bytes| {
            let api = api.clone();
            async move {
                let req = Request {
                    method,
                    path: uri.path().to_owned(),
                    query: query::Query::parse(uri.query()),
                    headers,
                    body,
                    user: None,
                };
                into_response(api.handle(req).await)
            }
        },
    )
}

/// Serves `api` on `listener` until the task is dropped.
pub async fn serve(api: Arc<Api>, listener: TcpListener) -> std::io::Result<()> {
    axum::serve(listener, router(api)).await
}

/// Serves `api` over TLS on `listener` until the task is dropped.
pub async fn serve_tls(
    api: Arc<Api>,
    listener: TcpListener,
    config: Arc<rustls::ServerConfig>,
) -> std::io::Result<()> {
    let acceptor = tokio_rustls::TlsAcceptor::from(config);
    let app = router(api);
    loop {
        let (stream, _) = listener.accept().await?;
        let acceptor = acceptor.clone();
        let service = hyper_util::service::TowerToHyperService::new(app.clone());
        tokio::spawn(async move {
            let Ok(tls) = acceptor.accept(stream).await else {
                return;
            };
            let builder =
                hyper_util::server::conn::auto::Builder::new(hyper_util::rt::TokioExecutor::new());
            if let Err(e) = builder
                .serve_connection_with_upgrades(hyper_util::rt::TokioIo::new(tls), service)
                .await
            {
                tracing::debug!(error = %e, "TLS connection ended");
            }
        });
    }
}

/// Binds `addr` and returns the bound address and the server task (TLS when `tls` is set).
pub async fn bind(
    api: Arc<Api>,
    addr: &str,
    tls: Option<Arc<rustls::ServerConfig>>,
) -> std::io::Result<(SocketAddr, tokio::task::JoinHandle<()>)> {
    let listener = TcpListener::bind(addr).await?;
    let local = listener.local_addr()?;
    let task = tokio::spawn(async move {
        let result = match tls {
            Some(config) => serve_tls(api, listener, config).await,
            None => serve(api, listener).await,
        };
        if let Err(e) = result {
            tracing::error!(error = %e, "kube-sim server stopped");
        }
    });
    Ok((local, task))
}

fn into_response(reply: Reply) -> Response {
    let mut builder = Response::builder();
    let body = match reply {
        Reply::Json {
            code,
            body,
            warnings,
        } => {
            builder = builder
                .status(StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR))
                .header("content-type", "application/json");
            for w in warnings {
                if let Ok(v) =
                    HeaderValue::from_str(&format!("299 - \"{}\"", w.replace('"', "\\\"")))
                {
                    builder = builder.header("warning", v);
                }
            }
            Body::from(serde_json::to_vec(&body).unwrap_or_default())
        }
        Reply::Raw {
            code,
            content_type,
            body,
            headers,
        } => {
            builder = builder
                .status(StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR))
                .header("content-type", content_type);
            for (name, value) in headers {
                if let Ok(v) = HeaderValue::from_str(&value) {
                    builder = builder.header(name, v);
                }
            }
            Body::from(body)
        }
        Reply::Watch(stream) => {
            builder = builder
                .status(StatusCode::OK)
                .header("content-type", "application/json");
            Body::from_stream(stream.into_stream())
        }
    };
    builder
        .header("audit-id", crate::object::uuid())
        .body(body)
        .unwrap_or_else(|_| Response::new(Body::empty()))
}
