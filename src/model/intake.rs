//! An application as it arrives, whoever sends it (the API, `vetgate screen`, `vetgate-dev
//! generate`): parsed, checked against the contract, with its canonical JSON.

use sha2::{Digest, Sha256};

use super::application::{Application, FieldError, ParseError};
use super::json::JsonBodyError;

/// A parsed application and its canonical JSON: the keys sorted (serde_json's map keeps them in
/// order), so the same document is the same bytes however it was spaced. The canonical bytes are
/// what is stored and what an Idempotency-Key's request hash covers.
pub struct Intake {
    pub application: Application,
    pub canonical_json: Vec<u8>,
}

#[derive(Debug, thiserror::Error)]
pub enum IntakeError {
    #[error("not valid JSON: {0}")]
    NotJson(#[source] serde_json::Error),
    /// One item per offending field.
    #[error("invalid application: {}", describe(.0))]
    Invalid(Vec<FieldError>),
}

fn describe(errors: &[FieldError]) -> String {
    errors
        .iter()
        .map(|f| format!("{} {}", f.pointer, f.detail))
        .collect::<Vec<_>>()
        .join("; ")
}

impl Intake {
    /// A member sent twice is refused like any other offending field.
    pub fn from_json(body: &[u8]) -> Result<Intake, IntakeError> {
        let value = super::json::from_slice_strict(body).map_err(|e| match e {
            JsonBodyError::Syntax(e) => IntakeError::NotJson(e),
            JsonBodyError::DuplicateKey { pointer } => {
                IntakeError::Invalid(vec![FieldError::duplicate(pointer)])
            }
        })?;
        Intake::from_value(&value)
    }

    pub fn from_value(value: &serde_json::Value) -> Result<Intake, IntakeError> {
        let application = Application::from_value(value).map_err(|e| match e {
            ParseError::Fields(errors) => IntakeError::Invalid(errors),
            ParseError::Syntax(detail) => IntakeError::Invalid(vec![FieldError {
                pointer: String::new(),
                detail,
            }]),
        })?;
        let canonical_json = serde_json::to_vec(value).expect("a parsed value serialises");
        Ok(Intake {
            application,
            canonical_json,
        })
    }

    /// SHA-256 of the canonical JSON.
    pub fn sha256(&self) -> [u8; 32] {
        Sha256::digest(&self.canonical_json).into()
    }
}
