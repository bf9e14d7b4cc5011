//! One error type for the whole API, rendered as RFC 9457 `application/problem+json` with a
//! stable machine `code`, a human `detail`, and the field at fault.

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use sea_orm::{DbErr, RuntimeErr, SqlErr};
use serde::Serialize;
use utoipa::ToSchema;

/// Stable machine-readable error codes; clients branch on these, never on `detail`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Code {
    MalformedRequest,
    Unauthorized,
    Forbidden,
    NotFound,
    Conflict,
    PayloadTooLarge,
    UnsupportedMediaType,
    ValidationFailed,
    DependencyUnavailable,
    Internal,
}

impl Code {
    fn status(self) -> StatusCode {
        match self {
            Self::MalformedRequest => StatusCode::BAD_REQUEST,
            Self::Unauthorized => StatusCode::UNAUTHORIZED,
            Self::Forbidden => StatusCode::FORBIDDEN,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::Conflict => StatusCode::CONFLICT,
            Self::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::ValidationFailed => StatusCode::UNPROCESSABLE_ENTITY,
            Self::DependencyUnavailable => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn title(self) -> &'static str {
        match self {
            Self::MalformedRequest => "Malformed request",
            Self::Unauthorized => "Authentication required",
            Self::Forbidden => "Not allowed for this role",
            Self::NotFound => "Not found",
            Self::Conflict => "Conflict",
            Self::PayloadTooLarge => "Request body too large",
            Self::UnsupportedMediaType => "Unsupported media type",
            Self::ValidationFailed => "Validation failed",
            Self::DependencyUnavailable => "A dependency is unavailable",
            Self::Internal => "Internal error",
        }
    }
}

/// One problem with one field (or one row of a bulk import).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FieldError {
    /// Path of the field, e.g. `days` or `rows[3].required`.
    pub field: String,
    pub detail: String,
}

/// An RFC 9457 problem document.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Problem {
    /// A URI naming the problem type.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub code: Code,
    pub detail: String,
    /// The field at fault, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// Every field at fault, for validation of several fields or rows at once.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

/// An error a handler returns.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub code: Code,
    pub detail: String,
    pub field: Option<String>,
    pub errors: Vec<FieldError>,
}

pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    pub fn new(code: Code, detail: impl Into<String>) -> Self {
        Self {
            code,
            detail: detail.into(),
            field: None,
            errors: Vec::new(),
        }
    }

    /// A validation error naming one field.
    pub fn invalid(field: impl Into<String>, detail: impl Into<String>) -> Self {
        let field = field.into();
        let detail = detail.into();
        Self {
            code: Code::ValidationFailed,
            detail: format!("{field}: {detail}"),
            errors: vec![FieldError {
                field: field.clone(),
                detail,
            }],
            field: Some(field),
        }
    }

    /// A validation error listing several fields or rows.
    pub fn invalid_many(detail: impl Into<String>, errors: Vec<FieldError>) -> Self {
        Self {
            code: Code::ValidationFailed,
            detail: detail.into(),
            field: errors.first().map(|e| e.field.clone()),
            errors,
        }
    }

    pub fn not_found(what: impl Into<String>) -> Self {
        Self::new(Code::NotFound, format!("{} does not exist", what.into()))
    }

    pub fn conflict(detail: impl Into<String>) -> Self {
        Self::new(Code::Conflict, detail)
    }

    pub fn problem(&self) -> Problem {
        Problem {
            kind: format!("https://rota.dev/problems/{}", self.code_str()),
            title: self.code.title().into(),
            status: self.code.status().as_u16(),
            code: self.code,
            detail: self.detail.clone(),
            field: self.field.clone(),
            errors: self.errors.clone(),
        }
    }

    fn code_str(&self) -> String {
        serde_json::to_value(self.code)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_else(|| "internal".into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let problem = self.problem();
        let body = serde_json::to_vec(&problem).unwrap_or_default();
        (
            self.code.status(),
            [(header::CONTENT_TYPE, "application/problem+json")],
            body,
        )
            .into_response()
    }
}

impl From<DbErr> for ApiError {
    fn from(err: DbErr) -> Self {
        match err.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(detail)) => {
                return Self::conflict(format!("already exists ({detail})"));
            }
            Some(SqlErr::ForeignKeyConstraintViolation(detail)) => {
                return Self::new(
                    Code::ValidationFailed,
                    format!(
                        "refers to a record that does not exist, or is still referred to ({detail})"
                    ),
                );
            }
            _ => {}
        }
        match &err {
            DbErr::ConnectionAcquire(_) | DbErr::Conn(RuntimeErr::SqlxError(_)) => {
                tracing::error!(%err, "database unavailable");
                Self::new(
                    Code::DependencyUnavailable,
                    "the database is unavailable; retry later",
                )
            }
            DbErr::RecordNotFound(what) => Self::not_found(what.clone()),
            _ => {
                tracing::error!(%err, "database error");
                Self::new(
                    Code::Internal,
                    "an internal error occurred; it has been logged",
                )
            }
        }
    }
}
