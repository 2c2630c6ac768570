//! PII protection: keyed hashes for identifiers that only need equality, and authenticated encryption
//! for what is stored as received. Both keys derive from the one operator secret `VETGATE_PII_KEY`.
//!
//! Rotation: with `VETGATE_PII_KEY_PREVIOUS` set, what was sealed with the previous secret still
//! opens (AEAD tags make trying both keys safe), everything new is sealed and hashed with the
//! current one, and a background job re-seals the stored rows and re-derives the index
//! (docs/privacy.md, "Rotating the PII key").

use std::fmt;

use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

const NONCE_LEN: usize = 24;

#[derive(Debug, thiserror::Error)]
pub enum CryptoError {
    #[error("the PII key must be at least 32 bytes, given as 64+ hex digits or base64")]
    WeakKey,
    #[error("stored data could not be decrypted: wrong VETGATE_PII_KEY or corrupted row")]
    Decrypt,
}

/// Keys derived from `VETGATE_PII_KEY`, and during a rotation from the previous secret too. Debug
/// never shows them.
#[derive(Clone)]
pub struct PiiKeys {
    index_key: [u8; 32],
    cipher: XChaCha20Poly1305,
    /// The previous secret's keys: opens what it sealed; never seals or hashes.
    previous: Option<Box<PiiKeys>>,
}

impl fmt::Debug for PiiKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PiiKeys(<redacted>)")
    }
}

impl PiiKeys {
    /// Accepts the key as hex or base64 text of at least 32 bytes.
    pub fn from_secret(secret: &str) -> Result<PiiKeys, CryptoError> {
        use base64::Engine;
        let secret = secret.trim();
        let raw = hex::decode(secret)
            .ok()
            .or_else(|| {
                base64::engine::general_purpose::STANDARD
                    .decode(secret)
                    .ok()
            })
            .filter(|k| k.len() >= 32)
            .ok_or(CryptoError::WeakKey)?;
        let derive = |label: &[u8]| -> [u8; 32] {
            let mut mac =
                <HmacSha256 as Mac>::new_from_slice(&raw).expect("HMAC takes any key length");
            mac.update(label);
            mac.finalize().into_bytes().into()
        };
        let index_key = derive(b"vetgate/v1/index");
        let cipher = XChaCha20Poly1305::new(&derive(b"vetgate/v1/encrypt").into());
        Ok(PiiKeys {
            index_key,
            cipher,
            previous: None,
        })
    }

    /// These keys, also opening what `previous` sealed (a rotation in progress).
    pub fn with_previous(mut self, previous: PiiKeys) -> PiiKeys {
        self.previous = Some(Box::new(PiiKeys {
            previous: None,
            ..previous
        }));
        self
    }

    /// Whether a previous key is configured.
    pub fn rotating(&self) -> bool {
        self.previous.is_some()
    }

    /// The previous key's keys alone, during a rotation: the index keys rows not yet rebuilt
    /// carry are derived with them.
    pub fn previous(&self) -> Option<&PiiKeys> {
        self.previous.as_deref()
    }

    /// A short public name of the index key (not a secret: an HMAC of a fixed label), recorded with
    /// the index so that a store indexed under another key is re-indexed.
    pub fn index_fingerprint(&self) -> String {
        hex::encode(&self.index_hash("fingerprint", b"vetgate index key")[..8])
    }

    /// The previous key's fingerprint, during a rotation.
    pub fn previous_index_fingerprint(&self) -> Option<String> {
        self.previous.as_ref().map(|p| p.index_fingerprint())
    }

    /// A new random secret in the accepted text form.
    pub fn generate_secret() -> String {
        hex::encode(XChaCha20Poly1305::generate_key(&mut OsRng))
    }

    /// Keyed hash of an identifier, domain-separated by `kind` so equal strings of different kinds
    /// never collide. Every instance sharing `VETGATE_PII_KEY` computes the same hash.
    pub fn index_hash(&self, kind: &str, value: &[u8]) -> [u8; 32] {
        let mut mac = <HmacSha256 as Mac>::new_from_slice(&self.index_key)
            .expect("HMAC takes any key length");
        mac.update(kind.as_bytes());
        mac.update(&[0]);
        mac.update(value);
        mac.finalize().into_bytes().into()
    }

    /// nonce ‖ ciphertext ‖ tag
    pub fn seal(&self, plaintext: &[u8]) -> Vec<u8> {
        let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
        let mut out = nonce.to_vec();
        out.extend(
            self.cipher
                .encrypt(&nonce, plaintext)
                .expect("encryption cannot fail for in-memory data"),
        );
        out
    }

    /// Opens what the current key, or during a rotation the previous one, sealed.
    pub fn open(&self, sealed: &[u8]) -> Result<Vec<u8>, CryptoError> {
        self.open_current(sealed).or_else(|e| match &self.previous {
            Some(previous) => previous.open_current(sealed),
            None => Err(e),
        })
    }

    /// Opens what the current key sealed, and nothing else.
    pub fn open_current(&self, sealed: &[u8]) -> Result<Vec<u8>, CryptoError> {
        if sealed.len() < NONCE_LEN {
            return Err(CryptoError::Decrypt);
        }
        let (nonce, ciphertext) = sealed.split_at(NONCE_LEN);
        self.cipher
            .decrypt(XNonce::from_slice(nonce), ciphertext)
            .map_err(|_| CryptoError::Decrypt)
    }

    /// `sealed` sealed anew with the current key when the previous one sealed it; `None` when the
    /// current key already did. An error when neither opens it.
    pub fn reseal(&self, sealed: &[u8]) -> Result<Option<Vec<u8>>, CryptoError> {
        if self.open_current(sealed).is_ok() {
            return Ok(None);
        }
        let plain = match &self.previous {
            Some(previous) => previous.open_current(sealed)?,
            None => return Err(CryptoError::Decrypt),
        };
        Ok(Some(self.seal(&plain)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_data_opens_only_with_the_same_key() {
        let keys = PiiKeys::from_secret(&PiiKeys::generate_secret()).unwrap();
        let sealed = keys.seal(b"C03005988");
        assert!(
            !sealed.windows(9).any(|w| w == b"C03005988"),
            "no plaintext in the sealed bytes"
        );
        assert_eq!(keys.open(&sealed).unwrap(), b"C03005988");
        let other = PiiKeys::from_secret(&PiiKeys::generate_secret()).unwrap();
        assert!(other.open(&sealed).is_err());
        let mut tampered = sealed.clone();
        *tampered.last_mut().unwrap() ^= 1;
        assert!(keys.open(&tampered).is_err());
        assert!(keys.open(b"short").is_err());
    }

    #[test]
    fn index_hashes_are_stable_keyed_and_separated_by_kind() {
        let secret = "00".repeat(32);
        let a = PiiKeys::from_secret(&secret).unwrap();
        let b = PiiKeys::from_secret(&secret).unwrap();
        assert_eq!(a.index_hash("doc", b"X1"), b.index_hash("doc", b"X1"));
        assert_ne!(a.index_hash("doc", b"X1"), a.index_hash("iban", b"X1"));
        let c = PiiKeys::from_secret(&"11".repeat(32)).unwrap();
        assert_ne!(a.index_hash("doc", b"X1"), c.index_hash("doc", b"X1"));
    }

    #[test]
    fn during_a_rotation_old_seals_open_and_reseal_under_the_new_key() {
        let old = PiiKeys::from_secret(&"01".repeat(32)).unwrap();
        let sealed_old = old.seal(b"P1234567");
        let new = PiiKeys::from_secret(&"02".repeat(32)).unwrap();
        assert!(
            new.open(&sealed_old).is_err(),
            "the new key alone cannot read it"
        );
        let rotating = new.clone().with_previous(old.clone());
        assert!(rotating.rotating());
        assert_eq!(rotating.open(&sealed_old).unwrap(), b"P1234567");
        let resealed = rotating.reseal(&sealed_old).unwrap().expect("resealed");
        assert_eq!(new.open(&resealed).unwrap(), b"P1234567");
        assert!(old.open(&resealed).is_err());
        assert_eq!(rotating.reseal(&resealed).unwrap(), None, "already current");
        let stranger = PiiKeys::from_secret(&"03".repeat(32)).unwrap().seal(b"x");
        assert!(rotating.reseal(&stranger).is_err());
        // Hashes and fingerprints follow the current key only.
        assert_eq!(
            rotating.index_hash("doc", b"X"),
            new.index_hash("doc", b"X")
        );
        assert_eq!(rotating.index_fingerprint(), new.index_fingerprint());
        assert_eq!(
            rotating.previous_index_fingerprint(),
            Some(old.index_fingerprint())
        );
        assert_ne!(old.index_fingerprint(), new.index_fingerprint());
    }

    #[test]
    fn short_keys_are_refused() {
        assert!(matches!(
            PiiKeys::from_secret("abcd"),
            Err(CryptoError::WeakKey)
        ));
        assert!(matches!(
            PiiKeys::from_secret(&"ab".repeat(16)),
            Err(CryptoError::WeakKey)
        ));
    }
}
