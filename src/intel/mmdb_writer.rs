//! Writer for MaxMind DB (`.mmdb`) files, binary format version 2.0.
//!
//! Format reference: <https://maxmind.github.io/MaxMind-DB/>. The output is
//! read by the `maxminddb` crate (and libmaxminddb and MaxMind's other
//! readers).
//!
//! # Model
//!
//! A [`Writer`] holds a binary trie of networks (a `Vec` node arena, 8 bytes
//! per node) and a table of distinct [`Value`]s. Nothing is serialised until
//! [`Writer::write_to`], [`Writer::to_bytes`] or
//! [`Writer::write_file_atomically`] is called, and those can be called any
//! number of times; the writer is left unchanged.
//!
//! # Overlapping networks: the last insert wins, address by address
//!
//! Every insert assigns its value to *all* addresses of its network,
//! replacing whatever earlier inserts said about those addresses; addresses
//! outside the network keep their earlier data. Consequently:
//!
//! * `10.0.0.0/8 = A` then `10.1.0.0/16 = B`: `10.1.x.x` is `B`, the rest of
//!   `10/8` stays `A` (the `/8` is split around the `/16`).
//! * `10.1.0.0/16 = B` then `10.0.0.0/8 = A`: everything in `10/8` is `A`; the
//!   earlier, more specific `/16` is overwritten (its nodes are recycled).
//!
//! Insert general networks first and exceptions after them when you want the
//! more specific data to prevail.
//!
//! Like MaxMind's writers, the tree is kept minimal: two sibling networks
//! holding identical values are merged into their parent (`10.0.0.0/9 = A`
//! plus `10.128.0.0/9 = A` is stored as `10.0.0.0/8 = A`), and inserting a
//! value into a network that already holds exactly that value changes
//! nothing. The prefix length the reader reports is therefore that of the
//! largest aligned network holding the same value, which may be shorter than
//! the inserted one; the data is always the inserted data. The file depends
//! only on which address ends up with which value, not on insertion history.
//!
//! # IPv4 in IPv6 databases
//!
//! * IPv4 networks go to the IPv4-compatible block `::a.b.c.d/(96 + len)`,
//!   where the reader looks for IPv4 addresses (it walks 96 zero bits from
//!   the root to find the IPv4 subtree).
//! * Like MaxMind's own databases, the IPv4-mapped block `::ffff:0:0/96` and
//!   the 6to4 block `2002::/16` are *aliases*: their records point at the
//!   very node that holds `::/96`, so `::ffff:1.2.3.4` and
//!   `2002:102:304::` resolve exactly like `1.2.3.4` (the reader's network
//!   iterator skips the aliases because they point at its IPv4 start node).
//!   Aliases are laid when the file is written, replacing whatever broader
//!   IPv6 inserts (such as `::/0`) put there.
//! * With aliases on (the default), an IPv6 network inside `::ffff:0:0/96` is
//!   stored as the IPv4 network it maps (`::ffff:1.2.3.0/120` becomes
//!   `1.2.3.0/24`), as is one inside `2002::/16` no longer than `/48`
//!   (`2002:102:300::/40` becomes `1.2.3.0/24`); a 6to4 network longer than
//!   `/48` has no IPv4 equivalent and is rejected with
//!   [`WriteError::AliasedNetwork`]. [`Writer::ipv4_aliases`]`(false)`
//!   disables all of this and stores IPv6 networks as given.
//! * In an IPv4 database, IPv4-mapped IPv6 networks (`::ffff:0:0/96` and
//!   longer) are stored as IPv4; any other IPv6 network is an error.
//!
//! # Data section
//!
//! Values are deduplicated: identical values (compared by their encoding, so
//! `U16(1)` and `U32(1)` differ) are stored once. When the file is written,
//! every repeated part of a value (map keys, strings, sub-maps, arrays, wide
//! numbers) is written once and referenced with a pointer wherever the
//! pointer is shorter than the encoding. Only values still reachable from
//! the tree are written. Output bytes depend only on the tree's contents,
//! the values and the metadata, so equal inputs give byte-identical files.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::fs;
use std::io::{self, Write};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// Largest payload size (bytes, elements or pairs) a control byte can express.
pub const MAX_PAYLOAD_SIZE: usize = 65_821 + 0xFF_FFFF;

/// Deepest nesting of maps and arrays accepted in a value (readers limit
/// nesting too: the `maxminddb` crate skips at most 128 levels).
pub const MAX_VALUE_DEPTH: usize = 64;

/// Largest metadata section (including its marker) readers will find.
const MAX_METADATA_LEN: usize = 128 * 1024;

const METADATA_MARKER: &[u8; 14] = b"\xAB\xCD\xEFMaxMind.com";
const DATA_SECTION_SEPARATOR: [u8; 16] = [0; 16];

// Data type numbers from the spec.
const TYPE_POINTER: u8 = 1;
const TYPE_STRING: u8 = 2;
const TYPE_DOUBLE: u8 = 3;
const TYPE_BYTES: u8 = 4;
const TYPE_U16: u8 = 5;
const TYPE_U32: u8 = 6;
const TYPE_MAP: u8 = 7;
const TYPE_I32: u8 = 8;
const TYPE_U64: u8 = 9;
const TYPE_U128: u8 = 10;
const TYPE_ARRAY: u8 = 11;
const TYPE_BOOL: u8 = 14;
const TYPE_FLOAT: u8 = 15;

/// Errors from building or writing a database. Bad input never panics.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WriteError {
    /// A network string or address/prefix pair could not be used.
    #[error("invalid network {input:?}: {reason}")]
    InvalidNetwork { input: String, reason: &'static str },
    /// An address range passed to [`Writer::insert_range`] is malformed.
    #[error("invalid address range {start} - {end}: {reason}")]
    InvalidRange {
        start: IpAddr,
        end: IpAddr,
        reason: &'static str,
    },
    /// An IPv6 network (not IPv4-mapped) was inserted into an IPv4 database.
    #[error("IPv6 network {0} cannot be stored in an IPv4 database")]
    Ipv6InIpv4Database(Network),
    /// A network inside `2002::/16` longer than `/48`: the 6to4 block aliases
    /// the IPv4 tree and has no room for it.
    #[error(
        "network {0} lies inside 2002::/16, which aliases the IPv4 tree, and is longer than /48"
    )]
    AliasedNetwork(Network),
    /// `ip_version` was not 4 or 6.
    #[error("ip_version must be 4 or 6, got {0}")]
    InvalidIpVersion(u8),
    /// The database type string is empty.
    #[error("database_type must not be empty")]
    EmptyDatabaseType,
    /// A record size other than 24, 28 or 32 was requested.
    #[error("record size must be 24, 28 or 32, got {0}")]
    InvalidRecordSize(u16),
    /// The requested record size cannot address the tree and data section.
    #[error("record size {requested} is too small: this database needs {required}-bit records")]
    RecordSizeTooSmall { requested: u16, required: u16 },
    /// Even 32-bit records cannot address the tree and data section.
    #[error(
        "database too large for 32-bit records: {node_count} nodes and a {data_len}-byte data section"
    )]
    TooLarge { node_count: u64, data_len: u64 },
    /// The in-memory tree reached its node limit.
    #[error("search tree exceeds {0} nodes")]
    TooManyNodes(u32),
    /// The value table reached its limit.
    #[error("more than {0} distinct values")]
    TooManyValues(u32),
    /// A string, byte string, map or array is longer than the format allows.
    #[error("{what} of size {len} exceeds the format maximum of {MAX_PAYLOAD_SIZE}")]
    ValueTooLarge { what: &'static str, len: usize },
    /// Maps and arrays are nested deeper than [`MAX_VALUE_DEPTH`].
    #[error("value nesting exceeds {MAX_VALUE_DEPTH} levels")]
    ValueTooDeep,
    /// A [`ValueId`] that this writer did not hand out.
    #[error("unknown value id {0}")]
    UnknownValueId(u32),
    /// The metadata (mostly the descriptions) exceeds 128 KiB.
    #[error("metadata section of {0} bytes exceeds the 128 KiB limit")]
    MetadataTooLarge(usize),
    /// The output path has no file name.
    #[error("invalid output path {0:?}")]
    InvalidPath(PathBuf),
    /// Writing failed.
    #[error("I/O error: {0}")]
    Io(#[from] io::Error),
}

// ---------------------------------------------------------------------------
// Values
// ---------------------------------------------------------------------------

/// A MaxMind DB data value.
///
/// Map keys are kept sorted ([`BTreeMap`]), which makes equal maps encode
/// identically and so deduplicate regardless of construction order.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    String(String),
    Double(f64),
    Bytes(Vec<u8>),
    U16(u16),
    U32(u32),
    Map(BTreeMap<String, Value>),
    I32(i32),
    U64(u64),
    U128(u128),
    Array(Vec<Value>),
    Bool(bool),
    Float(f32),
}

impl Value {
    /// A map from `(key, value)` pairs; a repeated key keeps its last value:
    /// `Value::map([("iso_code", Value::from("KP")), ("geoname_id", 1_873_107u32.into())])`.
    pub fn map<K, V, I>(entries: I) -> Value
    where
        K: Into<String>,
        V: Into<Value>,
        I: IntoIterator<Item = (K, V)>,
    {
        Value::Map(
            entries
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        )
    }

    /// An array from anything convertible into values.
    pub fn array<V: Into<Value>, I: IntoIterator<Item = V>>(items: I) -> Value {
        Value::Array(items.into_iter().map(Into::into).collect())
    }

    /// A byte string (type 4).
    pub fn bytes(bytes: impl Into<Vec<u8>>) -> Value {
        Value::Bytes(bytes.into())
    }

    /// A UTF-8 string (type 2).
    pub fn string(s: impl Into<String>) -> Value {
        Value::String(s.into())
    }
}

macro_rules! value_from {
    ($($t:ty => $variant:ident),* $(,)?) => {
        $(impl From<$t> for Value {
            fn from(v: $t) -> Value {
                Value::$variant(v.into())
            }
        })*
    };
}

value_from! {
    String => String,
    &str => String,
    &String => String,
    f64 => Double,
    f32 => Float,
    u16 => U16,
    u32 => U32,
    u64 => U64,
    u128 => U128,
    i32 => I32,
    bool => Bool,
    Vec<Value> => Array,
    BTreeMap<String, Value> => Map,
}

fn push_ctrl(out: &mut Vec<u8>, type_num: u8, size: usize) {
    // Callers check `size <= MAX_PAYLOAD_SIZE`.
    let (low, extra, extra_len) = if size < 29 {
        (size as u8, 0, 0)
    } else if size < 285 {
        (29, size - 29, 1)
    } else if size < 65_821 {
        (30, size - 285, 2)
    } else {
        (31, size - 65_821, 3)
    };
    if type_num <= 7 {
        out.push((type_num << 5) | low);
    } else {
        out.push(low);
        out.push(type_num - 7);
    }
    let extra = (extra as u32).to_be_bytes();
    out.extend_from_slice(&extra[4 - extra_len..]);
}

fn push_uint(out: &mut Vec<u8>, type_num: u8, v: u128) {
    let bytes = v.to_be_bytes();
    let skip = (v.leading_zeros() / 8) as usize;
    push_ctrl(out, type_num, 16 - skip);
    out.extend_from_slice(&bytes[skip..]);
}

fn check_size(what: &'static str, len: usize) -> Result<(), WriteError> {
    if len > MAX_PAYLOAD_SIZE {
        Err(WriteError::ValueTooLarge { what, len })
    } else {
        Ok(())
    }
}

fn push_str(out: &mut Vec<u8>, s: &str) -> Result<(), WriteError> {
    check_size("string", s.len())?;
    push_ctrl(out, TYPE_STRING, s.len());
    out.extend_from_slice(s.as_bytes());
    Ok(())
}

/// The self-contained (pointer-free) encoding of a value: its identity for
/// deduplication, and its exact bytes for scalars. Validates sizes and depth.
fn encode_plain(v: &Value, out: &mut Vec<u8>, depth: usize) -> Result<(), WriteError> {
    match v {
        Value::String(s) => push_str(out, s)?,
        Value::Double(d) => {
            push_ctrl(out, TYPE_DOUBLE, 8);
            out.extend_from_slice(&d.to_be_bytes());
        }
        Value::Bytes(b) => {
            check_size("byte string", b.len())?;
            push_ctrl(out, TYPE_BYTES, b.len());
            out.extend_from_slice(b);
        }
        Value::U16(x) => push_uint(out, TYPE_U16, u128::from(*x)),
        Value::U32(x) => push_uint(out, TYPE_U32, u128::from(*x)),
        Value::U64(x) => push_uint(out, TYPE_U64, u128::from(*x)),
        Value::U128(x) => push_uint(out, TYPE_U128, *x),
        Value::I32(x) => {
            if *x < 0 {
                // Two's complement needs all four bytes (readers do not sign-extend).
                push_ctrl(out, TYPE_I32, 4);
                out.extend_from_slice(&x.to_be_bytes());
            } else {
                push_uint(out, TYPE_I32, x.unsigned_abs().into());
            }
        }
        Value::Bool(b) => push_ctrl(out, TYPE_BOOL, usize::from(*b)),
        Value::Float(f) => {
            push_ctrl(out, TYPE_FLOAT, 4);
            out.extend_from_slice(&f.to_be_bytes());
        }
        Value::Map(m) => {
            if depth >= MAX_VALUE_DEPTH {
                return Err(WriteError::ValueTooDeep);
            }
            check_size("map", m.len())?;
            push_ctrl(out, TYPE_MAP, m.len());
            for (k, v) in m {
                push_str(out, k)?;
                encode_plain(v, out, depth + 1)?;
            }
        }
        Value::Array(a) => {
            if depth >= MAX_VALUE_DEPTH {
                return Err(WriteError::ValueTooDeep);
            }
            check_size("array", a.len())?;
            push_ctrl(out, TYPE_ARRAY, a.len());
            for v in a {
                encode_plain(v, out, depth + 1)?;
            }
        }
    }
    Ok(())
}

/// Encoded length of a pointer to `offset`.
fn pointer_len(offset: u32) -> usize {
    match offset {
        0..2_048 => 2,
        2_048..526_336 => 3,
        526_336..134_744_064 => 4,
        _ => 5,
    }
}

/// Pointer control byte `001SSVVV` plus 1-4 bytes (spec, "Pointers").
fn push_pointer(out: &mut Vec<u8>, offset: u32) {
    let ptr = u32::from(TYPE_POINTER) << 5;
    match offset {
        0..2_048 => {
            out.push((ptr | (offset >> 8)) as u8);
            out.push(offset as u8);
        }
        2_048..526_336 => {
            let v = offset - 2_048;
            out.push((ptr | (1 << 3) | (v >> 16)) as u8);
            out.extend_from_slice(&v.to_be_bytes()[2..]);
        }
        526_336..134_744_064 => {
            let v = offset - 526_336;
            out.push((ptr | (2 << 3) | (v >> 24)) as u8);
            out.extend_from_slice(&v.to_be_bytes()[1..]);
        }
        _ => {
            out.push((ptr | (3 << 3)) as u8);
            out.extend_from_slice(&offset.to_be_bytes());
        }
    }
}

/// Builds the data section, writing each distinct (sub)value once.
struct DataSection {
    buf: Vec<u8>,
    /// Plain encoding -> offset of an inline (never pointer) copy.
    seen: HashMap<Vec<u8>, u32>,
}

impl DataSection {
    fn offset(&self) -> Result<u32, WriteError> {
        u32::try_from(self.buf.len()).map_err(|_| WriteError::TooLarge {
            node_count: 0,
            data_len: self.buf.len() as u64,
        })
    }

    fn plain(v: &Value) -> Result<Vec<u8>, WriteError> {
        let mut p = Vec::new();
        encode_plain(v, &mut p, 0)?;
        Ok(p)
    }

    /// Places a top-level value (the target of tree records) and returns its
    /// offset; a value already written anywhere is not written again.
    fn place(&mut self, v: &Value) -> Result<u32, WriteError> {
        let plain = Self::plain(v)?;
        if let Some(&off) = self.seen.get(&plain) {
            return Ok(off);
        }
        let off = self.offset()?;
        self.write_inline(v, &plain)?;
        self.seen.insert(plain, off);
        Ok(off)
    }

    /// Writes a map key, array element or map value: a pointer when an equal
    /// value was written before and the pointer is shorter, else inline.
    fn write_child(&mut self, v: &Value, plain: Vec<u8>) -> Result<(), WriteError> {
        if plain.len() <= 2 {
            // Nothing is shorter than the shortest pointer.
            self.buf.extend_from_slice(&plain);
            return Ok(());
        }
        if let Some(&off) = self.seen.get(&plain)
            && pointer_len(off) < plain.len()
        {
            push_pointer(&mut self.buf, off);
            return Ok(());
        }
        let off = self.offset()?;
        self.write_inline(v, &plain)?;
        self.seen.entry(plain).or_insert(off);
        Ok(())
    }

    fn write_inline(&mut self, v: &Value, plain: &[u8]) -> Result<(), WriteError> {
        match v {
            Value::Map(m) => {
                push_ctrl(&mut self.buf, TYPE_MAP, m.len());
                for (k, val) in m {
                    let mut key = Vec::with_capacity(k.len() + 4);
                    push_str(&mut key, k)?;
                    self.write_child_bytes(key)?;
                    self.write_child(val, Self::plain(val)?)?;
                }
            }
            Value::Array(a) => {
                push_ctrl(&mut self.buf, TYPE_ARRAY, a.len());
                for val in a {
                    self.write_child(val, Self::plain(val)?)?;
                }
            }
            _ => self.buf.extend_from_slice(plain),
        }
        Ok(())
    }

    /// `write_child` for scalars given by their encoding (map keys).
    fn write_child_bytes(&mut self, plain: Vec<u8>) -> Result<(), WriteError> {
        if plain.len() > 2
            && let Some(&off) = self.seen.get(&plain)
            && pointer_len(off) < plain.len()
        {
            push_pointer(&mut self.buf, off);
            return Ok(());
        }
        let off = self.offset()?;
        self.buf.extend_from_slice(&plain);
        if plain.len() > 2 {
            self.seen.entry(plain).or_insert(off);
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------
// Networks
// ---------------------------------------------------------------------------

/// An IP network: an address with its host bits cleared and a prefix length.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Network {
    addr: IpAddr,
    prefix_len: u8,
}

impl Network {
    /// Builds a network, clearing host bits (`10.1.2.3/8` becomes `10.0.0.0/8`).
    /// Fails when the prefix exceeds 32 (IPv4) or 128 (IPv6).
    pub fn new(addr: IpAddr, prefix_len: u8) -> Result<Network, WriteError> {
        let max = if addr.is_ipv4() { 32 } else { 128 };
        if prefix_len > max {
            return Err(WriteError::InvalidNetwork {
                input: format!("{addr}/{prefix_len}"),
                reason: "prefix length too long for the address family",
            });
        }
        let addr = match addr {
            IpAddr::V4(a) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(prefix_len))
                    .unwrap_or(0);
                IpAddr::V4(Ipv4Addr::from(u32::from(a) & mask))
            }
            IpAddr::V6(a) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(prefix_len))
                    .unwrap_or(0);
                IpAddr::V6(Ipv6Addr::from(u128::from(a) & mask))
            }
        };
        Ok(Network { addr, prefix_len })
    }

    /// The network address (host bits clear).
    pub fn addr(&self) -> IpAddr {
        self.addr
    }

    /// The prefix length.
    pub fn prefix_len(&self) -> u8 {
        self.prefix_len
    }
}

impl fmt::Display for Network {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.addr, self.prefix_len)
    }
}

impl FromStr for Network {
    type Err = WriteError;

    /// Parses `addr/len` (host bits are masked) or a bare address (a host
    /// network, `/32` or `/128`).
    fn from_str(s: &str) -> Result<Network, WriteError> {
        let bad = |reason| WriteError::InvalidNetwork {
            input: s.to_owned(),
            reason,
        };
        let (addr_part, len_part) = match s.split_once('/') {
            Some((a, l)) => (a, Some(l)),
            None => (s, None),
        };
        let addr: IpAddr = addr_part.parse().map_err(|_| bad("invalid IP address"))?;
        let prefix_len = match len_part {
            None => {
                if addr.is_ipv4() {
                    32
                } else {
                    128
                }
            }
            Some(l) => {
                if l.is_empty() || l.len() > 3 || !l.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(bad("invalid prefix length"));
                }
                l.parse::<u8>().map_err(|_| bad("invalid prefix length"))?
            }
        };
        Network::new(addr, prefix_len)
            .map_err(|_| bad("prefix length too long for the address family"))
    }
}

impl From<IpAddr> for Network {
    fn from(addr: IpAddr) -> Network {
        let prefix_len = if addr.is_ipv4() { 32 } else { 128 };
        Network { addr, prefix_len }
    }
}

/// Anything [`Writer::insert`] accepts as a network: [`Network`], a CIDR
/// string (`"175.45.176.0/22"`), an `(address, prefix_len)` pair, or an
/// address (a host network).
pub trait IntoNetwork {
    fn into_network(self) -> Result<Network, WriteError>;
}

impl IntoNetwork for Network {
    fn into_network(self) -> Result<Network, WriteError> {
        Ok(self)
    }
}

impl IntoNetwork for &str {
    fn into_network(self) -> Result<Network, WriteError> {
        self.parse()
    }
}

impl IntoNetwork for &String {
    fn into_network(self) -> Result<Network, WriteError> {
        self.parse()
    }
}

impl IntoNetwork for String {
    fn into_network(self) -> Result<Network, WriteError> {
        self.parse()
    }
}

impl<A: Into<IpAddr>> IntoNetwork for (A, u8) {
    fn into_network(self) -> Result<Network, WriteError> {
        Network::new(self.0.into(), self.1)
    }
}

impl IntoNetwork for IpAddr {
    fn into_network(self) -> Result<Network, WriteError> {
        Ok(Network::from(self))
    }
}

impl IntoNetwork for Ipv4Addr {
    fn into_network(self) -> Result<Network, WriteError> {
        Ok(Network::from(IpAddr::V4(self)))
    }
}

impl IntoNetwork for Ipv6Addr {
    fn into_network(self) -> Result<Network, WriteError> {
        Ok(Network::from(IpAddr::V6(self)))
    }
}

// ---------------------------------------------------------------------------
// Search tree
// ---------------------------------------------------------------------------

// A record in the in-memory trie, packed in a u32:
// 0 = no data; 1..=NODE_LIMIT = child node index (the root, 0, is never a
// child); DATA_FLAG | id = value `id`.
const EMPTY: u32 = 0;
const DATA_FLAG: u32 = 1 << 31;
const NODE_LIMIT: u32 = DATA_FLAG - 1;

fn is_node(rec: u32) -> bool {
    rec != EMPTY && rec & DATA_FLAG == 0
}

/// Bit `depth` (0 = most significant) of a `bits`-wide address.
fn bit_at(key: u128, bits: u32, depth: u32) -> usize {
    ((key >> (bits - 1 - depth)) & 1) as usize
}

fn alloc_node(
    nodes: &mut Vec<[u32; 2]>,
    free: &mut Vec<u32>,
    children: [u32; 2],
) -> Result<u32, WriteError> {
    if let Some(n) = free.pop() {
        nodes[n as usize] = children;
        return Ok(n);
    }
    let n = nodes.len() as u32;
    if n > NODE_LIMIT - 1 {
        return Err(WriteError::TooManyNodes(NODE_LIMIT));
    }
    nodes.push(children);
    Ok(n)
}

/// Points the record for network `key/prefix` at `rec`, splitting records
/// above it. With `recycle` (tree edits; not the alias overlay, which must
/// not merge) the replaced subtree goes on `free` and identical siblings are
/// merged upwards.
fn set_record(
    nodes: &mut Vec<[u32; 2]>,
    free: &mut Vec<u32>,
    recycle: bool,
    bits: u32,
    key: u128,
    prefix: u32,
    rec: u32,
) -> Result<(), WriteError> {
    // The nodes walked through, for merging on the way back up.
    let mut path = [(0u32, 0u8); 128];
    let (node, sides) = if prefix == 0 {
        (0, 0..2)
    } else {
        let mut node = 0usize;
        for depth in 0..prefix - 1 {
            let side = bit_at(key, bits, depth);
            let cur = nodes[node][side];
            if cur == rec {
                return Ok(()); // Already covered by the same value.
            }
            path[depth as usize] = (node as u32, side as u8);
            node = if is_node(cur) {
                cur as usize
            } else {
                let child = alloc_node(nodes, free, [cur, cur])?;
                nodes[node][side] = child;
                child as usize
            };
        }
        let side = bit_at(key, bits, prefix - 1);
        (node, side..side + 1)
    };
    for side in sides {
        let old = std::mem::replace(&mut nodes[node][side], rec);
        if recycle && is_node(old) && old != rec {
            release(nodes, free, old);
        }
    }
    if recycle {
        // A node whose two records now hold the same data is replaced by that
        // data in its parent, as MaxMind's writers do: the reader then
        // reports the largest network with identical data.
        let mut node = node as u32;
        let mut depth = prefix.saturating_sub(1) as usize;
        while depth > 0 {
            let [l, r] = nodes[node as usize];
            if l != r || is_node(l) {
                break;
            }
            depth -= 1;
            let (parent, side) = path[depth];
            nodes[parent as usize][usize::from(side)] = l;
            free.push(node);
            node = parent;
        }
    }
    Ok(())
}

/// Puts the subtree rooted at `root` on the free list.
fn release(nodes: &[[u32; 2]], free: &mut Vec<u32>, root: u32) {
    let mut stack = vec![root];
    while let Some(n) = stack.pop() {
        free.push(n);
        for child in nodes[n as usize] {
            if is_node(child) {
                stack.push(child);
            }
        }
    }
}

/// An interned value, from [`Writer::intern`]; valid only for that writer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ValueId(u32);

/// Facts about a written database.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WriteSummary {
    /// Nodes in the search tree.
    pub node_count: u32,
    /// Bits per record: 24, 28 or 32.
    pub record_size: u16,
    /// Bytes in the data section (separator and metadata excluded).
    pub data_section_len: usize,
    /// Bytes in the whole file.
    pub file_len: u64,
}

/// Builds a MaxMind DB in memory and writes it out. See the module docs for
/// the overlap rule and the IPv4-in-IPv6 handling.
#[derive(Clone)]
pub struct Writer {
    database_type: String,
    ip_version: u8,
    languages: Vec<String>,
    description: BTreeMap<String, String>,
    record_size: Option<u16>,
    build_epoch: Option<u64>,
    ipv4_aliases: bool,
    nodes: Vec<[u32; 2]>,
    free: Vec<u32>,
    values: Vec<Value>,
    value_ids: HashMap<Box<[u8]>, u32>,
    scratch: Vec<u8>,
}

impl fmt::Debug for Writer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Writer")
            .field("database_type", &self.database_type)
            .field("ip_version", &self.ip_version)
            .field("record_size", &self.record_size)
            .field("build_epoch", &self.build_epoch)
            .field("ipv4_aliases", &self.ipv4_aliases)
            .field("live_nodes", &(self.nodes.len() - self.free.len()))
            .field("distinct_values", &self.values.len())
            .finish_non_exhaustive()
    }
}

/// The tree and data section ready to be written.
struct Built {
    records: Vec<[u32; 2]>,
    record_size: u16,
    data: Vec<u8>,
    metadata: Vec<u8>,
}

impl Built {
    fn file_len(&self) -> u64 {
        let tree = self.records.len() as u64 * u64::from(self.record_size) / 4;
        tree + 16
            + self.data.len() as u64
            + METADATA_MARKER.len() as u64
            + self.metadata.len() as u64
    }

    fn write_to(&self, mut w: impl Write) -> io::Result<()> {
        let mut chunk = Vec::with_capacity(64 * 1024 + 8);
        for &[l, r] in &self.records {
            match self.record_size {
                24 => {
                    chunk.extend_from_slice(&l.to_be_bytes()[1..]);
                    chunk.extend_from_slice(&r.to_be_bytes()[1..]);
                }
                28 => {
                    chunk.extend_from_slice(&l.to_be_bytes()[1..]);
                    chunk.push((((l >> 24) & 0x0F) << 4 | ((r >> 24) & 0x0F)) as u8);
                    chunk.extend_from_slice(&r.to_be_bytes()[1..]);
                }
                _ => {
                    chunk.extend_from_slice(&l.to_be_bytes());
                    chunk.extend_from_slice(&r.to_be_bytes());
                }
            }
            if chunk.len() >= 64 * 1024 {
                w.write_all(&chunk)?;
                chunk.clear();
            }
        }
        w.write_all(&chunk)?;
        w.write_all(&DATA_SECTION_SEPARATOR)?;
        w.write_all(&self.data)?;
        w.write_all(METADATA_MARKER)?;
        w.write_all(&self.metadata)?;
        w.flush()
    }
}

impl Writer {
    /// A new, empty database of the given type (`database_type` in the
    /// metadata) for IPv4 (`4`) or IPv6 (`6`) addresses.
    pub fn new(database_type: impl Into<String>, ip_version: u8) -> Result<Writer, WriteError> {
        let database_type = database_type.into();
        if ip_version != 4 && ip_version != 6 {
            return Err(WriteError::InvalidIpVersion(ip_version));
        }
        if database_type.is_empty() {
            return Err(WriteError::EmptyDatabaseType);
        }
        Ok(Writer {
            database_type,
            ip_version,
            languages: Vec::new(),
            description: BTreeMap::new(),
            record_size: None,
            build_epoch: None,
            ipv4_aliases: true,
            nodes: vec![[EMPTY, EMPTY]],
            free: Vec::new(),
            values: Vec::new(),
            value_ids: HashMap::new(),
            scratch: Vec::new(),
        })
    }

    /// Sets the metadata `languages` (locale codes used in the records).
    pub fn languages<S: Into<String>>(
        &mut self,
        languages: impl IntoIterator<Item = S>,
    ) -> &mut Self {
        self.languages = languages.into_iter().map(Into::into).collect();
        self
    }

    /// Adds (or replaces) the metadata description for one language.
    pub fn description(
        &mut self,
        language: impl Into<String>,
        text: impl Into<String>,
    ) -> &mut Self {
        self.description.insert(language.into(), text.into());
        self
    }

    /// Forces 24-, 28- or 32-bit records. Without it the smallest size that
    /// can address the tree and data section is chosen when writing.
    pub fn record_size(&mut self, bits: u16) -> Result<&mut Self, WriteError> {
        if !matches!(bits, 24 | 28 | 32) {
            return Err(WriteError::InvalidRecordSize(bits));
        }
        self.record_size = Some(bits);
        Ok(self)
    }

    /// Goes back to choosing the record size automatically.
    pub fn auto_record_size(&mut self) -> &mut Self {
        self.record_size = None;
        self
    }

    /// Sets `build_epoch` (Unix seconds). Default: the time of writing.
    pub fn build_epoch(&mut self, epoch: u64) -> &mut Self {
        self.build_epoch = Some(epoch);
        self
    }

    /// IPv6 databases only: alias `::ffff:0:0/96` and `2002::/16` to the IPv4
    /// tree (default `true`). See the module docs.
    pub fn ipv4_aliases(&mut self, enabled: bool) -> &mut Self {
        self.ipv4_aliases = enabled;
        self
    }

    /// The database's IP version (4 or 6).
    pub fn ip_version(&self) -> u8 {
        self.ip_version
    }

    /// Number of distinct values interned so far (including values no longer
    /// reachable, which are not written).
    pub fn distinct_values(&self) -> usize {
        self.values.len()
    }

    /// Stores a value once and returns its id for [`Writer::insert_id`]: use
    /// it when many networks share a value to skip re-encoding it. Equal
    /// values get the same id.
    pub fn intern(&mut self, value: impl Into<Value>) -> Result<ValueId, WriteError> {
        let value = value.into();
        let mut scratch = std::mem::take(&mut self.scratch);
        scratch.clear();
        let result = encode_plain(&value, &mut scratch, 0).and_then(|()| {
            if let Some(&id) = self.value_ids.get(scratch.as_slice()) {
                return Ok(ValueId(id));
            }
            let id = u32::try_from(self.values.len())
                .ok()
                .filter(|&id| id < DATA_FLAG)
                .ok_or(WriteError::TooManyValues(DATA_FLAG))?;
            self.value_ids.insert(scratch.as_slice().into(), id);
            self.values.push(value);
            Ok(ValueId(id))
        });
        self.scratch = scratch;
        result
    }

    /// Assigns `value` to every address of `network`, replacing earlier data
    /// for those addresses (see the module docs for the overlap rule).
    pub fn insert(
        &mut self,
        network: impl IntoNetwork,
        value: impl Into<Value>,
    ) -> Result<(), WriteError> {
        let network = network.into_network()?;
        let (key, prefix) = self.locate(network)?;
        let id = self.intern(value)?;
        self.set(key, prefix, DATA_FLAG | id.0)
    }

    /// [`Writer::insert`] with an interned value.
    pub fn insert_id(&mut self, network: impl IntoNetwork, id: ValueId) -> Result<(), WriteError> {
        if id.0 as usize >= self.values.len() {
            return Err(WriteError::UnknownValueId(id.0));
        }
        let network = network.into_network()?;
        let (key, prefix) = self.locate(network)?;
        self.set(key, prefix, DATA_FLAG | id.0)
    }

    /// Assigns `value` to every address from `start` to `end` inclusive (both
    /// of one family), as the fewest covering networks.
    pub fn insert_range(
        &mut self,
        start: IpAddr,
        end: IpAddr,
        value: impl Into<Value>,
    ) -> Result<(), WriteError> {
        let bad = |reason| WriteError::InvalidRange { start, end, reason };
        let (lo, hi, width) = match (start, end) {
            (IpAddr::V4(s), IpAddr::V4(e)) => {
                (u128::from(u32::from(s)), u128::from(u32::from(e)), 32u32)
            }
            (IpAddr::V6(s), IpAddr::V6(e)) => (u128::from(s), u128::from(e), 128u32),
            _ => return Err(bad("start and end are of different address families")),
        };
        if lo > hi {
            return Err(bad("start is after end"));
        }
        let nets = range_to_networks(lo, hi, width);
        // Check every network before changing anything.
        let mut located = Vec::with_capacity(nets.len());
        for (addr, len) in nets {
            let ip = if width == 32 {
                IpAddr::V4(Ipv4Addr::from(addr as u32))
            } else {
                IpAddr::V6(Ipv6Addr::from(addr))
            };
            located.push(self.locate(Network::new(ip, len)?)?);
        }
        let id = self.intern(value)?;
        for (key, prefix) in located {
            self.set(key, prefix, DATA_FLAG | id.0)?;
        }
        Ok(())
    }

    /// Tree key and prefix (in tree bits) for a network, applying the IPv4
    /// mapping rules from the module docs.
    fn locate(&self, net: Network) -> Result<(u128, u32), WriteError> {
        let p = u32::from(net.prefix_len);
        match (self.ip_version, net.addr) {
            (4, IpAddr::V4(a)) => Ok((u128::from(u32::from(a)), p)),
            (4, IpAddr::V6(a)) => {
                let a = u128::from(a);
                if p >= 96 && a >> 32 == 0xFFFF {
                    Ok((a & 0xFFFF_FFFF, p - 96))
                } else {
                    Err(WriteError::Ipv6InIpv4Database(net))
                }
            }
            (_, IpAddr::V4(a)) => Ok((u128::from(u32::from(a)), p + 96)),
            (_, IpAddr::V6(a)) => {
                let a = u128::from(a);
                if self.ipv4_aliases && p >= 96 && a >> 32 == 0xFFFF {
                    Ok((a & 0xFFFF_FFFF, p))
                } else if self.ipv4_aliases && p >= 16 && a >> 112 == 0x2002 {
                    if p > 48 {
                        return Err(WriteError::AliasedNetwork(net));
                    }
                    Ok(((a >> 80) & 0xFFFF_FFFF, p - 16 + 96))
                } else {
                    Ok((a, p))
                }
            }
        }
    }

    fn bits(&self) -> u32 {
        if self.ip_version == 4 { 32 } else { 128 }
    }

    fn set(&mut self, key: u128, prefix: u32, rec: u32) -> Result<(), WriteError> {
        let bits = self.bits();
        set_record(
            &mut self.nodes,
            &mut self.free,
            true,
            bits,
            key,
            prefix,
            rec,
        )
    }

    /// Lays out tree, data section and metadata.
    fn build(&self) -> Result<Built, WriteError> {
        let bits = self.bits();
        let aliased;
        let nodes: &[[u32; 2]] = if self.ip_version == 6 && self.ipv4_aliases {
            // Lay the aliases on a copy so the writer itself stays unchanged.
            let mut copy = self.nodes.clone();
            let mut free = Vec::new();
            let mut ipv4_root = 0u32;
            for _ in 0..96 {
                ipv4_root = copy[ipv4_root as usize][0];
                if !is_node(ipv4_root) {
                    break;
                }
            }
            for (key, prefix) in [(0xFFFFu128 << 32, 96), (0x2002u128 << 112, 16)] {
                set_record(&mut copy, &mut free, false, bits, key, prefix, ipv4_root)?;
            }
            aliased = copy;
            &aliased
        } else {
            &self.nodes
        };

        // Number the reachable nodes in pre-order (root first, 0 before 1).
        let mut number = vec![u32::MAX; nodes.len()];
        let mut order: Vec<u32> = Vec::new();
        let mut stack = vec![0u32];
        while let Some(n) = stack.pop() {
            if number[n as usize] != u32::MAX {
                continue; // An alias target reached a second time.
            }
            number[n as usize] = order.len() as u32;
            order.push(n);
            let [l, r] = nodes[n as usize];
            if is_node(r) {
                stack.push(r);
            }
            if is_node(l) {
                stack.push(l);
            }
        }
        drop(stack);
        let node_count = order.len() as u64;

        // Write the reachable values in tree order.
        let mut data = DataSection {
            buf: Vec::new(),
            seen: HashMap::new(),
        };
        let mut offsets: Vec<Option<u32>> = vec![None; self.values.len()];
        for &n in &order {
            for rec in nodes[n as usize] {
                if rec & DATA_FLAG != 0 {
                    let id = (rec & !DATA_FLAG) as usize;
                    if offsets[id].is_none() {
                        offsets[id] = Some(data.place(&self.values[id])?);
                    }
                }
            }
        }
        drop(data.seen);
        let data = data.buf;

        let max_record = node_count + 16 + data.len() as u64;
        let required: u16 = match max_record {
            0..0x100_0000 => 24,
            0x100_0000..0x1000_0000 => 28,
            0x1000_0000..0x1_0000_0000 => 32,
            _ => {
                return Err(WriteError::TooLarge {
                    node_count,
                    data_len: data.len() as u64,
                });
            }
        };
        let record_size = match self.record_size {
            Some(requested) if requested < required => {
                return Err(WriteError::RecordSizeTooSmall {
                    requested,
                    required,
                });
            }
            Some(requested) => requested,
            None => required,
        };

        let node_count = node_count as u32;
        let records = order
            .iter()
            .map(|&n| {
                nodes[n as usize].map(|rec| {
                    if rec == EMPTY {
                        node_count
                    } else if rec & DATA_FLAG != 0 {
                        let offset = offsets[(rec & !DATA_FLAG) as usize].unwrap_or(0);
                        node_count + 16 + offset
                    } else {
                        number[rec as usize]
                    }
                })
            })
            .collect();

        let metadata = self.metadata(node_count, record_size)?;
        Ok(Built {
            records,
            record_size,
            data,
            metadata,
        })
    }

    fn metadata(&self, node_count: u32, record_size: u16) -> Result<Vec<u8>, WriteError> {
        let build_epoch = self.build_epoch.unwrap_or_else(|| {
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map(|d| d.as_secs())
                .unwrap_or(0)
        });
        // Sorted keys put `record_size` last (some old readers mishandle an
        // empty array, such as `languages`, at the very end of the metadata).
        let meta = Value::map([
            ("binary_format_major_version", Value::U16(2)),
            ("binary_format_minor_version", Value::U16(0)),
            ("build_epoch", Value::U64(build_epoch)),
            ("database_type", Value::from(&self.database_type)),
            (
                "description",
                Value::map(
                    self.description
                        .iter()
                        .map(|(k, v)| (k.as_str(), Value::from(v))),
                ),
            ),
            ("ip_version", Value::U16(u16::from(self.ip_version))),
            ("languages", Value::array(self.languages.iter())),
            ("node_count", Value::U32(node_count)),
            ("record_size", Value::U16(record_size)),
        ]);
        let mut out = Vec::new();
        encode_plain(&meta, &mut out, 0)?;
        let len = out.len() + METADATA_MARKER.len();
        if len > MAX_METADATA_LEN {
            return Err(WriteError::MetadataTooLarge(len));
        }
        Ok(out)
    }

    /// Writes the database to `w` (buffer it: the tree goes out in 64 KiB
    /// chunks, the rest in a few large writes).
    pub fn write_to(&self, w: impl Write) -> Result<WriteSummary, WriteError> {
        let built = self.build()?;
        built.write_to(w)?;
        Ok(summary(&built))
    }

    /// The database as bytes.
    pub fn to_bytes(&self) -> Result<Vec<u8>, WriteError> {
        let built = self.build()?;
        let mut out = Vec::with_capacity(usize::try_from(built.file_len()).unwrap_or(0));
        built.write_to(&mut out)?;
        Ok(out)
    }

    /// Writes the database to `path` atomically: into a new temporary file in
    /// the same directory, fsynced, then renamed over `path` (and the
    /// directory fsynced on Unix). Readers that reopen `path` see either the
    /// old or the new file, never a partial one. The temporary file is
    /// removed on failure.
    pub fn write_file_atomically(
        &self,
        path: impl AsRef<Path>,
    ) -> Result<WriteSummary, WriteError> {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let path = path.as_ref();
        let file_name = path
            .file_name()
            .ok_or_else(|| WriteError::InvalidPath(path.to_path_buf()))?;
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        // Build first: a database that cannot be written leaves no file behind.
        let built = self.build()?;
        let mut tmp_name = std::ffi::OsString::from(".");
        tmp_name.push(file_name);
        tmp_name.push(format!(
            ".{}.{}.tmp",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        let tmp = dir.join(tmp_name);
        let file = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)?;
        let result = (|| -> io::Result<()> {
            let mut w = io::BufWriter::with_capacity(1 << 20, &file);
            built.write_to(&mut w)?;
            drop(w);
            file.sync_all()?;
            fs::rename(&tmp, path)?;
            #[cfg(unix)]
            fs::File::open(dir)?.sync_all()?;
            Ok(())
        })();
        drop(file);
        if let Err(e) = result {
            let _ = fs::remove_file(&tmp);
            return Err(e.into());
        }
        Ok(summary(&built))
    }
}

fn summary(built: &Built) -> WriteSummary {
    WriteSummary {
        node_count: built.records.len() as u32,
        record_size: built.record_size,
        data_section_len: built.data.len(),
        file_len: built.file_len(),
    }
}

/// The fewest networks covering `lo..=hi` in a `width`-bit address space,
/// as (network address, prefix length).
fn range_to_networks(lo: u128, hi: u128, width: u32) -> Vec<(u128, u8)> {
    let mut out = Vec::new();
    let mut cur = lo;
    loop {
        // Largest block starting at `cur` that is aligned and ends <= hi.
        let mut size_bits = if cur == 0 {
            width
        } else {
            cur.trailing_zeros().min(width)
        };
        let span = |k: u32| {
            if k >= 128 {
                u128::MAX
            } else {
                (1u128 << k) - 1
            }
        };
        while hi - cur < span(size_bits) {
            size_bits -= 1;
        }
        out.push((cur, (width - size_bits) as u8));
        let last = cur + span(size_bits);
        if last >= hi {
            break;
        }
        cur = last + 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use maxminddb::Reader;

    /// Decodes MMDB data keeping the exact type of every item.
    impl<'de> serde::Deserialize<'de> for Value {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Value, D::Error> {
            struct Visitor;
            impl<'de> serde::de::Visitor<'de> for Visitor {
                type Value = Value;
                fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    f.write_str("a MaxMind DB value")
                }
                fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
                    Ok(Value::Bool(v))
                }
                fn visit_u16<E>(self, v: u16) -> Result<Value, E> {
                    Ok(Value::U16(v))
                }
                fn visit_u32<E>(self, v: u32) -> Result<Value, E> {
                    Ok(Value::U32(v))
                }
                fn visit_i32<E>(self, v: i32) -> Result<Value, E> {
                    Ok(Value::I32(v))
                }
                fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
                    Ok(Value::U64(v))
                }
                fn visit_u128<E>(self, v: u128) -> Result<Value, E> {
                    Ok(Value::U128(v))
                }
                fn visit_f32<E>(self, v: f32) -> Result<Value, E> {
                    Ok(Value::Float(v))
                }
                fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
                    Ok(Value::Double(v))
                }
                fn visit_str<E>(self, v: &str) -> Result<Value, E> {
                    Ok(Value::String(v.to_owned()))
                }
                fn visit_bytes<E>(self, v: &[u8]) -> Result<Value, E> {
                    Ok(Value::Bytes(v.to_vec()))
                }
                fn visit_map<A: serde::de::MapAccess<'de>>(
                    self,
                    mut a: A,
                ) -> Result<Value, A::Error> {
                    let mut m = BTreeMap::new();
                    while let Some((k, v)) = a.next_entry::<String, Value>()? {
                        m.insert(k, v);
                    }
                    Ok(Value::Map(m))
                }
                fn visit_seq<A: serde::de::SeqAccess<'de>>(
                    self,
                    mut a: A,
                ) -> Result<Value, A::Error> {
                    let mut v = Vec::new();
                    while let Some(x) = a.next_element::<Value>()? {
                        v.push(x);
                    }
                    Ok(Value::Array(v))
                }
            }
            d.deserialize_any(Visitor)
        }
    }

    fn test_data() -> String {
        let shared = std::env::var("VETGATE_SHARED_DIR")
            .unwrap_or_else(|_| format!("{}/../shared", env!("CARGO_MANIFEST_DIR")));
        format!("{shared}/data/maxmind-test")
    }

    type Db = Reader<Vec<u8>>;

    fn open(bytes: Vec<u8>) -> Db {
        let reader = Reader::from_source(bytes).expect("reader opens the file");
        reader
            .verify()
            .expect("maxminddb verify() accepts the file");
        reader
    }

    fn get(r: &Db, ip: &str) -> Option<Value> {
        r.lookup(ip.parse().unwrap())
            .unwrap()
            .decode::<Value>()
            .unwrap()
    }

    fn net(r: &Db, ip: &str) -> String {
        r.lookup(ip.parse().unwrap())
            .unwrap()
            .network()
            .unwrap()
            .to_string()
    }

    fn writer(ip_version: u8) -> Writer {
        let mut w = Writer::new("Vetgate-Test", ip_version).unwrap();
        w.build_epoch(1_700_000_000)
            .languages(["en", "de"])
            .description("en", "test database")
            .description("de", "Testdatenbank");
        w
    }

    fn s(x: &str) -> Value {
        Value::from(x)
    }

    fn every_type() -> Value {
        Value::map([
            ("string", s("Pyongyang – 평양")),
            ("empty_string", s("")),
            ("double", Value::Double(-1.5e300)),
            ("double_zero", Value::Double(0.0)),
            ("bytes", Value::bytes([0u8, 1, 0xAB, 0xCD, 0xEF, 255])),
            ("empty_bytes", Value::bytes(Vec::new())),
            ("u16_zero", Value::U16(0)),
            ("u16", Value::U16(300)),
            ("u16_max", Value::U16(u16::MAX)),
            ("u32", Value::U32(0x0012_3456)),
            ("u32_max", Value::U32(u32::MAX)),
            ("i32_small", Value::I32(200)),
            ("i32_neg", Value::I32(-1)),
            ("i32_min", Value::I32(i32::MIN)),
            ("i32_max", Value::I32(i32::MAX)),
            ("i32_zero", Value::I32(0)),
            ("u64", Value::U64(1 << 40)),
            ("u64_max", Value::U64(u64::MAX)),
            ("u128", Value::U128(1 << 100)),
            ("u128_max", Value::U128(u128::MAX)),
            ("u128_zero", Value::U128(0)),
            ("true", Value::Bool(true)),
            ("false", Value::Bool(false)),
            ("float", Value::Float(3.25)),
            ("float_neg", Value::Float(-0.5)),
            (
                "array",
                Value::array([
                    s("a"),
                    Value::U32(7),
                    Value::array([Value::Bool(true)]),
                    Value::map([("k", s("v"))]),
                ]),
            ),
            ("empty_array", Value::Array(vec![])),
            ("empty_map", Value::Map(BTreeMap::new())),
            (
                "nested",
                Value::map([("deeper", Value::map([("deepest", Value::Double(35.68536))]))]),
            ),
        ])
    }

    #[test]
    fn every_value_type_round_trips_in_every_record_size() {
        let value = every_type();
        for ip_version in [4, 6] {
            for record_size in [24, 28, 32] {
                let mut w = writer(ip_version);
                w.record_size(record_size).unwrap();
                w.insert("1.2.3.0/24", value.clone()).unwrap();
                w.insert("5.6.7.8/32", Value::U128(u128::MAX)).unwrap();
                // serde_json has no byte strings and no integers past u64.
                let Value::Map(mut json_friendly) = value.clone() else {
                    unreachable!()
                };
                json_friendly.retain(|k, _| !k.contains("bytes") && !k.starts_with("u128"));
                w.insert("7.7.7.0/24", Value::Map(json_friendly)).unwrap();
                if ip_version == 6 {
                    w.insert("2001:db8::/32", value.clone()).unwrap();
                }
                let r = open(w.to_bytes().unwrap());
                assert_eq!(r.metadata().record_size, record_size);
                assert_eq!(get(&r, "1.2.3.4"), Some(value.clone()));
                assert_eq!(get(&r, "5.6.7.8"), Some(Value::U128(u128::MAX)));
                assert_eq!(get(&r, "1.2.4.0"), None);
                if ip_version == 6 {
                    assert_eq!(get(&r, "2001:db8:ffff::1"), Some(value.clone()));
                    assert_eq!(get(&r, "2001:db9::"), None);
                }

                // The same data through serde_json and a typed serde struct.
                let json: serde_json::Value = r
                    .lookup("7.7.7.7".parse().unwrap())
                    .unwrap()
                    .decode()
                    .unwrap()
                    .unwrap();
                assert_eq!(json["string"], "Pyongyang – 평양");
                assert_eq!(json["u16_max"], 65535);
                assert_eq!(json["i32_min"], i32::MIN);
                assert_eq!(json["u64_max"], u64::MAX);
                assert_eq!(json["double"], -1.5e300);
                assert_eq!(json["float"], 3.25);
                assert_eq!(json["array"][3]["k"], "v");
                assert_eq!(json["nested"]["deeper"]["deepest"], 35.68536);

                #[derive(serde::Deserialize)]
                struct Typed {
                    u16_max: u16,
                    u32_max: u32,
                    i32_neg: i32,
                    i32_small: i32,
                    u64_max: u64,
                    u128_max: u128,
                    float: f32,
                    double: f64,
                    #[serde(rename = "true")]
                    yes: bool,
                    string: String,
                }
                let t: Typed = r
                    .lookup("1.2.3.4".parse().unwrap())
                    .unwrap()
                    .decode()
                    .unwrap()
                    .unwrap();
                assert_eq!(
                    (
                        t.u16_max,
                        t.u32_max,
                        t.i32_neg,
                        t.i32_small,
                        t.u64_max,
                        t.u128_max
                    ),
                    (u16::MAX, u32::MAX, -1, 200, u64::MAX, u128::MAX)
                );
                assert_eq!((t.float, t.double, t.yes), (3.25, -1.5e300, true));
                assert_eq!(t.string, "Pyongyang – 평양");
            }
        }
    }

    #[test]
    fn control_bytes_follow_the_spec() {
        let enc = |v: &Value| {
            let mut out = Vec::new();
            encode_plain(v, &mut out, 0).unwrap();
            out
        };
        // Examples from the spec.
        assert_eq!(enc(&s("ab")), [0b0100_0010, b'a', b'b']);
        assert_eq!(enc(&s(&"x".repeat(28)))[0], 0b0101_1100);
        assert_eq!(enc(&s(&"x".repeat(80)))[..2], [0b0101_1101, 51]);
        assert_eq!(enc(&s(&"x".repeat(13_392)))[..3], [0b0101_1110, 0x33, 0x33]);
        assert_eq!(
            enc(&s(&"x".repeat(3_421_264)))[..4],
            [0b0101_1111, 0x33, 0x33, 0x33]
        );
        assert_eq!(enc(&Value::U32(0xAB)), [0b1100_0001, 0xAB]);
        assert_eq!(
            enc(&Value::U128(0x010203)),
            [0b0000_0011, 0b0000_0011, 1, 2, 3]
        );
        assert_eq!(enc(&Value::Array(vec![])), [0, 4]);
        assert_eq!(enc(&Value::U16(0)), [0b1010_0000]);
        assert_eq!(enc(&Value::I32(-2)), [4, 1, 0xFF, 0xFF, 0xFF, 0xFE]);
        assert_eq!(enc(&Value::Bool(true)), [1, 7]);
        assert_eq!(enc(&Value::Float(1.0)), [4, 8, 0x3F, 0x80, 0, 0]);
        assert_eq!(enc(&Value::Double(1.0))[..2], [0b0110_1000, 0x3F]);
        // Extended type with a long size: the size bytes follow the type byte.
        let arr = enc(&Value::Array(vec![Value::Bool(false); 300]));
        assert_eq!(arr[..4], [30, 4, 0, 15]);

        // Pointers: size class boundaries, decoded independently per the spec.
        fn decode_pointer(b: &[u8]) -> (u32, usize) {
            assert_eq!(b[0] >> 5, 1, "pointer type");
            let ss = (b[0] >> 3) & 3;
            let vvv = u32::from(b[0] & 7);
            let n = usize::from(ss) + 1;
            let mut v = 0u32;
            for &x in &b[1..=n] {
                v = (v << 8) | u32::from(x);
            }
            let value = match ss {
                0 => (vvv << 8) | v,
                1 => ((vvv << 16) | v) + 2048,
                2 => ((vvv << 24) | v) + 526_336,
                _ => v,
            };
            (value, n + 1)
        }
        for offset in [
            0,
            1,
            2047,
            2048,
            2049,
            526_335,
            526_336,
            526_337,
            134_744_063,
            134_744_064,
            u32::MAX,
        ] {
            let mut out = Vec::new();
            push_pointer(&mut out, offset);
            assert_eq!(decode_pointer(&out), (offset, out.len()), "offset {offset}");
            assert_eq!(pointer_len(offset), out.len());
        }
    }

    #[test]
    fn payload_size_classes_round_trip() {
        let mut w = writer(4);
        let mut expected = Vec::new();
        let mut i = 0u32;
        let mut add = |w: &mut Writer, v: Value| {
            let ip = Ipv4Addr::from(0x0A00_0000 + i);
            i += 1;
            w.insert(ip, v.clone()).unwrap();
            expected.push((ip, v));
        };
        for len in [
            0, 1, 28, 29, 30, 284, 285, 286, 65_820, 65_821, 65_822, 100_000,
        ] {
            add(
                &mut w,
                Value::String("é".repeat(len / 2) + &"x".repeat(len % 2)),
            );
            add(&mut w, Value::bytes(vec![0xA5; len]));
        }
        for len in [28, 29, 284, 285, 300] {
            add(&mut w, Value::array((0..len).map(|n| Value::U32(n as u32))));
            add(
                &mut w,
                Value::map((0..len).map(|n| (format!("key{n}"), Value::U16(n as u16)))),
            );
        }
        let r = open(w.to_bytes().unwrap());
        for (ip, v) in expected {
            assert_eq!(get(&r, &ip.to_string()).as_ref(), Some(&v), "{ip}");
        }
    }

    #[test]
    fn pointers_of_every_reachable_size_class_resolve() {
        // Value i repeats the blob of value i-1, so the data section holds
        // pointers to offsets from 0 up to ~650 KB (1-, 2- and 3-byte pointers).
        let blob = |i: u32| format!("{i:08}").repeat(12);
        let mut w = writer(6);
        for i in 0..6000u32 {
            let v = Value::map([("blob", s(&blob(i))), ("prev", s(&blob(i.wrapping_sub(1))))]);
            w.insert((Ipv4Addr::from(0x0B00_0000 + (i << 8)), 24), v)
                .unwrap();
        }
        let summary = w.write_to(io::sink()).unwrap();
        assert!(summary.data_section_len > 600_000, "{summary:?}");
        let r = open(w.to_bytes().unwrap());
        for i in [0u32, 1, 20, 21, 2000, 4999, 5000, 5999] {
            let v = get(&r, &Ipv4Addr::from(0x0B00_0000 + (i << 8) + 9).to_string()).unwrap();
            let Value::Map(m) = v else {
                panic!("not a map")
            };
            assert_eq!(m["blob"], s(&blob(i)));
            assert_eq!(m["prev"], s(&blob(i.wrapping_sub(1))));
        }
    }

    #[test]
    fn ipv4_database_lookups_and_prefixes() {
        for record_size in [24, 28, 32] {
            let mut w = writer(4);
            w.record_size(record_size).unwrap();
            w.insert("175.45.176.0/22", Value::map([("iso_code", s("KP"))]))
                .unwrap();
            w.insert("8.8.8.8", Value::U32(15169)).unwrap();
            w.insert("::ffff:9.9.9.0/120", Value::U32(19281)).unwrap(); // IPv4-mapped
            assert!(matches!(
                w.insert("2001:db8::/32", Value::U32(1)),
                Err(WriteError::Ipv6InIpv4Database(_))
            ));
            let r = open(w.to_bytes().unwrap());
            assert_eq!(r.metadata().ip_version, 4);
            assert_eq!(
                get(&r, "175.45.179.255"),
                Some(Value::map([("iso_code", s("KP"))]))
            );
            assert_eq!(net(&r, "175.45.177.1"), "175.45.176.0/22");
            assert_eq!(get(&r, "175.45.180.0"), None);
            assert_eq!(get(&r, "175.45.175.255"), None);
            assert_eq!(get(&r, "8.8.8.8"), Some(Value::U32(15169)));
            assert_eq!(net(&r, "8.8.8.8"), "8.8.8.8/32");
            assert_eq!(get(&r, "8.8.8.9"), None);
            assert_eq!(get(&r, "9.9.9.9"), Some(Value::U32(19281)));
            assert_eq!(net(&r, "9.9.9.9"), "9.9.9.0/24");
            assert!(r.lookup("::1".parse().unwrap()).is_err());
        }
    }

    #[test]
    fn ipv6_database_aliases_ipv4_mapped_and_6to4() {
        let mut w = writer(6);
        w.insert("1.2.3.0/24", s("A")).unwrap();
        w.insert("2001:db8::/32", s("B")).unwrap();
        w.insert("::ffff:5.6.7.0/120", s("C")).unwrap(); // stored as 5.6.7.0/24
        w.insert("2002:909:900::/40", s("D")).unwrap(); // stored as 9.9.9.0/24
        assert!(matches!(
            w.insert("2002:909:909:1::/64", s("E")),
            Err(WriteError::AliasedNetwork(_))
        ));
        let r = open(w.to_bytes().unwrap());
        for (ip, value, network) in [
            ("1.2.3.4", "A", "1.2.3.0/24"),
            ("::1.2.3.4", "A", "::102:300/120"),
            ("::ffff:1.2.3.4", "A", "::ffff:1.2.3.0/120"),
            ("2002:102:304::1", "A", "2002:102:300::/40"),
            ("5.6.7.8", "C", "5.6.7.0/24"),
            ("::ffff:5.6.7.8", "C", "::ffff:5.6.7.0/120"),
            ("9.9.9.9", "D", "9.9.9.0/24"),
            ("::ffff:9.9.9.9", "D", "::ffff:9.9.9.0/120"),
            ("2001:db8:1::", "B", "2001:db8::/32"),
        ] {
            assert_eq!(get(&r, ip), Some(s(value)), "{ip}");
            assert_eq!(net(&r, ip), network, "{ip}");
        }
        for ip in [
            "1.2.4.0",
            "::ffff:1.2.4.0",
            "2002:102:400::",
            "2001:db9::",
            "::2:0:0:1",
            "8.8.8.8",
        ] {
            assert_eq!(get(&r, ip), None, "{ip}");
        }
        // The aliases are real aliases: the reader's iterator skips them, so
        // each network is listed once.
        let mut listed: Vec<String> = r
            .networks(Default::default())
            .unwrap()
            .map(|n| n.unwrap().network().unwrap().to_string())
            .collect();
        listed.sort();
        assert_eq!(
            listed,
            ["1.2.3.0/24", "2001:db8::/32", "5.6.7.0/24", "9.9.9.0/24"]
        );

        // Without aliases, the mapped ranges are ordinary IPv6 space.
        let mut w = writer(6);
        w.ipv4_aliases(false);
        w.insert("1.2.3.0/24", s("A")).unwrap();
        w.insert("::ffff:5.6.7.0/120", s("C")).unwrap();
        let r = open(w.to_bytes().unwrap());
        assert_eq!(get(&r, "1.2.3.4"), Some(s("A")));
        assert_eq!(get(&r, "::ffff:1.2.3.4"), None);
        assert_eq!(get(&r, "5.6.7.8"), None);
        assert_eq!(get(&r, "::ffff:5.6.7.8"), Some(s("C")));
    }

    #[test]
    fn broad_ipv6_inserts_cover_ipv4_and_aliases() {
        let mut w = writer(6);
        w.insert("::/0", s("world")).unwrap();
        w.insert("10.0.0.0/8", s("ten")).unwrap();
        let r = open(w.to_bytes().unwrap());
        assert_eq!(get(&r, "10.1.1.1"), Some(s("ten")));
        assert_eq!(get(&r, "::ffff:10.1.1.1"), Some(s("ten")));
        assert_eq!(get(&r, "2002:a01:101::"), Some(s("ten")));
        assert_eq!(get(&r, "11.1.1.1"), Some(s("world")));
        assert_eq!(get(&r, "::ffff:11.1.1.1"), Some(s("world")));
        assert_eq!(get(&r, "2a00::1"), Some(s("world")));

        // A later ::/0 overwrites the IPv4 tree too: it covers ::/96.
        w.insert("::/0", s("later")).unwrap();
        let r = open(w.to_bytes().unwrap());
        for ip in ["10.1.1.1", "::ffff:10.1.1.1", "2002:a01:101::", "2a00::1"] {
            assert_eq!(get(&r, ip), Some(s("later")), "{ip}");
        }
        assert_eq!(r.metadata().node_count, 1);
    }

    #[test]
    fn more_specific_insert_splits_earlier_network() {
        let mut w = writer(4);
        w.insert("10.0.0.0/8", s("A")).unwrap();
        w.insert("10.1.0.0/16", s("B")).unwrap();
        w.insert("10.1.2.3/32", s("C")).unwrap();
        let r = open(w.to_bytes().unwrap());
        for (ip, value, network) in [
            ("10.0.0.1", "A", "10.0.0.0/16"),
            ("10.128.0.0", "A", "10.128.0.0/9"),
            ("10.255.255.255", "A", "10.128.0.0/9"),
            ("10.1.0.0", "B", "10.1.0.0/23"),
            ("10.1.2.4", "B", "10.1.2.4/30"),
            ("10.1.255.255", "B", "10.1.128.0/17"),
            ("10.1.2.3", "C", "10.1.2.3/32"),
        ] {
            assert_eq!(get(&r, ip), Some(s(value)), "{ip}");
            assert_eq!(net(&r, ip), network, "{ip}");
        }
        assert_eq!(get(&r, "11.0.0.0"), None);
        assert_eq!(get(&r, "9.255.255.255"), None);
    }

    #[test]
    fn identical_neighbours_merge_like_maxmind() {
        let mut w = writer(4);
        w.insert("10.0.0.0/9", s("A")).unwrap();
        w.insert("10.128.0.0/9", s("A")).unwrap();
        let merged = w.to_bytes().unwrap();
        let r = open(merged.clone());
        assert_eq!(net(&r, "10.1.1.1"), "10.0.0.0/8");
        assert_eq!(r.metadata().node_count, 8); // One node per bit of the /8.
        let mut one = writer(4);
        one.insert("10.0.0.0/8", s("A")).unwrap();
        assert_eq!(merged, one.to_bytes().unwrap());

        // Ranges cut into CIDRs grow back together.
        let mut w = writer(6);
        let ip = |x: &str| x.parse::<IpAddr>().unwrap();
        w.insert_range(ip("1.0.0.1"), ip("1.0.0.10"), s("X"))
            .unwrap();
        w.insert("1.0.0.0/32", s("X")).unwrap();
        w.insert_range(ip("1.0.0.11"), ip("1.0.0.15"), s("X"))
            .unwrap();
        let r = open(w.to_bytes().unwrap());
        assert_eq!(net(&r, "1.0.0.7"), "1.0.0.0/28");
        assert_eq!(net(&r, "::ffff:1.0.0.7"), "::ffff:1.0.0.0/124");
        assert_eq!(get(&r, "1.0.0.16"), None);
    }

    #[test]
    fn less_specific_insert_overwrites_earlier_networks() {
        let mut w = writer(4);
        w.insert("10.1.0.0/16", s("B")).unwrap();
        w.insert("10.1.2.3/32", s("C")).unwrap();
        w.insert("10.0.0.0/8", s("A")).unwrap();
        let bytes = w.to_bytes().unwrap();
        let r = open(bytes.clone());
        for ip in ["10.0.0.1", "10.1.0.0", "10.1.2.3", "10.200.0.0"] {
            assert_eq!(get(&r, ip), Some(s("A")), "{ip}");
            assert_eq!(net(&r, ip), "10.0.0.0/8", "{ip}");
        }
        // Nothing of the overwritten networks is left: the file equals one
        // built from the /8 alone (dead nodes and values are not written).
        let mut only = writer(4);
        only.insert("10.0.0.0/8", s("A")).unwrap();
        assert_eq!(bytes, only.to_bytes().unwrap());

        // Partial overlap: the later /15 takes 10.0/16 and 10.1/16 only.
        let mut w = writer(4);
        w.insert("10.0.0.0/8", s("A")).unwrap();
        w.insert("10.1.0.0/16", s("B")).unwrap();
        w.insert("10.0.0.0/15", s("C")).unwrap();
        let r = open(w.to_bytes().unwrap());
        assert_eq!(get(&r, "10.0.9.9"), Some(s("C")));
        assert_eq!(get(&r, "10.1.9.9"), Some(s("C")));
        assert_eq!(net(&r, "10.1.9.9"), "10.0.0.0/15");
        assert_eq!(get(&r, "10.2.0.0"), Some(s("A")));

        // Re-inserting the value a network already has changes nothing.
        let mut w = writer(4);
        w.insert("10.0.0.0/8", s("A")).unwrap();
        w.insert("10.1.0.0/16", s("A")).unwrap();
        let r = open(w.to_bytes().unwrap());
        assert_eq!(net(&r, "10.1.0.1"), "10.0.0.0/8");
    }

    #[test]
    fn identical_values_are_stored_once() {
        let record = || {
            Value::map([
                (
                    "country",
                    Value::map([("iso_code", s("KP")), ("geoname_id", Value::U32(1_873_107))]),
                ),
                (
                    "names",
                    Value::map([("en", s("North Korea")), ("de", s("Nordkorea"))]),
                ),
            ])
        };
        let mut one = writer(4);
        one.insert("1.0.0.0/24", record()).unwrap();
        let one = one.write_to(io::sink()).unwrap();

        let mut many = writer(4);
        for i in 0..10_000u32 {
            many.insert((Ipv4Addr::from(0x0100_0000 + (i << 8)), 24), record())
                .unwrap();
        }
        assert_eq!(many.distinct_values(), 1);
        let many_summary = many.write_to(io::sink()).unwrap();
        assert_eq!(many_summary.data_section_len, one.data_section_len);
        let tree_bytes =
            u64::from(many_summary.node_count) * u64::from(many_summary.record_size) / 4;
        assert!(
            many_summary.file_len - tree_bytes < one.file_len + 16,
            "{many_summary:?} vs {one:?}"
        );
        let r = open(many.to_bytes().unwrap());
        assert_eq!(get(&r, "1.0.200.1"), Some(record()));
        let offsets: std::collections::HashSet<_> = ["1.0.0.1", "1.10.0.1", "1.39.15.1"]
            .iter()
            .map(|ip| r.lookup(ip.parse().unwrap()).unwrap().offset())
            .collect();
        assert_eq!(offsets.len(), 1);

        // Shared parts of different values are written once and pointed to.
        let country = Value::map([(
            "names",
            Value::map([("en", s(&"Country name ".repeat(20)))]),
        )]);
        let mut w = writer(4);
        for i in 0..100u32 {
            let v = Value::map([("country", country.clone()), ("id", Value::U32(i))]);
            w.insert((Ipv4Addr::from(0x0200_0000 + (i << 8)), 24), v)
                .unwrap();
        }
        let summary = w.write_to(io::sink()).unwrap();
        assert!(summary.data_section_len < 260 + 100 * 20, "{summary:?}");
        let r = open(w.to_bytes().unwrap());
        let Some(Value::Map(m)) = get(&r, "2.0.99.1") else {
            panic!()
        };
        assert_eq!((&m["country"], &m["id"]), (&country, &Value::U32(99)));
    }

    #[test]
    fn metadata_round_trips() {
        let mut w = writer(6);
        w.insert("1.2.3.0/24", s("x")).unwrap();
        let r = open(w.to_bytes().unwrap());
        let m = r.metadata();
        assert_eq!(m.binary_format_major_version, 2);
        assert_eq!(m.binary_format_minor_version, 0);
        assert_eq!(m.build_epoch, 1_700_000_000);
        assert_eq!(m.database_type, "Vetgate-Test");
        assert_eq!(m.ip_version, 6);
        assert_eq!(m.languages, ["en", "de"]);
        assert_eq!(m.description["en"], "test database");
        assert_eq!(m.description["de"], "Testdatenbank");
        assert_eq!(m.record_size, 24);
        assert_eq!(m.node_count, w.write_to(io::sink()).unwrap().node_count);
        // 96 zero bits, 24 more for the /24, plus the alias paths.
        assert!(m.node_count >= 120, "{}", m.node_count);

        // Defaults: build_epoch is now; empty languages and description.
        let w = Writer::new("Minimal", 4).unwrap();
        let r = open_unverified(w.to_bytes().unwrap());
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs();
        assert!(r.metadata().build_epoch.abs_diff(now) < 60);
        assert!(r.metadata().languages.is_empty());
        assert!(r.metadata().description.is_empty());
        assert_eq!(r.metadata().node_count, 1);
        assert_eq!(get(&r, "1.1.1.1"), None);
    }

    fn open_unverified(bytes: Vec<u8>) -> Db {
        // verify() insists on a non-empty description; the format does not.
        Reader::from_source(bytes).unwrap()
    }

    #[test]
    fn output_is_deterministic() {
        let nets = [
            "1.0.0.0/24",
            "2001:db8::/32",
            "9.9.0.0/16",
            "::ffff:7.7.7.0/120",
            "2a00::/12",
        ];
        let build = |order: &[usize]| {
            let mut w = writer(6);
            for &i in order {
                w.insert(
                    nets[i],
                    Value::map([("i", Value::U32(i as u32)), ("shared", s("same"))]),
                )
                .unwrap();
            }
            w.to_bytes().unwrap()
        };
        let a = build(&[0, 1, 2, 3, 4]);
        assert_eq!(a, build(&[0, 1, 2, 3, 4]));
        // Disjoint networks in another order give the same file.
        assert_eq!(a, build(&[4, 3, 2, 1, 0]));
        open(a);
    }

    #[test]
    fn record_size_is_chosen_and_checked() {
        let mut w = writer(4);
        w.insert("1.0.0.0/8", s("small")).unwrap();
        assert_eq!(w.write_to(io::sink()).unwrap().record_size, 24);
        assert!(matches!(
            w.record_size(20),
            Err(WriteError::InvalidRecordSize(20))
        ));
        // A data section past 2^24 bytes needs 28-bit records.
        w.insert("2.0.0.0/8", Value::bytes(vec![7u8; 16_800_000]))
            .unwrap();
        let summary = w.write_to(io::sink()).unwrap();
        assert_eq!(summary.record_size, 28);
        w.record_size(24).unwrap();
        assert!(matches!(
            w.to_bytes(),
            Err(WriteError::RecordSizeTooSmall {
                requested: 24,
                required: 28
            })
        ));
        w.record_size(32).unwrap();
        let r = open_unverified(w.to_bytes().unwrap());
        assert_eq!(r.metadata().record_size, 32);
        assert_eq!(get(&r, "1.2.3.4"), Some(s("small")));
        w.auto_record_size();
        let r = open_unverified(w.to_bytes().unwrap());
        assert_eq!(r.metadata().record_size, 28);
        assert_eq!(get(&r, "1.2.3.4"), Some(s("small")));
        let big: Option<u32> = r
            .lookup("2.0.0.1".parse().unwrap())
            .unwrap()
            .offset()
            .map(|o| o as u32);
        assert!(big.is_some());
    }

    #[test]
    fn networks_parse_leniently_but_safely() {
        let n: Network = "175.45.176.0/22".parse().unwrap();
        assert_eq!(
            (n.addr(), n.prefix_len()),
            ("175.45.176.0".parse().unwrap(), 22)
        );
        assert_eq!(
            "10.1.2.3/8".parse::<Network>().unwrap().to_string(),
            "10.0.0.0/8"
        );
        assert_eq!(
            "1.2.3.4".parse::<Network>().unwrap().to_string(),
            "1.2.3.4/32"
        );
        assert_eq!(
            "2001:db8::1/32".parse::<Network>().unwrap().to_string(),
            "2001:db8::/32"
        );
        assert_eq!("::1".parse::<Network>().unwrap().prefix_len(), 128);
        assert_eq!("0.0.0.0/0".parse::<Network>().unwrap().prefix_len(), 0);
        for bad in [
            "1.2.3.0/33",
            "::/129",
            "1.2.3.0/",
            "1.2.3.0/+1",
            "1.2.3.0/-1",
            "1.2.3.0/1000",
            "x/8",
            "",
            "/8",
            "1.2.3/24",
            "1.2.3.0/24/1",
        ] {
            assert!(
                matches!(
                    bad.parse::<Network>(),
                    Err(WriteError::InvalidNetwork { .. })
                ),
                "{bad:?}"
            );
        }
        assert!(Network::new("1.2.3.4".parse().unwrap(), 33).is_err());
        let mut w = writer(4);
        assert!(w.insert("1.2.3.0/33", s("x")).is_err());
        assert!(w.insert((Ipv4Addr::new(1, 2, 3, 4), 40), s("x")).is_err());
        w.insert((Ipv4Addr::new(1, 2, 3, 4), 24), s("x")).unwrap();
        w.insert(IpAddr::from([5, 6, 7, 8]), s("y")).unwrap();
        let r = open(w.to_bytes().unwrap());
        assert_eq!(net(&r, "1.2.3.200"), "1.2.3.0/24");
        assert_eq!(net(&r, "5.6.7.8"), "5.6.7.8/32");
    }

    #[test]
    fn bad_input_is_an_error_not_a_panic() {
        assert!(matches!(
            Writer::new("x", 5),
            Err(WriteError::InvalidIpVersion(5))
        ));
        assert!(matches!(
            Writer::new("", 4),
            Err(WriteError::EmptyDatabaseType)
        ));
        let mut w = writer(4);
        assert!(matches!(
            w.insert("1.0.0.0/8", Value::bytes(vec![0u8; MAX_PAYLOAD_SIZE + 1])),
            Err(WriteError::ValueTooLarge { .. })
        ));
        let mut deep = Value::U16(1);
        for _ in 0..MAX_VALUE_DEPTH {
            deep = Value::array([deep]);
        }
        w.insert("1.0.0.0/8", deep.clone()).unwrap();
        assert!(matches!(
            w.insert("2.0.0.0/8", Value::array([deep])),
            Err(WriteError::ValueTooDeep)
        ));
        assert!(matches!(
            w.insert_id("3.0.0.0/8", ValueId(99)),
            Err(WriteError::UnknownValueId(99))
        ));
        w.description("en", "x".repeat(200_000));
        assert!(matches!(w.to_bytes(), Err(WriteError::MetadataTooLarge(_))));
        // A failed insert leaves earlier data intact.
        w.description("en", "ok");
        let r = open(w.to_bytes().unwrap());
        assert!(get(&r, "1.1.1.1").is_some());
        assert_eq!(get(&r, "2.2.2.2"), None);
    }

    #[test]
    fn interned_values_and_ranges() {
        let cidrs = |lo: &str, hi: &str| {
            let lo: Ipv4Addr = lo.parse().unwrap();
            let hi: Ipv4Addr = hi.parse().unwrap();
            range_to_networks(u32::from(lo).into(), u32::from(hi).into(), 32)
                .into_iter()
                .map(|(a, l)| format!("{}/{l}", Ipv4Addr::from(a as u32)))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            cidrs("1.0.0.1", "1.0.0.10"),
            [
                "1.0.0.1/32",
                "1.0.0.2/31",
                "1.0.0.4/30",
                "1.0.0.8/31",
                "1.0.0.10/32"
            ]
        );
        assert_eq!(cidrs("0.0.0.0", "255.255.255.255"), ["0.0.0.0/0"]);
        assert_eq!(cidrs("10.0.0.0", "10.255.255.255"), ["10.0.0.0/8"]);
        assert_eq!(
            cidrs("255.255.255.255", "255.255.255.255"),
            ["255.255.255.255/32"]
        );
        assert_eq!(range_to_networks(0, u128::MAX, 128), [(0, 0)]);
        assert_eq!(
            range_to_networks(u128::MAX - 1, u128::MAX, 128),
            [(u128::MAX - 1, 127)]
        );

        let mut w = writer(6);
        let asn = w
            .intern(Value::map([(
                "autonomous_system_number",
                Value::U32(64_500),
            )]))
            .unwrap();
        assert_eq!(
            asn,
            w.intern(Value::map([(
                "autonomous_system_number",
                Value::U32(64_500)
            )]))
            .unwrap()
        );
        w.insert_id("100.64.0.0/10", asn).unwrap();
        w.insert_range(
            "1.0.0.1".parse().unwrap(),
            "1.0.0.10".parse().unwrap(),
            Value::U32(1),
        )
        .unwrap();
        w.insert_range(
            "2001:db8::".parse().unwrap(),
            "2001:db8::ff".parse().unwrap(),
            Value::U32(2),
        )
        .unwrap();
        let v4: IpAddr = "1.0.0.1".parse().unwrap();
        let v6: IpAddr = "::1".parse().unwrap();
        assert!(matches!(
            w.insert_range(v4, v6, Value::U32(3)),
            Err(WriteError::InvalidRange { .. })
        ));
        let later: IpAddr = "1.0.0.0".parse().unwrap();
        assert!(matches!(
            w.insert_range(v4, later, Value::U32(3)),
            Err(WriteError::InvalidRange { .. })
        ));
        let r = open(w.to_bytes().unwrap());
        assert_eq!(
            get(&r, "100.127.255.255"),
            Some(Value::map([(
                "autonomous_system_number",
                Value::U32(64_500)
            )]))
        );
        assert_eq!(get(&r, "1.0.0.0"), None);
        assert_eq!(get(&r, "1.0.0.1"), Some(Value::U32(1)));
        assert_eq!(get(&r, "1.0.0.10"), Some(Value::U32(1)));
        assert_eq!(get(&r, "1.0.0.11"), None);
        assert_eq!(get(&r, "2001:db8::ff"), Some(Value::U32(2)));
        assert_eq!(get(&r, "2001:db8::100"), None);
    }

    #[test]
    fn writes_files_atomically() {
        let dir = std::env::temp_dir().join(format!("mmdb-writer-test-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let path = dir.join("asn.mmdb");
        let mut w = writer(4);
        w.insert("1.0.0.0/8", s("first")).unwrap();
        let summary = w.write_file_atomically(&path).unwrap();
        assert_eq!(fs::metadata(&path).unwrap().len(), summary.file_len);
        w.insert("1.0.0.0/8", s("second")).unwrap();
        w.write_file_atomically(&path).unwrap();
        let r = Reader::open_readfile(&path).unwrap();
        assert_eq!(get(&r, "1.1.1.1"), Some(s("second")));
        let names: Vec<_> = fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["asn.mmdb"]);
        // Failures are errors and leave nothing behind.
        assert!(matches!(
            w.write_file_atomically("/"),
            Err(WriteError::InvalidPath(_))
        ));
        assert!(matches!(
            w.write_file_atomically(dir.join("missing/x.mmdb")),
            Err(WriteError::Io(_))
        ));
        w.description("en", "x".repeat(200_000));
        assert!(w.write_file_atomically(&path).is_err());
        let names: Vec<_> = fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["asn.mmdb"]);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn empty_and_whole_space_databases() {
        for ip_version in [4, 6] {
            let w = writer(ip_version);
            let r = open(w.to_bytes().unwrap());
            assert_eq!(r.metadata().node_count, 1);
            assert_eq!(get(&r, "1.2.3.4"), None);
            let mut w = writer(ip_version);
            w.insert(if ip_version == 4 { "0.0.0.0/0" } else { "::/0" }, s("all"))
                .unwrap();
            let r = open(w.to_bytes().unwrap());
            assert_eq!(get(&r, "1.2.3.4"), Some(s("all")));
            assert_eq!(get(&r, "255.255.255.255"), Some(s("all")));
        }
    }

    // --- Compatibility with MaxMind's own test databases -------------------

    /// JSON from MaxMind's source files, typed as MaxMind's databases type it.
    fn from_json(key: &str, j: &serde_json::Value) -> Value {
        match j {
            serde_json::Value::Bool(b) => Value::Bool(*b),
            serde_json::Value::String(x) => s(x),
            serde_json::Value::Number(n) if matches!(key, "latitude" | "longitude") => {
                Value::Double(n.as_f64().unwrap())
            }
            serde_json::Value::Number(n) => match (n.as_u64(), n.as_i64()) {
                (Some(u), _) if matches!(key, "accuracy_radius" | "metro_code" | "confidence") => {
                    Value::U16(u16::try_from(u).expect("u16 field"))
                }
                (Some(u), _) => u32::try_from(u).map_or(Value::U64(u), Value::U32),
                (None, Some(i)) => Value::I32(i32::try_from(i).expect("i32")),
                _ => Value::Double(n.as_f64().unwrap()),
            },
            serde_json::Value::Array(a) => {
                Value::Array(a.iter().map(|x| from_json(key, x)).collect())
            }
            serde_json::Value::Object(o) => Value::Map(
                o.iter()
                    .map(|(k, v)| (k.clone(), from_json(k, v)))
                    .collect(),
            ),
            serde_json::Value::Null => panic!("null in source"),
        }
    }

    fn diff(path: &str, a: &Value, b: &Value, out: &mut Vec<String>) {
        match (a, b) {
            (Value::Map(x), Value::Map(y)) => {
                let keys: std::collections::BTreeSet<_> = x.keys().chain(y.keys()).collect();
                for k in keys {
                    match (x.get(k), y.get(k)) {
                        (Some(p), Some(q)) => diff(&format!("{path}.{k}"), p, q, out),
                        (p, q) => out.push(format!("{path}.{k}: {p:?} vs {q:?}")),
                    }
                }
            }
            (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
                for (i, (p, q)) in x.iter().zip(y).enumerate() {
                    diff(&format!("{path}[{i}]"), p, q, out);
                }
            }
            _ if a != b => out.push(format!("{path}: {a:?} vs {b:?}")),
            _ => {}
        }
    }

    /// Rebuilds `name` from its source JSON and compares lookups with
    /// MaxMind's file. Returns (networks compared, networks MaxMind lists).
    fn compare_with_maxmind(name: &str) -> (usize, usize) {
        let theirs = Reader::open_readfile(format!("{}/{name}.mmdb", test_data())).unwrap();
        let source: Vec<BTreeMap<String, serde_json::Value>> = serde_json::from_str(
            &fs::read_to_string(format!("{}/{name}.source.json", test_data())).unwrap(),
        )
        .unwrap();
        let meta = theirs.metadata();
        let mut w = Writer::new(meta.database_type.clone(), meta.ip_version as u8).unwrap();
        w.build_epoch(meta.build_epoch)
            .languages(meta.languages.clone());
        for (lang, text) in &meta.description {
            w.description(lang, text);
        }
        let mut networks = Vec::new();
        for entry in &source {
            for (network, record) in entry {
                w.insert(network.as_str(), from_json("", record)).unwrap();
                networks.push(network.parse::<Network>().unwrap());
            }
        }
        let ours = open(w.to_bytes().unwrap());
        let mut mismatches = Vec::new();
        for n in &networks {
            // Also the last address, and the IPv4-mapped form of IPv4 networks.
            let mut ips = vec![n.addr()];
            if let IpAddr::V4(a) = n.addr() {
                ips.push(IpAddr::V6(a.to_ipv6_mapped()));
            }
            for ip in ips {
                let (a, b) = (theirs.lookup(ip).unwrap(), ours.lookup(ip).unwrap());
                let (va, vb) = (a.decode::<Value>().unwrap(), b.decode::<Value>().unwrap());
                let (na, nb) = (
                    a.network().unwrap().to_string(),
                    b.network().unwrap().to_string(),
                );
                if va.is_none() || va != vb || na != nb {
                    let mut d = Vec::new();
                    if let (Some(x), Some(y)) = (&va, &vb) {
                        diff("", x, y, &mut d);
                    }
                    mismatches.push(format!("{n} ({ip}): theirs {na} ours {nb}: {d:?}"));
                }
            }
        }
        // Every network MaxMind's file lists decodes the same in ours.
        let mut listed = 0;
        for item in theirs.networks(Default::default()).unwrap() {
            let item = item.unwrap();
            let network = item.network().unwrap();
            let ip = network.ip();
            let b = ours.lookup(ip).unwrap();
            if item.decode::<Value>().unwrap() != b.decode::<Value>().unwrap()
                || network.to_string() != b.network().unwrap().to_string()
            {
                mismatches.push(format!("listed {network}: ours {:?}", b.network()));
            }
            listed += 1;
        }
        assert!(
            mismatches.is_empty(),
            "{name}: {} mismatches:\n{}",
            mismatches.len(),
            mismatches.join("\n")
        );
        (networks.len(), listed)
    }

    #[test]
    fn matches_maxmind_city_test_database() {
        let (compared, listed) = compare_with_maxmind("GeoIP2-City-Test");
        assert!(compared > 200 && listed > 200, "{compared} {listed}");
    }

    #[test]
    fn matches_maxmind_asn_test_database() {
        let (compared, listed) = compare_with_maxmind("GeoLite2-ASN-Test");
        assert!(compared > 700 && listed > 400, "{compared} {listed}");
    }

    // --- Heavy tests: `cargo test --release -- --ignored --nocapture` ------

    #[test]
    #[ignore = "builds a ~140 MB data section"]
    fn five_byte_pointers_resolve() {
        // Push a shared string past offset 134,744,064 so a later value needs
        // the 32-bit pointer form to reach it.
        let mut w = writer(4);
        for i in 0..9u8 {
            w.insert(
                (Ipv4Addr::new(1, i, 0, 0), 16),
                Value::bytes(vec![i; 15_000_000]),
            )
            .unwrap();
        }
        let shared = s(&"shared string ".repeat(10));
        w.insert("2.0.0.0/16", Value::array([shared.clone(), Value::U16(1)]))
            .unwrap();
        w.insert("3.0.0.0/16", Value::array([shared.clone(), Value::U16(2)]))
            .unwrap();
        let bytes = w.to_bytes().unwrap();
        let r = open_unverified(bytes);
        assert!(
            r.lookup("2.0.0.1".parse().unwrap())
                .unwrap()
                .offset()
                .unwrap()
                > 134_744_064
        );
        assert_eq!(
            get(&r, "3.0.0.1"),
            Some(Value::array([shared, Value::U16(2)]))
        );
    }

    #[test]
    #[ignore = "throughput: run with --release"]
    fn throughput_one_million_networks() {
        // 1M networks of mixed lengths (/16 - /32) with 4,000 distinct ASN-like
        // values, in an IPv6 database like the ASN database the service builds.
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let values: Vec<Value> = (0..4000u32)
            .map(|i| {
                Value::map([
                    ("autonomous_system_number", Value::U32(64_000 + i)),
                    (
                        "autonomous_system_organization",
                        s(&format!("Example Networks {i} Ltd")),
                    ),
                ])
            })
            .collect();
        let start = std::time::Instant::now();
        let mut w = writer(6);
        let ids: Vec<ValueId> = values
            .iter()
            .map(|v| w.intern(v.clone()).unwrap())
            .collect();
        let mut inserted = Vec::new();
        for i in 0..1_000_000u32 {
            let r = next();
            let len = 16 + (r % 17) as u8;
            let addr = Ipv4Addr::from((r >> 20) as u32);
            let value = if i % 2 == 0 {
                ids[(r >> 8) as usize % ids.len()]
            } else {
                w.intern(values[(r >> 8) as usize % values.len()].clone())
                    .unwrap()
            };
            w.insert_id((addr, len), value).unwrap();
            if i % 100_000 == 0 {
                inserted.push(addr);
            }
        }
        let built = start.elapsed();
        let dir = std::env::temp_dir().join(format!("mmdb-writer-bench-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let summary = w.write_file_atomically(dir.join("bench.mmdb")).unwrap();
        let total = start.elapsed();
        println!(
            "1M networks: insert {:.2?}, insert+write {:.2?}; {} nodes, {}-bit records, data {} B, file {} B",
            built,
            total,
            summary.node_count,
            summary.record_size,
            summary.data_section_len,
            summary.file_len
        );
        let r = Reader::open_readfile(dir.join("bench.mmdb")).unwrap();
        for ip in inserted {
            assert!(r.lookup(IpAddr::V4(ip)).unwrap().has_data());
        }
        fs::remove_dir_all(&dir).unwrap();
        assert!(total.as_secs() < 30);
    }
}
