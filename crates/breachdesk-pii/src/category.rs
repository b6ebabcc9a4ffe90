//! The categories of personal data, by their stable ids.

/// A category of personal data the product finds and tells people about, by its stable id of
/// DESIGN.md: the leak scanner's categories, the assessment's scanned categories and a letter's
/// data elements are these ids and no others.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Category {
    PersonName,
    PostalAddress,
    NationalId,
    PaymentCard,
    Iban,
    Email,
    Phone,
    IpAddress,
    CustomerNumber,
    DateOfBirth,
    Credential,
    Health,
    Photo,
}

impl Category {
    /// Every category, in the order of the enum (`ALL[c as usize] == c`).
    pub const ALL: [Self; 13] = [
        Self::PersonName,
        Self::PostalAddress,
        Self::NationalId,
        Self::PaymentCard,
        Self::Iban,
        Self::Email,
        Self::Phone,
        Self::IpAddress,
        Self::CustomerNumber,
        Self::DateOfBirth,
        Self::Credential,
        Self::Health,
        Self::Photo,
    ];

    /// Every category's id, in the order of [`Self::ALL`].
    pub const IDS: [&'static str; 13] = {
        let mut ids = [""; 13];
        let mut i = 0;
        while i < ids.len() {
            ids[i] = Self::ALL[i].id();
            i += 1;
        }
        ids
    };

    /// The category with this id.
    #[must_use]
    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.id() == id)
    }

    #[must_use]
    pub const fn id(self) -> &'static str {
        match self {
            Self::PersonName => "person_name",
            Self::PostalAddress => "postal_address",
            Self::NationalId => "national_id",
            Self::PaymentCard => "payment_card",
            Self::Iban => "iban",
            Self::Email => "email",
            Self::Phone => "phone",
            Self::IpAddress => "ip_address",
            Self::CustomerNumber => "customer_number",
            Self::DateOfBirth => "date_of_birth",
            Self::Credential => "credential",
            Self::Health => "health",
            Self::Photo => "photo",
        }
    }

    /// Identifiers strong enough to say two records are about the same person.
    #[must_use]
    pub const fn is_strong(self) -> bool {
        matches!(
            self,
            Self::NationalId
                | Self::PaymentCard
                | Self::Iban
                | Self::Email
                | Self::Phone
                | Self::CustomerNumber
        )
    }
}

#[cfg(test)]
mod tests {
    use super::Category;

    #[test]
    fn ids_are_distinct_and_lead_back() {
        for (i, c) in Category::ALL.into_iter().enumerate() {
            assert_eq!(c as usize, i);
            assert_eq!(Category::IDS[i], c.id());
            assert_eq!(Category::from_id(c.id()), Some(c));
        }
        let mut ids = Category::IDS.to_vec();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), Category::ALL.len());
        assert_eq!(Category::from_id("education"), None);
    }
}
