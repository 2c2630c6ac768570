//! Reading request bodies as JSON without serde_json's silent last-wins: `{"country":"US",
//! "country":"KP"}` is one field sent twice, and which copy a reader takes differs between parsers
//! (a platform's validator may read the first, we would screen the last). A duplicate member is
//! refused with the pointer to it, and field names that are not plain field names are never
//! repeated back, since a client may put anything (a name, an e-mail) where a key belongs.

use std::cell::RefCell;
use std::fmt;

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

/// Why a body is not one JSON document we read.
#[derive(Debug, thiserror::Error)]
pub enum JsonBodyError {
    #[error("not valid JSON: {0}")]
    Syntax(#[source] serde_json::Error),
    /// The pointer names the member sent more than once (as far as [`pointer_token`] allows).
    #[error("a member is sent twice at {pointer}")]
    DuplicateKey { pointer: String },
}

/// Parses `body` into a [`Value`], refusing any object with the same member twice.
pub fn from_slice_strict(body: &[u8]) -> Result<Value, JsonBodyError> {
    let duplicate = RefCell::new(None);
    let mut reader = serde_json::Deserializer::from_slice(body);
    let parsed = Strict {
        at: None,
        duplicate: &duplicate,
    }
    .deserialize(&mut reader)
    .and_then(|value| reader.end().map(|()| value));
    match (parsed, duplicate.into_inner()) {
        (_, Some(pointer)) => Err(JsonBodyError::DuplicateKey { pointer }),
        (Ok(value), None) => Ok(value),
        (Err(e), None) => Err(JsonBodyError::Syntax(e)),
    }
}

/// The JSON Pointer token for an object member in an error: the name itself when it looks like a
/// field name (ASCII lower case, digits, `_`, at most 64), otherwise `None`: the caller points at
/// the parent object and says a member there is wrong without repeating it.
pub fn pointer_token(key: &str) -> Option<&str> {
    let plain = !key.is_empty()
        && key.len() <= 64
        && key
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    plain.then_some(key)
}

/// A member name as a JSON Pointer token (RFC 6901: `~` → `~0`, `/` → `~1`).
pub fn escape_token(name: &str) -> String {
    name.replace('~', "~0").replace('/', "~1")
}

/// A JSON Pointer token as the member name it stands for.
pub fn unescape_token(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

/// The pointer to member `key` of the object at `parent`, or to `parent` itself when the name is not
/// to be repeated ([`pointer_token`]).
pub fn member_pointer(parent: &str, key: &str) -> String {
    match pointer_token(key) {
        Some(token) => format!("{parent}/{token}"),
        None => parent.to_owned(),
    }
}

/// Where a value sits, as a chain to the root; written out only when a duplicate is found.
struct Step<'a> {
    parent: Option<&'a Step<'a>>,
    token: Token<'a>,
}

enum Token<'a> {
    Member(&'a str),
    Index(usize),
}

fn pointer_of(step: Option<&Step<'_>>) -> String {
    let mut tokens = Vec::new();
    let mut at = step;
    while let Some(step) = at {
        match step.token {
            Token::Member(key) => match pointer_token(key) {
                // A plain name: nothing in it to escape.
                Some(k) => tokens.push(k.to_owned()),
                // An unrepeatable name: the pointer stops at its object.
                None => tokens.clear(),
            },
            Token::Index(i) => tokens.push(i.to_string()),
        }
        at = step.parent;
    }
    tokens.into_iter().rev().fold(String::new(), |mut p, t| {
        p.push('/');
        p.push_str(&t);
        p
    })
}

#[derive(Clone, Copy)]
struct Strict<'a> {
    at: Option<&'a Step<'a>>,
    duplicate: &'a RefCell<Option<String>>,
}

impl<'de> DeserializeSeed<'de> for Strict<'_> {
    type Value = Value;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Strict<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
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
        let mut items = Vec::new();
        loop {
            let step = Step {
                parent: self.at,
                token: Token::Index(items.len()),
            };
            let seed = Strict {
                at: Some(&step),
                duplicate: self.duplicate,
            };
            match seq.next_element_seed(seed)? {
                Some(item) => items.push(item),
                None => return Ok(Value::Array(items)),
            }
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut members = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let value = {
                let step = Step {
                    parent: self.at,
                    token: Token::Member(&key),
                };
                if members.contains_key(&key) {
                    *self.duplicate.borrow_mut() = Some(pointer_of(Some(&step)));
                    return Err(de::Error::custom("duplicate member"));
                }
                map.next_value_seed(Strict {
                    at: Some(&step),
                    duplicate: self.duplicate,
                })?
            };
            members.insert(key, value);
        }
        Ok(Value::Object(members))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn duplicate_at(body: &str) -> Option<String> {
        match from_slice_strict(body.as_bytes()) {
            Err(JsonBodyError::DuplicateKey { pointer }) => Some(pointer),
            _ => None,
        }
    }

    #[test]
    fn reads_what_serde_json_reads() {
        let body = r#"{"a":[1,-2,3.5,"x",null,true,{"b":{}}],"c":"\u00e9"}"#;
        let strict = from_slice_strict(body.as_bytes()).unwrap();
        let lax: Value = serde_json::from_str(body).unwrap();
        assert_eq!(strict, lax);
    }

    #[test]
    fn a_member_sent_twice_is_refused_with_its_pointer() {
        assert_eq!(
            duplicate_at(r#"{"applicant":{"residence":{"country":"US","country":"KP"}}}"#),
            Some("/applicant/residence/country".into())
        );
        assert_eq!(
            duplicate_at(r#"{"sessions":[{"ip":"1.1.1.1"},{"ip":"1.1.1.1","ip":"2.2.2.2"}]}"#),
            Some("/sessions/1/ip".into())
        );
        // The same name in different objects is not a duplicate.
        assert_eq!(duplicate_at(r#"{"a":{"x":1},"b":{"x":1}}"#), None);
    }

    #[test]
    fn a_duplicate_name_that_is_not_a_field_name_is_not_repeated() {
        assert_eq!(
            duplicate_at(r#"{"applicant":{"Kenji Tanaka":1,"Kenji Tanaka":2}}"#),
            Some("/applicant".into())
        );
    }

    #[test]
    fn trailing_garbage_and_bad_syntax_are_syntax_errors() {
        for body in [r#"{"a":1} x"#, r#"{"a":"#, "", "[1,]"] {
            assert!(
                matches!(
                    from_slice_strict(body.as_bytes()),
                    Err(JsonBodyError::Syntax(_))
                ),
                "{body}"
            );
        }
    }
}
