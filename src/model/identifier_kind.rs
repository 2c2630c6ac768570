//! The kinds of identifier applications are indexed under and linked by: the vocabulary the index,
//! the facts stage and the checks share.

/// What an index entry or probe stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IdentifierKind {
    /// Document number per issuing state.
    DocumentNumber,
    /// SHA-256 of the portrait image.
    PortraitDigest,
    /// One 16-bit block of the portrait's perceptual hash.
    PortraitBlock,
    /// The payout account: IBAN, account and routing number, provider account, crypto address.
    PayoutAccount,
    /// A device id reported by a session.
    DeviceId,
    /// The phone number, digits with the country prefix.
    Phone,
    /// The e-mail address, case folded, Gmail dots and `+tags` removed.
    Email,
    /// The shipping address, normalised.
    ShippingAddress,
    /// The address of a session running remote-access tools.
    RemoteAccessIp,
    /// The /24 (IPv4) or /48 (IPv6) of a session running remote-access tools.
    RemoteAccessSubnet,
    /// A session's residential address: the exact IPv4 address, or the IPv6 /64 (one home's
    /// network; its devices' own addresses rotate). See [`residential`].
    ResidentialIp,
}

impl IdentifierKind {
    pub fn as_str(self) -> &'static str {
        match self {
            IdentifierKind::DocumentNumber => "document_number",
            IdentifierKind::PortraitDigest => "portrait_sha256",
            IdentifierKind::PortraitBlock => "portrait_phash",
            IdentifierKind::PayoutAccount => "payout_account",
            IdentifierKind::DeviceId => "device_id",
            IdentifierKind::Phone => "phone",
            IdentifierKind::Email => "email",
            IdentifierKind::ShippingAddress => "shipping_address",
            IdentifierKind::RemoteAccessIp => "remote_access_ip",
            IdentifierKind::RemoteAccessSubnet => "remote_access_subnet",
            IdentifierKind::ResidentialIp => "residential_ip",
        }
    }

    /// The kinds the links checks own (document and portrait reuse belong to the identity checks, docs/signals.md).
    pub fn is_link(self) -> bool {
        !matches!(
            self,
            IdentifierKind::DocumentNumber
                | IdentifierKind::PortraitDigest
                | IdentifierKind::PortraitBlock
        )
    }

    pub const LINKS: [IdentifierKind; 8] = [
        IdentifierKind::PayoutAccount,
        IdentifierKind::DeviceId,
        IdentifierKind::Phone,
        IdentifierKind::Email,
        IdentifierKind::ShippingAddress,
        IdentifierKind::RemoteAccessIp,
        IdentifierKind::RemoteAccessSubnet,
        IdentifierKind::ResidentialIp,
    ];

    /// The attributes that tie applications to one operator: clusters are walked through these.
    pub const STRONG: [IdentifierKind; 4] = [
        IdentifierKind::PayoutAccount,
        IdentifierKind::DeviceId,
        IdentifierKind::ShippingAddress,
        IdentifierKind::DocumentNumber,
    ];

    /// Every kind: the identity document's three, then [`IdentifierKind::LINKS`].
    pub const ALL: [IdentifierKind; 11] = {
        let mut all = [IdentifierKind::DocumentNumber; 11];
        all[1] = IdentifierKind::PortraitDigest;
        all[2] = IdentifierKind::PortraitBlock;
        let mut i = 0;
        while i < IdentifierKind::LINKS.len() {
            all[3 + i] = IdentifierKind::LINKS[i];
            i += 1;
        }
        all
    };

    pub fn parse(s: &str) -> Option<IdentifierKind> {
        IdentifierKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}
