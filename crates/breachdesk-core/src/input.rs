//! Where untyped input comes from: a JSON object (strict types) or an HTML form (all strings).
//! Validation reads fields through [`Input`] so both channels share one set of rules.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::errors::FieldError;

pub trait Input {
    /// A text field; `Ok(None)` when absent, null or blank.
    fn text(&self, name: &str) -> Result<Option<String>, FieldError>;
    /// A yes/no field; `Ok(None)` when absent.
    fn boolean(&self, name: &str) -> Result<Option<bool>, FieldError>;
    /// A non-negative whole number; `Ok(None)` when absent, null or blank.
    fn count(&self, name: &str) -> Result<Option<u64>, FieldError>;
    /// Every field name present, to reject unknown ones.
    fn names(&self) -> Vec<&str>;
    /// Whether unknown fields are an error (JSON) or ignored (forms carry tokens and buttons).
    fn strict(&self) -> bool;
}

fn non_blank(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_owned())
}

/// A JSON object from the API.
#[derive(Debug)]
pub struct JsonInput<'a>(pub &'a serde_json::Map<String, Value>);

impl Input for JsonInput<'_> {
    fn text(&self, name: &str) -> Result<Option<String>, FieldError> {
        match self.0.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(non_blank(s)),
            Some(_) => Err(FieldError::NotText),
        }
    }

    fn boolean(&self, name: &str) -> Result<Option<bool>, FieldError> {
        match self.0.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(_) => Err(FieldError::NotBoolean),
        }
    }

    fn count(&self, name: &str) -> Result<Option<u64>, FieldError> {
        match self.0.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Number(n)) => n.as_u64().map(Some).ok_or(FieldError::NotCount),
            Some(_) => Err(FieldError::NotCount),
        }
    }

    fn names(&self) -> Vec<&str> {
        self.0.keys().map(String::as_str).collect()
    }

    fn strict(&self) -> bool {
        true
    }
}

/// An `application/x-www-form-urlencoded` form.
#[derive(Debug)]
pub struct FormInput<'a>(pub &'a BTreeMap<String, String>);

impl Input for FormInput<'_> {
    fn text(&self, name: &str) -> Result<Option<String>, FieldError> {
        Ok(self.0.get(name).and_then(|s| non_blank(s)))
    }

    fn boolean(&self, name: &str) -> Result<Option<bool>, FieldError> {
        match self.0.get(name).map(|s| s.trim()) {
            None | Some("") => Ok(None),
            Some("on" | "true" | "yes" | "1") => Ok(Some(true)),
            Some("false" | "no" | "0") => Ok(Some(false)),
            Some(_) => Err(FieldError::NotBoolean),
        }
    }

    fn count(&self, name: &str) -> Result<Option<u64>, FieldError> {
        match self.0.get(name).map(|s| s.trim()) {
            None | Some("") => Ok(None),
            Some(s) => s
                .replace([' ', '\u{a0}'], "")
                .parse()
                .map(Some)
                .map_err(|_| FieldError::NotCount),
        }
    }

    fn names(&self) -> Vec<&str> {
        self.0.keys().map(String::as_str).collect()
    }

    fn strict(&self) -> bool {
        false
    }
}
