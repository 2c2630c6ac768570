//! The application contract as a JSON Schema, and checking a body against it.
//!
//! The constraints are written once, on the wire types in [`super::application`] (lengths,
//! patterns, formats, item counts); the schema utoipa derives from them is both what
//! `/openapi.json` publishes and what every body is checked with here, so the published contract
//! and the service cannot drift apart. A body is checked whole: every offending field is reported,
//! one item each, and no detail repeats what was sent (a wrong value may be someone's name).
//!
//! `null` for an optional field reads as the field being absent; the published types say so
//! (`["string", "null"]`).

use std::collections::BTreeMap;
use std::sync::OnceLock;

use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::{JsonType, ValidationError};
use serde_json::Value;
use utoipa::openapi::schema::{
    AnyOfBuilder, ArrayBuilder, KnownFormat, ObjectBuilder, Schema, SchemaFormat, Type,
};
use utoipa::{PartialSchema, ToSchema};

use super::application::{ApplicationDto, FieldError};
use super::json::{escape_token, pointer_token, unescape_token};

fn strings(max_items: usize, max_length: usize) -> Schema {
    ArrayBuilder::new()
        .items(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .max_length(Some(max_length)),
        )
        .max_items(Some(max_items))
        .into()
}

pub(super) fn other_names() -> Schema {
    strings(20, 300)
}

pub(super) fn profile_urls() -> Schema {
    strings(20, 500)
}

pub(super) fn keyboard_layouts() -> Schema {
    strings(20, 40)
}

pub(super) fn remote_access_tools() -> Schema {
    strings(20, 60)
}

/// 2 lines (TD3, TD2) or 3 (TD1), each at most 44 characters.
pub(super) fn mrz_lines() -> Schema {
    ArrayBuilder::new()
        .items(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .max_length(Some(44)),
        )
        .min_items(Some(2))
        .max_items(Some(3))
        .into()
}

/// An IPv4 or IPv6 literal.
pub(super) fn ip_literal() -> Schema {
    let format = |f| {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::KnownFormat(f)))
    };
    AnyOfBuilder::new()
        .schema_type(Type::String)
        .description(Some("IPv4 or IPv6 literal"))
        .item(format(KnownFormat::Ipv4))
        .item(format(KnownFormat::Ipv6))
        .into()
}

/// The application schema with its components, as one JSON Schema document (2020-12): what
/// `/openapi.json` publishes under `components/schemas`.
pub fn application_schema() -> Value {
    let mut components = Vec::new();
    <ApplicationDto as ToSchema>::schemas(&mut components);
    let mut schemas = serde_json::Map::new();
    schemas.insert(
        ApplicationDto::name().into_owned(),
        serde_json::to_value(<ApplicationDto as PartialSchema>::schema())
            .expect("a schema serialises"),
    );
    for (name, schema) in components {
        schemas.insert(
            name,
            serde_json::to_value(schema).expect("a schema serialises"),
        );
    }
    serde_json::json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$ref": format!("#/components/schemas/{}", ApplicationDto::name()),
        "components": { "schemas": schemas },
    })
}

fn validator() -> &'static jsonschema::Validator {
    static VALIDATOR: OnceLock<jsonschema::Validator> = OnceLock::new();
    VALIDATOR.get_or_init(|| {
        jsonschema::options()
            .with_draft(jsonschema::Draft::Draft202012)
            .should_validate_formats(true)
            .build(application_schema_compiled())
            .expect("the derived application schema compiles")
    })
}

/// How a body breaks the contract: one item per field, sorted by pointer, and how to set the
/// offending values aside so that the meaning of the rest can still be checked.
pub struct Violations {
    pub errors: Vec<FieldError>,
    set_aside: Vec<SetAside>,
}

enum SetAside {
    /// A member the contract does not define.
    Remove { object: String, member: String },
    /// A value of the wrong shape, or a required one missing: replaced by the simplest value of
    /// the right type, whose meaning is then not reported (the contract's word stands).
    Replace { pointer: String },
}

/// Checks `value` against the contract.
pub fn check(value: &Value) -> Violations {
    let mut by_pointer: BTreeMap<String, String> = BTreeMap::new();
    let mut set_aside = Vec::new();
    for error in validator().iter_errors(value) {
        leaves(&error, &mut |at, kind| {
            match kind {
                ValidationErrorKind::AdditionalProperties { unexpected } => {
                    set_aside.extend(unexpected.iter().map(|member| SetAside::Remove {
                        object: at.to_owned(),
                        member: member.clone(),
                    }))
                }
                ValidationErrorKind::Required { property } => set_aside.push(SetAside::Replace {
                    pointer: format!(
                        "{at}/{}",
                        escape_token(property.as_str().unwrap_or_default())
                    ),
                }),
                _ => set_aside.push(SetAside::Replace {
                    pointer: at.to_owned(),
                }),
            }
            for (pointer, detail) in describe(at, kind) {
                by_pointer.entry(pointer).or_insert(detail);
            }
        });
    }
    Violations {
        errors: by_pointer
            .into_iter()
            .map(|(pointer, detail)| FieldError { pointer, detail })
            .collect(),
        set_aside,
    }
}

impl Violations {
    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    /// `value` with the offending values set aside, in the contract's shape; `None` when no value
    /// of the right shape can stand in (the root itself is wrong).
    pub fn set_aside(&self, value: &Value) -> Option<Value> {
        let schema = application_schema_compiled();
        let mut rest = value.clone();
        for fix in &self.set_aside {
            match fix {
                SetAside::Remove { object, member } => {
                    if let Some(object) = rest.pointer_mut(object).and_then(Value::as_object_mut) {
                        object.remove(member);
                    }
                }
                SetAside::Replace { pointer } => {
                    let (parent, token) = pointer.rsplit_once('/')?;
                    let stand_in = stand_in(schema, node_at(schema, pointer)?, 0)?;
                    match rest.pointer_mut(parent)? {
                        Value::Object(members) => {
                            members.insert(unescape_token(token), stand_in);
                        }
                        Value::Array(items) => {
                            *items.get_mut(token.parse::<usize>().ok()?)? = stand_in
                        }
                        _ => return None,
                    }
                }
            }
        }
        Some(rest)
    }

    /// Whether `pointer` is at or below a value the contract refused and [`Self::set_aside`] stood
    /// in for (its meaning is not reported again).
    pub fn covers(&self, pointer: &str) -> bool {
        self.set_aside.iter().any(|fix| match fix {
            SetAside::Replace { pointer: refused } => {
                pointer == refused
                    || pointer
                        .strip_prefix(refused.as_str())
                        .is_some_and(|rest| rest.starts_with('/'))
            }
            SetAside::Remove { .. } => false,
        })
    }
}

fn application_schema_compiled() -> &'static Value {
    static SCHEMA: OnceLock<Value> = OnceLock::new();
    SCHEMA.get_or_init(application_schema)
}

/// A schema node with `$ref`s followed and an optional value's `null` alternative dropped.
fn concrete<'a>(schema: &'a Value, node: &'a Value) -> Option<&'a Value> {
    if let Some(reference) = node["$ref"].as_str() {
        return concrete(schema, schema.pointer(reference.strip_prefix('#')?)?);
    }
    for combinator in ["oneOf", "anyOf"] {
        if let Some(branches) = node[combinator].as_array()
            && branches.iter().any(|b| b["type"] == "null")
        {
            return concrete(schema, branches.iter().find(|b| b["type"] != "null")?);
        }
    }
    Some(node)
}

/// The schema node a JSON Pointer into an application reaches.
fn node_at<'a>(schema: &'a Value, pointer: &str) -> Option<&'a Value> {
    let mut node = concrete(schema, schema)?;
    for token in pointer.split('/').skip(1) {
        let child = match node["properties"].get(unescape_token(token)) {
            Some(property) => property,
            None if token.parse::<usize>().is_ok() => &node["items"],
            None => return None,
        };
        node = concrete(schema, child)?;
    }
    Some(node)
}

/// The simplest value a node's type takes: the first of an enumeration, an empty string, zero,
/// an object of its required members.
fn stand_in(schema: &Value, node: &Value, depth: usize) -> Option<Value> {
    if let Some(first) = node["enum"]
        .as_array()
        .and_then(|o| o.iter().find(|v| !v.is_null()))
    {
        return Some(first.clone());
    }
    let kind = match &node["type"] {
        Value::String(t) => t.as_str(),
        Value::Array(types) => types
            .iter()
            .filter_map(Value::as_str)
            .find(|t| *t != "null")?,
        _ => return None,
    };
    Some(match kind {
        "string" => Value::String(String::new()),
        "integer" | "number" => Value::from(0),
        "boolean" => Value::Bool(false),
        "array" => Value::Array(Vec::new()),
        "object" if depth < 4 => {
            let mut members = serde_json::Map::new();
            for name in node["required"].as_array().into_iter().flatten() {
                let name = name.as_str()?;
                let child = concrete(schema, &node["properties"][name])?;
                members.insert(name.to_owned(), stand_in(schema, child, depth + 1)?);
            }
            Value::Object(members)
        }
        _ => return None,
    })
}

/// The errors to report for one validation error: an optional member is published as "`null`
/// or the member's schema", and when it is neither, what is wrong is what its schema says, not
/// that it is not `null`.
fn leaves(error: &ValidationError<'_>, report: &mut dyn FnMut(&str, &ValidationErrorKind)) {
    let is_not_null = |branch: &Vec<ValidationError<'_>>| {
        matches!(branch.as_slice(), [only] if matches!(
            only.kind(),
            ValidationErrorKind::Type { kind: TypeKind::Single(JsonType::Null) }
        ))
    };
    match error.kind() {
        ValidationErrorKind::OneOfNotValid { context } | ValidationErrorKind::AnyOf { context }
            if context.iter().any(is_not_null) =>
        {
            for branch in context.iter().filter(|b| !is_not_null(b)) {
                for inner in branch {
                    leaves(inner, report);
                }
            }
        }
        kind => report(error.instance_path().as_str(), kind),
    }
}

/// What is wrong, in words that never repeat the value.
fn describe(at: &str, kind: &ValidationErrorKind) -> Vec<(String, String)> {
    let one = |detail: String| vec![(at.to_owned(), detail)];
    match kind {
        ValidationErrorKind::Required { property } => {
            let name = property.as_str().unwrap_or_default();
            vec![(format!("{at}/{name}"), "this field is required".to_owned())]
        }
        ValidationErrorKind::AdditionalProperties { unexpected } => unexpected
            .iter()
            .map(|name| match pointer_token(name) {
                Some(token) => (
                    format!("{at}/{token}"),
                    "unknown field (the contract rejects fields it does not define)".to_owned(),
                ),
                None => (
                    at.to_owned(),
                    "has a member the contract does not define (its name is not repeated here)"
                        .to_owned(),
                ),
            })
            .collect(),
        ValidationErrorKind::Type { kind } => one(format!("must be {}", type_words(kind))),
        ValidationErrorKind::MinLength { limit } => {
            one(format!("must be at least {limit} character(s)"))
        }
        ValidationErrorKind::MaxLength { limit } => {
            one(format!("must be at most {limit} characters"))
        }
        ValidationErrorKind::MinItems { limit } => one(format!("must have at least {limit} items")),
        ValidationErrorKind::MaxItems { limit } => one(format!("must have at most {limit} items")),
        ValidationErrorKind::Minimum { limit } => one(format!("must be at least {limit}")),
        ValidationErrorKind::Maximum { limit } => one(format!("must be at most {limit}")),
        ValidationErrorKind::Pattern { pattern } => one(pattern_words(pattern)),
        ValidationErrorKind::Format { format } => one(format_words(format)),
        ValidationErrorKind::AnyOf { .. } => {
            one("must be an IPv4 or IPv6 address literal".to_owned())
        }
        ValidationErrorKind::Enum { options } => {
            let names: Vec<String> = options
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect();
            one(format!("must be one of: {}", names.join(", ")))
        }
        _ => one("does not match the contract".to_owned()),
    }
}

fn type_words(kind: &TypeKind) -> String {
    let name = |t: &JsonType| match t.to_string().as_str() {
        "object" => "an object".to_owned(),
        "array" => "an array".to_owned(),
        "integer" => "an integer".to_owned(),
        other => format!("a {other}"),
    };
    match kind {
        TypeKind::Single(t) => name(t),
        TypeKind::Multiple(types) => {
            let words: Vec<String> = types
                .iter()
                .filter(|t| t.to_string() != "null")
                .map(|t| name(&t))
                .collect();
            words.join(" or ")
        }
    }
}

fn pattern_words(pattern: &str) -> String {
    match pattern {
        "^[A-Z]{2}$" => "must be an ISO 3166-1 alpha-2 country code in upper case, e.g. US".into(),
        "^([A-Z]{2,3}|D)$" => {
            "must be an ISO 3166-1 alpha-2 or alpha-3 code or an ICAO 9303 code (D, GBD, UNO, XXA…)"
                .into()
        }
        "^[0-9a-f]{64}$" => "must be 64 lower-case hexadecimal digits".into(),
        "^[0-9a-f]{16}$" => "must be 16 lower-case hexadecimal digits".into(),
        other => format!("must match {other}"),
    }
}

fn format_words(format: &str) -> String {
    match format {
        "date" => "must be a calendar date in the form YYYY-MM-DD".into(),
        "date-time" => "must be an RFC 3339 date-time, e.g. 2026-11-20T15:04:05Z".into(),
        "ipv4" | "ipv6" => "must be an IPv4 or IPv6 address literal".into(),
        other => format!("must be in the {other} format"),
    }
}
