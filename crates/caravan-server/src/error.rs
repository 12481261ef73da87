//! The one place where engine and store errors become HTTP statuses and JSON bodies, so the
//! router and the store stay free of HTTP.

use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use caravan_route::RouteError;
use serde::Serialize;
use utoipa::ToSchema;

use crate::store::StoreError;

/// The body of every error response: `{"error": {"code", "message", ...}}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable machine-readable code, e.g. `unknown_place`, `no_route`, `not_found`.
    pub code: String,
    pub message: String,
    /// What the caller may have meant (unknown places and border crossings).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub suggestions: Vec<ErrorSuggestion>,
    /// For `no_route`: closures and avoidances that block every route.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub blocking: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorSuggestion {
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
}

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub detail: ErrorDetail,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            detail: ErrorDetail {
                code: code.to_owned(),
                message: message.into(),
                suggestions: Vec::new(),
                blocking: Vec::new(),
            },
        }
    }

    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, "invalid_request", message)
    }

    pub fn not_found(what: &str, id: &str) -> ApiError {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("no {what} `{id}`"),
        )
    }

    pub fn internal(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", message)
    }
}

impl From<RouteError> for ApiError {
    fn from(e: RouteError) -> ApiError {
        // No route is a well-formed question whose answer is "none": 422, like a search that
        // the network cannot satisfy; everything else is a malformed request.
        let status = if matches!(e, RouteError::Hierarchy(_)) {
            StatusCode::INTERNAL_SERVER_ERROR
        } else if e.is_bad_input() {
            StatusCode::BAD_REQUEST
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        };
        let mut err = ApiError::new(status, e.code(), e.to_string());
        match e {
            RouteError::UnknownPlace { suggestions, .. } => {
                err.detail.suggestions = suggestions
                    .into_iter()
                    .map(|s| ErrorSuggestion {
                        id: s.id,
                        name: Some(s.name),
                        country: Some(s.country),
                    })
                    .collect();
            }
            RouteError::UnknownBcp { suggestions, .. } => {
                err.detail.suggestions = suggestions
                    .into_iter()
                    .map(|id| ErrorSuggestion {
                        id,
                        name: None,
                        country: None,
                    })
                    .collect();
            }
            RouteError::NoRoute { blocking, .. } => err.detail.blocking = blocking,
            _ => {}
        }
        err
    }
}

impl From<caravan_cost::CostError> for ApiError {
    fn from(e: caravan_cost::CostError) -> ApiError {
        let mut err = ApiError::new(StatusCode::BAD_REQUEST, e.code(), e.to_string());
        if let caravan_cost::CostError::UnknownHs { suggestions, .. } = e {
            err.detail.suggestions = suggestions
                .into_iter()
                .map(|s| ErrorSuggestion {
                    id: s.code,
                    name: Some(s.description),
                    country: None,
                })
                .collect();
        }
        err
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> ApiError {
        match &e {
            StoreError::NotFound(id) => ApiError::not_found("scenario", id),
            StoreError::Conflict { .. } => {
                ApiError::new(StatusCode::CONFLICT, "version_conflict", e.to_string())
            }
            StoreError::Sqlite(_) | StoreError::Corrupt(..) | StoreError::Io(..) => {
                tracing::error!(error = %e, "scenario store failed");
                ApiError::internal(format!("scenario store: {e}"))
            }
        }
    }
}

impl From<JsonRejection> for ApiError {
    fn from(r: JsonRejection) -> ApiError {
        let code = match r.status() {
            StatusCode::PAYLOAD_TOO_LARGE => "body_too_large",
            StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported_media_type",
            _ => "invalid_json",
        };
        ApiError::new(r.status(), code, r.body_text())
    }
}

impl From<QueryRejection> for ApiError {
    fn from(r: QueryRejection) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, "invalid_query", r.body_text())
    }
}

impl From<PathRejection> for ApiError {
    fn from(r: PathRejection) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, "invalid_path", r.body_text())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(ErrorBody { error: self.detail })).into_response()
    }
}
