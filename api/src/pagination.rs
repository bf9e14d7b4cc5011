//! Cursor pagination: lists answer `{"items": [...], "next": cursor}`; pass `next` back as
//! `?cursor=` for the following page. Cursors are opaque to clients.

use crate::error::ApiError;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

pub const DEFAULT_LIMIT: u64 = 50;
pub const MAX_LIMIT: u64 = 500;

/// `?limit=&cursor=`.
#[derive(Debug, Default, Deserialize, IntoParams)]
pub struct PageQuery {
    /// Items per page (1–500, default 50).
    pub limit: Option<u64>,
    /// The `next` value of the previous page.
    pub cursor: Option<String>,
}

impl PageQuery {
    pub fn limit(&self) -> Result<u64, ApiError> {
        match self.limit {
            None => Ok(DEFAULT_LIMIT),
            Some(n) if (1..=MAX_LIMIT).contains(&n) => Ok(n),
            Some(_) => Err(ApiError::invalid(
                "limit",
                format!("must be 1 to {MAX_LIMIT}"),
            )),
        }
    }

    /// The last id of the previous page (items are ordered by id).
    pub fn after(&self) -> Result<Option<i32>, ApiError> {
        self.cursor
            .as_deref()
            .map(|c| {
                c.parse::<i32>()
                    .map_err(|_| ApiError::invalid("cursor", "not a cursor this API issued"))
            })
            .transpose()
    }
}

/// One page of a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Cursor of the next page; absent on the last page.
    pub next: Option<String>,
}

impl<T> Page<T> {
    /// Builds a page from up to `limit + 1` rows fetched in id order.
    pub fn from_rows(mut rows: Vec<T>, limit: u64, id: impl Fn(&T) -> i32) -> Self {
        let more = rows.len() as u64 > limit;
        rows.truncate(limit as usize);
        let next = if more {
            rows.last().map(|r| id(r).to_string())
        } else {
            None
        };
        Self { items: rows, next }
    }
}
