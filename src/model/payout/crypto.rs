//! Crypto payouts: what a `crypto_asset` label names ([`CryptoAsset`]) and whether an address is
//! well formed for a chain ([`CryptoAddress`]), its checksum included where the format has one.
//! Base58check and bech32/bech32m are the `bs58` and `bech32` crates'; the EVM hex form is a
//! length and a character class.

use std::fmt;

use bech32::primitives::decode::UncheckedHrpstring;
use bech32::{Bech32, Bech32m};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Chain {
    Bitcoin,
    Ethereum,
    Bsc,
    Polygon,
    Arbitrum,
    Optimism,
    Base,
    Tron,
    Solana,
}

impl Chain {
    pub fn name(self) -> &'static str {
        match self {
            Chain::Bitcoin => "Bitcoin",
            Chain::Ethereum => "Ethereum",
            Chain::Bsc => "BNB Smart Chain",
            Chain::Polygon => "Polygon",
            Chain::Arbitrum => "Arbitrum",
            Chain::Optimism => "Optimism",
            Chain::Base => "Base",
            Chain::Tron => "TRON",
            Chain::Solana => "Solana",
        }
    }

    /// How a stablecoin label names the chain (`USDT-TRC20`, `USDC (Solana)`, `USDT on BSC`).
    fn from_label(s: &str) -> Option<Chain> {
        let s = s.strip_prefix("ON").unwrap_or(s);
        Some(match s {
            "TRC20" | "TRON" | "TRX" => Chain::Tron,
            "BEP20" | "BSC" | "BNB" | "BNBCHAIN" | "BNBSMARTCHAIN" | "BINANCESMARTCHAIN" => {
                Chain::Bsc
            }
            "ERC20" | "ETH" | "ETHEREUM" => Chain::Ethereum,
            "POLYGON" | "MATIC" | "POL" => Chain::Polygon,
            "ARBITRUM" | "ARBITRUMONE" | "ARB" => Chain::Arbitrum,
            "OPTIMISM" | "OP" => Chain::Optimism,
            "BASE" => Chain::Base,
            "SOL" | "SOLANA" | "SPL" => Chain::Solana,
            "BTC" | "BITCOIN" | "OMNI" => Chain::Bitcoin,
            _ => return None,
        })
    }

    /// A native coin's chain. Bare `BNB` is left out: it also named the retired Beacon Chain,
    /// whose addresses look different.
    fn of_native(s: &str) -> Option<Chain> {
        Some(match s {
            "BTC" | "XBT" | "BITCOIN" => Chain::Bitcoin,
            "ETH" | "ETHEREUM" => Chain::Ethereum,
            "TRX" | "TRON" => Chain::Tron,
            "SOL" | "SOLANA" => Chain::Solana,
            "MATIC" | "POL" => Chain::Polygon,
            _ => return None,
        })
    }
}

/// Fiat-backed stablecoins, longest symbol first so that `FDUSD` is not read as `USD…`.
const STABLECOINS: &[&str] = &[
    "FDUSD", "PYUSD", "BUSD", "TUSD", "USDT", "USDC", "USDP", "USDD", "EURC", "EURT", "DAI",
];

/// What a `crypto_asset` label names: a fiat-backed stablecoin or a native coin, and the chain.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct CryptoAsset {
    pub stablecoin: Option<&'static str>,
    pub chain: Option<Chain>,
}

impl CryptoAsset {
    /// Reads a `crypto_asset` label: `BTC`, `ETH`, `USDT-TRC20`, `USDT (TRON)`, `TRC20 USDT`,
    /// `usdc_sol`. Every label reads as something: a chain this does not know is `None`, never a
    /// guess.
    pub fn parse(label: &str) -> CryptoAsset {
        let compact: String = label
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_uppercase())
            .collect();
        for &coin in STABLECOINS {
            let rest = if let Some(rest) = compact.strip_prefix(coin) {
                rest
            } else if let Some(rest) = compact.strip_suffix(coin) {
                rest
            } else {
                continue;
            };
            return CryptoAsset {
                stablecoin: Some(coin),
                chain: Chain::from_label(rest),
            };
        }
        CryptoAsset {
            stablecoin: None,
            chain: Chain::of_native(&compact),
        }
    }
}

/// An address well formed for its chain (format, and checksum where the format has one). Only a
/// chain the asset names is held against an address: an address alone proves nothing about the
/// chain. Its `Debug` shows only the chain: addresses are PII here.
#[derive(Clone, PartialEq, Eq)]
pub struct CryptoAddress {
    chain: Chain,
    text: String,
}

impl fmt::Debug for CryptoAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CryptoAddress({})", self.chain.name())
    }
}

/// Why an address is not one of its chain's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum InvalidAddress {
    /// Not the chain's shape: prefix, length, alphabet, network, program size.
    #[error("format")]
    Format,
    /// The chain's shape with a checksum that does not hold: a typo or a changed character.
    #[error("checksum")]
    Checksum,
}

impl InvalidAddress {
    /// The code a signal's evidence gives.
    pub fn code(self) -> &'static str {
        match self {
            InvalidAddress::Format => "format",
            InvalidAddress::Checksum => "checksum",
        }
    }
}

use InvalidAddress::{Checksum, Format};

impl CryptoAddress {
    /// Reads `text` (surrounding spaces ignored) as an address on `chain`.
    pub fn parse(chain: Chain, text: &str) -> Result<CryptoAddress, InvalidAddress> {
        let a = text.trim();
        match chain {
            Chain::Bitcoin => bitcoin(a),
            Chain::Ethereum
            | Chain::Bsc
            | Chain::Polygon
            | Chain::Arbitrum
            | Chain::Optimism
            | Chain::Base => evm(a),
            Chain::Tron => tron(a),
            Chain::Solana => solana(a),
        }?;
        Ok(CryptoAddress {
            chain,
            text: a.to_owned(),
        })
    }

    pub fn chain(&self) -> Chain {
        self.chain
    }
}

/// `0x` and 40 hexadecimal digits. Mixed case would carry an EIP-55 checksum (Keccak-256), which is
/// not verified here: any case passes.
fn evm(a: &str) -> Result<(), InvalidAddress> {
    let hex = a.strip_prefix("0x").or_else(|| a.strip_prefix("0X"));
    match hex {
        Some(h) if h.len() == 40 && h.bytes().all(|b| b.is_ascii_hexdigit()) => Ok(()),
        _ => Err(Format),
    }
}

/// Base58check with version byte 0x41: 34 characters starting `T`.
fn tron(a: &str) -> Result<(), InvalidAddress> {
    if a.len() != 34 || !a.starts_with('T') {
        return Err(Format);
    }
    match base58check(a)? {
        (0x41, 21) => Ok(()),
        _ => Err(Format),
    }
}

/// An ed25519 public key: 32 bytes in base58.
fn solana(a: &str) -> Result<(), InvalidAddress> {
    match bs58::decode(a).into_vec() {
        Ok(bytes) if (32..=44).contains(&a.len()) && bytes.len() == 32 => Ok(()),
        _ => Err(Format),
    }
}

/// Mainnet only: legacy P2PKH (`1…`) and P2SH (`3…`) in base58check, SegWit (`bc1q…`, BIP 173
/// bech32) and Taproot and later (`bc1p…`, BIP 350 bech32m).
fn bitcoin(a: &str) -> Result<(), InvalidAddress> {
    if a.len() >= 4 && a.get(..3).is_some_and(|p| p.eq_ignore_ascii_case("bc1")) {
        return segwit(a);
    }
    if !(a.starts_with('1') || a.starts_with('3')) || !(26..=35).contains(&a.len()) {
        return Err(Format);
    }
    match base58check(a)? {
        (0x00 | 0x05, 21) => Ok(()),
        _ => Err(Format),
    }
}

/// Decodes base58check: (version byte, payload length with the version) when the last four bytes
/// are the first four of the payload's double SHA-256.
fn base58check(s: &str) -> Result<(u8, usize), InvalidAddress> {
    let payload = bs58::decode(s)
        .with_check(None)
        .into_vec()
        .map_err(|e| match e {
            bs58::decode::Error::InvalidChecksum { .. } => Checksum,
            _ => Format,
        })?;
    match payload.first() {
        Some(&version) => Ok((version, payload.len())),
        None => Err(Format),
    }
}

/// A mainnet SegWit address: the `bc` prefix, then the checksum its witness version calls for
/// (bech32 for version 0, bech32m for every later one, BIP 350), then the program's padding and
/// size. A checksum that holds under the other constant is a checksum error, as a typo is.
fn segwit(a: &str) -> Result<(), InvalidAddress> {
    // Mixed case, a character outside the alphabet, no separator, over 90 characters: not bech32.
    if a.len() > 90 {
        return Err(Format);
    }
    let unchecked = UncheckedHrpstring::new(a).map_err(|_| Format)?;
    let data = unchecked.data_part_ascii();
    if unchecked.hrp() != bech32::hrp::BC || data.len() < 6 + 1 {
        return Err(Format);
    }
    let version = bech32::Fe32::from_char(char::from(data[0]))
        .map_err(|_| Format)?
        .to_u8();
    let checked = if unchecked.has_valid_checksum::<Bech32>() {
        (version == 0).then(|| unchecked.remove_checksum::<Bech32>())
    } else if unchecked.has_valid_checksum::<Bech32m>() {
        (version != 0).then(|| unchecked.remove_checksum::<Bech32m>())
    } else {
        None
    }
    .ok_or(Checksum)?;
    if version > 16 {
        return Err(Format);
    }
    checked.validate_segwit().map(drop).map_err(|_| Format)
}

/// A crypto address as it is compared across applications and against lists (the identifier index
/// keys it, the sanctions index looks it up): hex (`0x…`, 40/64-hex) and
/// bech32 (`bc1…`, `ltc1…`, `tb1…`) addresses are case-insensitive and
/// lower-cased; base58 and other formats (BTC legacy, TRON `T…`, XMR) are case-sensitive and kept.
/// Invisible characters are dropped and NFKC applied first ([`crate::model::text::clean`]): a
/// zero-width space inside a listed wallet does not make it another wallet.
pub fn normalise_crypto(address: &str) -> String {
    let cleaned = crate::model::text::clean(address);
    let a = cleaned.trim();
    let lower = a.to_ascii_lowercase();
    let is_hex = |s: &str| !s.is_empty() && s.bytes().all(|c| c.is_ascii_hexdigit());
    if lower.starts_with("0x") && is_hex(&lower[2..]) {
        return lower;
    }
    if is_hex(&lower) && matches!(lower.len(), 40 | 42 | 64) {
        return lower;
    }
    for hrp in ["bc1", "tb1", "ltc1", "bcrt1"] {
        if lower.starts_with(hrp) && (a == lower || a == a.to_ascii_uppercase()) {
            return lower;
        }
    }
    if let Some(rest) = lower.strip_prefix("bitcoincash:") {
        return rest.to_string();
    }
    a.to_string()
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// The reason code an address gets on a chain, as a signal's evidence gives it.
    fn validate(chain: Chain, address: &str) -> Result<(), &'static str> {
        CryptoAddress::parse(chain, address)
            .map(drop)
            .map_err(InvalidAddress::code)
    }

    #[test]
    fn asset_labels_name_their_coin_and_chain() {
        use Chain::*;
        for (label, stablecoin, chain) in [
            ("USDT-TRC20", Some("USDT"), Some(Tron)),
            ("usdt (trc-20)", Some("USDT"), Some(Tron)),
            ("USDT on TRON", Some("USDT"), Some(Tron)),
            ("TRC20 USDT", Some("USDT"), Some(Tron)),
            ("USDC-BEP20", Some("USDC"), Some(Bsc)),
            ("USDT_BSC", Some("USDT"), Some(Bsc)),
            ("USDC (Solana)", Some("USDC"), Some(Solana)),
            ("USDT-ERC20", Some("USDT"), Some(Ethereum)),
            ("FDUSD", Some("FDUSD"), None),
            ("USDT", Some("USDT"), None),
            ("BTC", None, Some(Bitcoin)),
            ("ETH", None, Some(Ethereum)),
            ("TRX", None, Some(Tron)),
            ("BNB", None, None),
            ("XMR", None, None),
            ("USDT-XYZ", Some("USDT"), None),
        ] {
            assert_eq!(
                CryptoAsset::parse(label),
                CryptoAsset { stablecoin, chain },
                "{label}"
            );
        }
    }

    #[test]
    fn published_addresses_validate_and_altered_ones_do_not() {
        use Chain::*;
        let valid = [
            (Bitcoin, "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2"),
            (Bitcoin, "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy"),
            (Bitcoin, "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"),
            (Bitcoin, "BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4"),
            (
                Bitcoin,
                "bc1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3qccfmv3",
            ),
            (
                Bitcoin,
                "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0",
            ),
            (Ethereum, "0x52908400098527886E0F7030069857D2E4169EE7"),
            (Bsc, "0xde709f2102306220921060314715629080e2fb77"),
            (Tron, "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t"),
            (Solana, "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v"),
            (Solana, "So11111111111111111111111111111111111111112"),
        ];
        for (chain, address) in valid {
            assert_eq!(validate(chain, address), Ok(()), "{address}");
        }
        let invalid = [
            (Bitcoin, "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN3", "checksum"),
            (
                Bitcoin,
                "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5",
                "checksum",
            ),
            (
                Bitcoin,
                "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kV8f3t4",
                "format",
            ),
            (
                Bitcoin,
                "tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx",
                "format",
            ),
            // BIP 350: version 1 under the bech32 constant, version 0 under bech32m.
            (
                Bitcoin,
                "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd",
                "checksum",
            ),
            (
                Bitcoin,
                "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh",
                "checksum",
            ),
            // BIP 173: a version 0 program of 16 bytes.
            (Bitcoin, "BC1QR508D6QEJXTDG4Y5R3ZARVARYV98GJ9P", "format"),
            (
                Bitcoin,
                "0x52908400098527886E0F7030069857D2E4169EE7",
                "format",
            ),
            (
                Ethereum,
                "0x52908400098527886E0F7030069857D2E4169EE",
                "format",
            ),
            (
                Ethereum,
                "52908400098527886E0F7030069857D2E4169EE7",
                "format",
            ),
            (
                Ethereum,
                "0x52908400098527886E0F7030069857D2E4169EG7",
                "format",
            ),
            (Tron, "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6u", "checksum"),
            (Tron, "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2", "format"),
            (Tron, "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj60", "format"),
            (Solana, "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyT", "format"),
        ];
        for (chain, address, reason) in invalid {
            assert_eq!(validate(chain, address), Err(reason), "{address}");
        }
    }

    proptest! {
        #[test]
        fn one_changed_character_breaks_a_checksummed_address(
            which in 0usize..4,
            position in 0usize..100,
            replacement in 0usize..58,
        ) {
            let (chain, address, alphabet): (Chain, &str, &[u8]) = match which {
                0 => (Chain::Bitcoin, "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2", b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"),
                1 => (Chain::Tron, "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t", b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"),
                2 => (Chain::Bitcoin, "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4", b"qpzry9x8gf2tvdw0s3jn54khce6mua7l"),
                _ => (Chain::Bitcoin, "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0", b"qpzry9x8gf2tvdw0s3jn54khce6mua7l"),
            };
            // Past the prefix that decides the format (`1`, `T`, `bc1`).
            let skip = if which >= 2 { 3 } else { 1 };
            let i = skip + position % (address.len() - skip);
            let mut bytes = address.as_bytes().to_vec();
            let new = alphabet[replacement % alphabet.len()];
            prop_assume!(bytes[i] != new);
            bytes[i] = new;
            let changed = String::from_utf8(bytes).unwrap();
            prop_assert!(validate(chain, &changed).is_err(), "{}", changed);
        }
    }

    #[test]
    fn bip_350_vectors_read_as_bitcoin_addresses_or_say_why_not() {
        for valid in [
            "BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4",
            "bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kt5nd6y",
            "BC1SW50QGDZ25J",
            "bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs",
        ] {
            assert_eq!(validate(Chain::Bitcoin, valid), Ok(()), "{valid}");
        }
        for (invalid, reason) in [
            // Another network's prefix.
            (
                "tc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq5zuyut",
                "format",
            ),
            // Version 16 under the bech32 constant.
            (
                "BC1S0XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ54WELL",
                "checksum",
            ),
            // A character outside the alphabet in the checksum.
            (
                "bc1p38j9r5y49hruaue7wxjce0updqjuyyx0kh56v8s25huc6995vvpql3jow4",
                "format",
            ),
            // Witness version 17.
            (
                "BC130XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ7ZWS8R",
                "format",
            ),
            // Programs of 1 and 41 bytes.
            ("bc1pw5dgrnzv", "format"),
            (
                "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v8n0nx0muaewav253zgeav",
                "format",
            ),
            // More than 4 bits of padding.
            (
                "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v07qwwzcrf",
                "format",
            ),
            // No data at all.
            ("bc1gmk9yu", "format"),
        ] {
            assert_eq!(validate(Chain::Bitcoin, invalid), Err(reason), "{invalid}");
        }
    }

    #[test]
    fn base58check_tells_a_bad_checksum_from_a_bad_shape() {
        // P2SH with its last character changed: the shape holds, the checksum does not.
        assert_eq!(
            validate(Chain::Bitcoin, "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLz"),
            Err("checksum")
        );
        // `0`, `O`, `I` and `l` are not base58.
        assert_eq!(
            validate(Chain::Bitcoin, "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN0"),
            Err("format")
        );
        assert_eq!(
            validate(Chain::Tron, "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLjOt"),
            Err("format")
        );
        // A valid Bitcoin base58check address is not a TRON one, nor the reverse.
        assert_eq!(
            validate(Chain::Tron, "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy"),
            Err("format")
        );
    }

    #[test]
    fn text_that_is_not_ascii_is_a_format_error_on_every_chain() {
        for chain in [Chain::Bitcoin, Chain::Ethereum, Chain::Tron, Chain::Solana] {
            for text in [
                "éé1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4",
                "bc1é",
                "Tр7NHq",
                "",
            ] {
                assert_eq!(validate(chain, text), Err("format"), "{text}");
            }
        }
    }

    #[test]
    fn a_parsed_address_keeps_its_chain_and_never_prints_itself() {
        let address =
            CryptoAddress::parse(Chain::Tron, " TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t ").unwrap();
        assert_eq!(address.chain(), Chain::Tron);
        assert_eq!(format!("{address:?}"), "CryptoAddress(TRON)");
        assert_eq!(
            CryptoAddress::parse(Chain::Ethereum, "0x1234")
                .unwrap_err()
                .to_string(),
            "format"
        );
    }
}
