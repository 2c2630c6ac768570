//! Signed webhooks (Standard Webhooks 1.0, docs/webhooks.md): secrets, signatures, the address
//! rules that keep endpoints off internal networks, backoff, and the delivery worker that drains the
//! store's outbox (`store::webhooks`).

pub mod delivery;
pub mod ssrf;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chacha20poly1305::aead::OsRng;
use chacha20poly1305::aead::rand_core::RngCore;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The prefix of a Standard Webhooks secret.
pub const SECRET_PREFIX: &str = "whsec_";

/// A new endpoint secret: `whsec_` and the base64 of 32 random bytes.
pub fn generate_secret() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    format!("{SECRET_PREFIX}{}", STANDARD.encode(bytes))
}

/// `v1,<base64 HMAC-SHA256>` of `{id}.{timestamp}.{body}` under the base64-decoded part of `secret`
/// after `whsec_`; `None` for a secret not in that form.
pub fn sign(secret: &str, id: &str, timestamp: i64, body: &[u8]) -> Option<String> {
    let key = STANDARD
        .decode(secret.strip_prefix(SECRET_PREFIX).unwrap_or(secret))
        .ok()?;
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&key).ok()?;
    mac.update(id.as_bytes());
    mac.update(b".");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    Some(format!(
        "v1,{}",
        STANDARD.encode(mac.finalize().into_bytes())
    ))
}

/// The `webhook-signature` header: one `v1,…` per secret, space-separated (the current secret first;
/// during a rotation's overlap the previous one too).
pub fn signature_header(secrets: &[String], id: &str, timestamp: i64, body: &[u8]) -> String {
    secrets
        .iter()
        .filter_map(|s| sign(s, id, timestamp, body))
        .collect::<Vec<_>>()
        .join(" ")
}

/// How long to wait before attempt `attempt + 1` after `attempt` failed: exponential backoff with
/// full jitter, a uniform draw in `[base/2, ceiling]` where the ceiling is `base · 2^(attempt−1)`,
/// at most one hour (the lower half-base bound keeps a retry from following at once).
pub fn backoff(attempt: i64, base: std::time::Duration) -> std::time::Duration {
    const MAX: std::time::Duration = std::time::Duration::from_secs(3600);
    let exponent = u32::try_from(attempt.clamp(1, 40) - 1).unwrap_or(0);
    let ceiling = base
        .checked_mul(2u32.saturating_pow(exponent))
        .unwrap_or(MAX)
        .min(MAX);
    let floor = (base / 2).min(ceiling);
    let span = ceiling.saturating_sub(floor).as_millis() as u64;
    let jitter = if span == 0 {
        0
    } else {
        OsRng.next_u64() % (span + 1)
    };
    floor + std::time::Duration::from_millis(jitter)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example of the Standard Webhooks specification's reference libraries.
    #[test]
    fn signs_like_the_standard_webhooks_reference() {
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        let id = "msg_p5jXN8AQM9LWM0D4loKWxJek";
        let body = br#"{"test": 2432232314}"#;
        assert_eq!(
            sign(secret, id, 1614265330, body).unwrap(),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
        );
    }

    #[test]
    fn secrets_are_whsec_and_32_random_bytes() {
        let a = generate_secret();
        let b = generate_secret();
        assert_ne!(a, b);
        let raw = STANDARD
            .decode(a.strip_prefix(SECRET_PREFIX).unwrap())
            .unwrap();
        assert_eq!(raw.len(), 32);
    }

    #[test]
    fn backoff_grows_and_stays_within_its_bounds() {
        let base = std::time::Duration::from_secs(5);
        for attempt in 1..30 {
            let wait = backoff(attempt, base);
            assert!(wait >= base / 2, "{attempt}: {wait:?}");
            assert!(wait <= std::time::Duration::from_secs(3600));
            let ceiling = base * 2u32.pow((attempt - 1).min(20) as u32);
            assert!(wait <= ceiling, "{attempt}: {wait:?}");
        }
    }
}
