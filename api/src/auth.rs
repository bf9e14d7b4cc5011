//! Bearer tokens with roles. Only a token's SHA-256 is stored; a verified token is cached in
//! memory briefly so that hot read paths do not pay a database round trip per request.

use crate::AppState;
use crate::error::{ApiError, Code};
use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use chrono::Utc;
use rand::RngCore;
use rota_entity::{TokenRole, api_token};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

/// How long a verified token is trusted without asking the database again.
const CACHE_TTL: Duration = Duration::from_secs(30);
/// `last_used_at` is written at most this often per token.
const TOUCH_EVERY: Duration = Duration::from_secs(60);

/// The hex SHA-256 of a token, as stored.
pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Creates a token with `role` and returns it; it is shown only this once.
pub async fn create_token(
    db: &impl ConnectionTrait,
    role: TokenRole,
    name: Option<String>,
) -> Result<String, sea_orm::DbErr> {
    let mut secret = [0u8; 32];
    rand::rng().fill_bytes(&mut secret);
    let token = format!("rota_{}", hex::encode(secret));
    api_token::ActiveModel {
        token_hash: Set(hash_token(&token)),
        role: Set(role),
        name: Set(name),
        created_at: Set(Utc::now()),
        last_used_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(token)
}

#[derive(Clone, Copy)]
struct Cached {
    id: i32,
    role: TokenRole,
    verified: Instant,
    touched: Instant,
}

/// Recently verified tokens, by hash.
#[derive(Clone, Default)]
pub struct TokenCache(Arc<RwLock<HashMap<String, Cached>>>);

impl TokenCache {
    fn get(&self, hash: &str) -> Option<Cached> {
        let map = self.0.read().ok()?;
        map.get(hash)
            .copied()
            .filter(|c| c.verified.elapsed() < CACHE_TTL)
    }

    fn put(&self, hash: String, entry: Cached) {
        if let Ok(mut map) = self.0.write() {
            map.insert(hash, entry);
        }
    }
}

/// The authenticated caller of a request.
#[derive(Debug, Clone, Copy)]
pub struct Caller {
    pub token_id: i32,
    pub role: TokenRole,
}

impl Caller {
    /// Fails with 403 unless the caller's role is at least `role`.
    pub fn require(&self, role: TokenRole) -> Result<(), ApiError> {
        if self.role >= role {
            Ok(())
        } else {
            Err(ApiError::new(
                Code::Forbidden,
                format!("this needs the {} role", role_name(role)),
            ))
        }
    }
}

fn role_name(role: TokenRole) -> &'static str {
    match role {
        TokenRole::Viewer => "viewer",
        TokenRole::Planner => "planner",
        TokenRole::Admin => "admin",
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let header = parts
            .headers
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .ok_or_else(|| {
                ApiError::new(Code::Unauthorized, "send Authorization: Bearer <token>")
            })?;
        let token = header
            .strip_prefix("Bearer ")
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| {
                ApiError::new(
                    Code::Unauthorized,
                    "the Authorization header must be 'Bearer <token>'",
                )
            })?;
        let hash = hash_token(token);
        if let Some(cached) = state.tokens.get(&hash) {
            touch_if_due(state, &hash, cached).await;
            return Ok(Caller {
                token_id: cached.id,
                role: cached.role,
            });
        }
        let row = api_token::Entity::find()
            .filter(api_token::Column::TokenHash.eq(&hash))
            .one(&state.db)
            .await?
            .ok_or_else(|| ApiError::new(Code::Unauthorized, "unknown or revoked token"))?;
        let entry = Cached {
            id: row.id,
            role: row.role,
            verified: Instant::now(),
            touched: Instant::now() - TOUCH_EVERY,
        };
        touch_if_due(state, &hash, entry).await;
        Ok(Caller {
            token_id: row.id,
            role: row.role,
        })
    }
}

async fn touch_if_due(state: &AppState, hash: &str, mut entry: Cached) {
    if entry.touched.elapsed() >= TOUCH_EVERY {
        let update = api_token::ActiveModel {
            id: sea_orm::ActiveValue::Unchanged(entry.id),
            last_used_at: Set(Some(Utc::now())),
            ..Default::default()
        }
        .update(&state.db)
        .await;
        if let Err(err) = update {
            tracing::warn!(%err, "cannot record token use");
        }
        entry.touched = Instant::now();
    }
    state.tokens.put(hash.to_string(), entry);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_is_hex_sha256() {
        assert_eq!(
            hash_token("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn roles_are_ordered() {
        let planner = Caller {
            token_id: 1,
            role: TokenRole::Planner,
        };
        assert!(planner.require(TokenRole::Viewer).is_ok());
        assert!(planner.require(TokenRole::Planner).is_ok());
        assert!(planner.require(TokenRole::Admin).is_err());
    }
}
