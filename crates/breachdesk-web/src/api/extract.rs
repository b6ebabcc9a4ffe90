//! Own extractors, so that every rejection is answered in the API's error format.

use std::cell::RefCell;

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::{StatusCode, header, request::Parts};
use breachdesk_core::user::Principal;
use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

use super::error::ApiError;
use crate::state::AppState;

/// A JSON object body: 415 unless `application/json`, 413 above the body limit, 400 unless it
/// parses to an object, 422 naming the field when an object names a key twice (which parsers
/// resolve differently: the first, the last, an error — so none is guessed).
#[derive(Debug)]
pub struct JsonObject(pub Map<String, Value>);

impl FromRequest<AppState> for JsonObject {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json"));
        if !is_json {
            return Err(ApiError::UnsupportedMediaType);
        }
        let limit = state.0.limits.max_body_bytes;
        let bytes = Bytes::from_request(req, state).await.map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::PayloadTooLarge(limit)
            } else {
                ApiError::MalformedJson("the request body could not be read".into())
            }
        })?;
        let duplicate = RefCell::new(None);
        match parse_without_duplicates(&bytes, &duplicate) {
            Ok(Value::Object(map)) => Ok(Self(map)),
            Ok(_) => Err(ApiError::MalformedJson(
                "the body must be a JSON object".into(),
            )),
            Err(_) if duplicate.borrow().is_some() => Err(ApiError::field(
                &duplicate.take().unwrap_or_default(),
                "Is given more than once; give each field once.",
            )),
            // serde_json's message names line and column, never the input itself.
            Err(e) => Err(ApiError::MalformedJson(format!("malformed JSON: {e}"))),
        }
    }
}

/// Parses like `serde_json::from_slice::<Value>`, but stops at the first object that names a
/// key twice and leaves that key's path (`a.b`, `list[2].c`) in `duplicate`.
fn parse_without_duplicates(
    bytes: &[u8],
    duplicate: &RefCell<Option<String>>,
) -> serde_json::Result<Value> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = Unique {
        path: "",
        duplicate,
    }
    .deserialize(&mut de)?;
    de.end()?;
    Ok(value)
}

/// A JSON value at `path`.
#[derive(Clone, Copy)]
struct Unique<'a> {
    path: &'a str,
    duplicate: &'a RefCell<Option<String>>,
}

impl<'de> DeserializeSeed<'de> for Unique<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Unique<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(v.into())
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(v.into())
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Number::from_f64(v).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut list = Vec::new();
        loop {
            let path = format!("{}[{}]", self.path, list.len());
            let item = Unique {
                path: &path,
                ..self
            };
            match seq.next_element_seed(item)? {
                Some(v) => list.push(v),
                None => return Ok(Value::Array(list)),
            }
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut object = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let path = if self.path.is_empty() {
                key.clone()
            } else {
                format!("{}.{key}", self.path)
            };
            if object.contains_key(&key) {
                *self.duplicate.borrow_mut() = Some(path);
                return Err(serde::de::Error::custom("a key is given more than once"));
            }
            let value = map.next_value_seed(Unique {
                path: &path,
                ..self
            })?;
            object.insert(key, value);
        }
        Ok(Value::Object(object))
    }
}

/// A handler authenticated by `Authorization: Bearer TOKEN` (a token neither revoked nor
/// expired, of an active account), with the token's scope.
#[derive(Debug)]
pub struct Handler(pub Principal, pub breachdesk_core::user::TokenScope);

impl FromRequestParts<AppState> for Handler {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or(ApiError::Unauthorized)?;
        match state.app().api_principal(token).await {
            Ok(Some(holder)) => Ok(Self(holder.principal, holder.scope)),
            Ok(None) => Err(ApiError::Unauthorized),
            Err(e) => Err(e.into()),
        }
    }
}
