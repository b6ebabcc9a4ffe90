//! What the assessment engine reads: the scope of a breach and the answers of the questionnaire.
//! Every answer that can change the outcome is an `Option`: absent means "not known yet", and the
//! engine then says which answers it needs instead of assuming one.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A category of personal data, by the ids of the case scope and the scanner, plus the special
/// categories of Art. 9 and 10 GDPR and the broad categories of the ENISA method.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum DataCategory {
    PersonName,
    PostalAddress,
    Phone,
    Email,
    DateOfBirth,
    NationalId,
    CustomerNumber,
    Photo,
    Education,
    Employment,
    Family,
    IpAddress,
    Location,
    Behaviour,
    Iban,
    PaymentCard,
    Financial,
    /// Passwords, password hashes, API keys: scored by what they give access to.
    Credential,
    Health,
    RacialOrEthnicOrigin,
    PoliticalOpinions,
    ReligiousOrPhilosophicalBeliefs,
    TradeUnionMembership,
    Genetic,
    Biometric,
    SexLifeOrOrientation,
    /// Art. 10: criminal convictions and offences.
    CriminalConvictions,
}

/// The four data types of ENISA's Data Processing Context, with their basic scores.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum EnisaDataType {
    /// Basic score 1: biographical data, contact details, names, education, family, work.
    Simple,
    /// Basic score 2: location, traffic, preferences and habits.
    Behavioural,
    /// Basic score 3: income, transactions, bank statements, cards, invoices, social welfare.
    Financial,
    /// Basic score 4: special categories (Art. 9 and 10 GDPR).
    Sensitive,
}

impl EnisaDataType {
    #[must_use]
    pub const fn basic_score(self) -> i8 {
        match self {
            Self::Simple => 1,
            Self::Behavioural => 2,
            Self::Financial => 3,
            Self::Sensitive => 4,
        }
    }

    #[must_use]
    pub const fn id(self) -> &'static str {
        match self {
            Self::Simple => "simple",
            Self::Behavioural => "behavioural",
            Self::Financial => "financial",
            Self::Sensitive => "sensitive",
        }
    }
}

impl DataCategory {
    /// The ENISA data type of a category; `None` for credentials, which ENISA scores by the data
    /// they give access to.
    #[must_use]
    pub const fn enisa_type(self) -> Option<EnisaDataType> {
        use DataCategory::{
            Behaviour, Biometric, Credential, CriminalConvictions, CustomerNumber, DateOfBirth,
            Education, Email, Employment, Family, Financial, Genetic, Health, Iban, IpAddress,
            Location, NationalId, PaymentCard, PersonName, Phone, Photo, PoliticalOpinions,
            PostalAddress, RacialOrEthnicOrigin, ReligiousOrPhilosophicalBeliefs,
            SexLifeOrOrientation, TradeUnionMembership,
        };
        match self {
            PersonName | PostalAddress | Phone | Email | DateOfBirth | NationalId
            | CustomerNumber | Photo | Education | Employment | Family => {
                Some(EnisaDataType::Simple)
            }
            IpAddress | Location | Behaviour => Some(EnisaDataType::Behavioural),
            Iban | PaymentCard | Financial => Some(EnisaDataType::Financial),
            Health
            | RacialOrEthnicOrigin
            | PoliticalOpinions
            | ReligiousOrPhilosophicalBeliefs
            | TradeUnionMembership
            | Genetic
            | Biometric
            | SexLifeOrOrientation
            | CriminalConvictions => Some(EnisaDataType::Sensitive),
            Credential => None,
        }
    }

    /// Every category, in the order forms list them.
    pub const ALL: [DataCategory; 27] = {
        #[allow(clippy::enum_glob_use)]
        use DataCategory::*;
        [
            PersonName,
            PostalAddress,
            Phone,
            Email,
            DateOfBirth,
            NationalId,
            CustomerNumber,
            Photo,
            Education,
            Employment,
            Family,
            IpAddress,
            Location,
            Behaviour,
            Iban,
            PaymentCard,
            Financial,
            Credential,
            Health,
            RacialOrEthnicOrigin,
            PoliticalOpinions,
            ReligiousOrPhilosophicalBeliefs,
            TradeUnionMembership,
            Genetic,
            Biometric,
            SexLifeOrOrientation,
            CriminalConvictions,
        ]
    };

    /// The ids of the categories the leak scanner finds and a letter's data elements: defined
    /// once, as `breachdesk_pii::Category`; each is a category of this enum (checked below).
    pub const SCANNED_IDS: [&'static str; 13] = breachdesk_pii::Category::IDS;

    /// Every category's id, in the order of [`Self::ALL`]: the one list that scope, assessment,
    /// letters and notices share.
    pub const IDS: [&'static str; 27] = {
        let mut ids = [""; 27];
        let mut i = 0;
        while i < ids.len() {
            ids[i] = Self::ALL[i].as_str();
            i += 1;
        }
        ids
    };

    /// The id used in JSON and messages (the serde name).
    #[must_use]
    pub fn id(self) -> String {
        self.as_str().to_owned()
    }

    /// The category with this id.
    #[must_use]
    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == id)
    }

    /// The id used in JSON and messages, as a constant.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::PersonName => "person_name",
            Self::PostalAddress => "postal_address",
            Self::Phone => "phone",
            Self::Email => "email",
            Self::DateOfBirth => "date_of_birth",
            Self::NationalId => "national_id",
            Self::CustomerNumber => "customer_number",
            Self::Photo => "photo",
            Self::Education => "education",
            Self::Employment => "employment",
            Self::Family => "family",
            Self::IpAddress => "ip_address",
            Self::Location => "location",
            Self::Behaviour => "behaviour",
            Self::Iban => "iban",
            Self::PaymentCard => "payment_card",
            Self::Financial => "financial",
            Self::Credential => "credential",
            Self::Health => "health",
            Self::RacialOrEthnicOrigin => "racial_or_ethnic_origin",
            Self::PoliticalOpinions => "political_opinions",
            Self::ReligiousOrPhilosophicalBeliefs => "religious_or_philosophical_beliefs",
            Self::TradeUnionMembership => "trade_union_membership",
            Self::Genetic => "genetic",
            Self::Biometric => "biometric",
            Self::SexLifeOrOrientation => "sex_life_or_orientation",
            Self::CriminalConvictions => "criminal_convictions",
        }
    }
}

/// A context factor of ENISA Annex 1 A2 that moves the DPC by whole steps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ContextFactor {
    /// Increasing: much data about the same person, in time or in content.
    Volume,
    /// Increasing: the controller's field reveals more (an online pharmacy's customer list).
    ControllerSector,
    /// Increasing: minors or other vulnerable people, or people at particular risk.
    VulnerableSubjects,
    /// Increasing: the data allow a profile of everyday life or of sensitive traits.
    Profiling,
    /// Decreasing: the data were public before the breach or easily collected from public sources.
    PubliclyAvailable,
    /// Decreasing: the data are known for certain to be invalid or inaccurate.
    InaccurateData,
    /// Either way, with great care: what the data themselves reveal. ENISA Table 1 moves it both
    /// ways: full card data that enable fraud +1 on financial data; a certificate saying only that
    /// a person is in good health -3 on sensitive data.
    NatureOfData,
}

impl ContextFactor {
    #[must_use]
    /// The whole steps this factor may move the DPC: up, down, or (for the nature of the data)
    /// either way. Zero is never a step.
    pub fn allows(self, steps: i8) -> bool {
        match self {
            Self::Volume | Self::ControllerSector | Self::VulnerableSubjects | Self::Profiling => {
                (1..=3).contains(&steps)
            }
            Self::PubliclyAvailable | Self::InaccurateData => (-3..=-1).contains(&steps),
            Self::NatureOfData => steps != 0 && (-3..=3).contains(&steps),
        }
    }

    #[must_use]
    pub const fn id(self) -> &'static str {
        match self {
            Self::Volume => "volume",
            Self::ControllerSector => "controller_sector",
            Self::VulnerableSubjects => "vulnerable_subjects",
            Self::Profiling => "profiling",
            Self::PubliclyAvailable => "publicly_available",
            Self::InaccurateData => "inaccurate_data",
            Self::NatureOfData => "nature_of_data",
        }
    }
}

/// One whole-step change of the DPC of one data category, with the reason that ENISA requires
/// for any change. ENISA scores each category with its own adjustments and takes the highest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct DpcAdjustment {
    /// The affected category whose score this changes (one of `data_categories`). Required:
    /// an adjustment without its category is reported as a missing answer.
    #[serde(default)]
    pub category: Option<DataCategory>,
    pub factor: ContextFactor,
    /// Whole steps: 1–3 for increasing factors (positive), 1–3 for decreasing ones (negative).
    pub steps: i8,
    /// Why this factor applies here. Required.
    pub justification: String,
}

/// ENISA Ease of Identification.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Identification {
    /// 0.25: matching the data to a person is extremely difficult.
    Negligible,
    /// 0.5
    Limited,
    /// 0.75
    Significant,
    /// 1: the data identify people directly (names, identity codes).
    Maximum,
}

impl Identification {
    #[must_use]
    pub const fn score(self) -> f64 {
        match self {
            Self::Negligible => 0.25,
            Self::Limited => 0.5,
            Self::Significant => 0.75,
            Self::Maximum => 1.0,
        }
    }

    #[must_use]
    pub const fn id(self) -> &'static str {
        match self {
            Self::Negligible => "negligible",
            Self::Limited => "limited",
            Self::Significant => "significant",
            Self::Maximum => "maximum",
        }
    }
}

/// Loss of confidentiality (ENISA Annex 3).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Confidentiality {
    /// Not a confidentiality breach.
    None,
    /// Exposed to a risk, but no evidence of illegal processing (lost file or laptop). 0.
    ExposedNoEvidence,
    /// Disclosed to a number of known recipients (e-mail to the wrong known people). +0.25.
    KnownRecipients,
    /// Disclosed to an unknown number of recipients (published, sold, hacked). +0.5.
    UnknownRecipients,
}

/// Loss of integrity (ENISA Annex 3).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Integrity {
    None,
    /// Altered, but the original data were recovered before any use and no incorrect or
    /// illegal use was identified (ENISA Annex 3). 0. Data altered and not yet restored are
    /// `recoverable` or `not_recoverable`.
    AlteredNotUsed,
    /// Altered and possibly misused, recoverable. +0.25.
    Recoverable,
    /// Altered and possibly misused, not recoverable. +0.5.
    NotRecoverable,
}

/// Loss of availability (ENISA Annex 3).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Availability {
    None,
    /// Recoverable without difficulty (copies exist). 0.
    RecoverableEasily,
    /// Temporarily unavailable. +0.25.
    Temporary,
    /// Fully unavailable, no backup. +0.5.
    Full,
}

/// How many people (or records): exact, approximate or unknown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Count {
    Exact(u64),
    Approximate(u64),
    Unknown,
}

/// Whether the data were unintelligible to whoever got them (Art. 34(3)(a)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Unintelligibility {
    /// State-of-the-art encryption (or equivalent) protected the data.
    pub strongly_encrypted: bool,
    /// The key or password may be in the wrong hands too.
    pub key_compromised: bool,
}

/// Which reading of the law the engine applies. There is one: the GDPR text as the EDPB
/// guidelines read it (WP250 rev.01, Guidelines 9/2022). A national policy that departs from it
/// would have to cite its source; none is built in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Policy {
    #[default]
    Edpb,
}

/// Whether the organisation decides on the processing (controller) or processes the data on
/// behalf of another organisation (processor).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Art. 33(1), 34: the organisation assesses the risk and notifies.
    Controller,
    /// Art. 33(2): the organisation tells the controller without undue delay; the controller
    /// assesses and notifies.
    Processor,
}

/// Who has, or may have, the data after a loss of confidentiality: what makes misuse likely.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Recipients {
    /// Known recipients who are trusted and bound by professional secrecy or a contractual or
    /// legal duty of confidentiality (another health professional, an insurance agent bound by
    /// secrecy, a contractor under a confidentiality agreement).
    TrustedBoundBySecrecy,
    /// A few identified recipients not bound by secrecy (a letter to the wrong customer).
    KnownFew,
    /// Many identified recipients (an e-mail list, a whole course or staff).
    KnownMany,
    /// Nobody knows who, and nothing shows intent: a device or file lost in transit, data left
    /// open where anyone could look.
    Unknown,
    /// Someone who took the data on purpose: a thief, an attacker, an insider misusing them.
    Malicious,
    /// The data are public: published on the internet, offered for sale, shared openly.
    Published,
}

impl Recipients {
    #[must_use]
    pub const fn id(self) -> &'static str {
        match self {
            Self::TrustedBoundBySecrecy => "trusted_bound_by_secrecy",
            Self::KnownFew => "known_few",
            Self::KnownMany => "known_many",
            Self::Unknown => "unknown",
            Self::Malicious => "malicious",
            Self::Published => "published",
        }
    }
}

/// What has been done to get disclosed data back or out of the recipients' hands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Containment {
    /// Nothing yet: the data may still be with the recipients.
    None,
    /// Every recipient confirmed (in writing) that the data were deleted without being used or
    /// passed on.
    DeletedWithConfirmation,
    /// The device or file was recovered and evidence (logs, forensic examination) shows the
    /// data were not accessed.
    RecoveredUnaccessed,
}

impl Containment {
    #[must_use]
    pub const fn id(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::DeletedWithConfirmation => "deleted_with_confirmation",
            Self::RecoveredUnaccessed => "recovered_unaccessed",
        }
    }
}

/// How long personal data were unavailable (or are still: `permanent`).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Outage {
    /// Less than an hour.
    Minutes,
    /// An hour or more, less than a day.
    Hours,
    /// A day or more, less than a week.
    Days,
    /// A week or more, but the data were restored in the end.
    Weeks,
    /// The data are lost for good (no backup, nothing to rebuild them from).
    Permanent,
}

impl Outage {
    #[must_use]
    pub const fn id(self) -> &'static str {
        match self {
            Self::Minutes => "minutes",
            Self::Hours => "hours",
            Self::Days => "days",
            Self::Weeks => "weeks",
            Self::Permanent => "permanent",
        }
    }
}

/// What the unavailability stopped or caused for the people concerned.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum OutageEffect {
    /// Nothing the people concerned would notice.
    None,
    /// Delays and annoyances: waiting, asking again, giving the data again.
    Inconvenience,
    /// People could not use a service they rely on (pay, be paid, receive a benefit, study,
    /// work, travel) for the time.
    ServiceDenied,
    /// Care, safety or livelihood was put at risk (treatment delayed, a child's protection case
    /// unreachable, income lost).
    CareOrSafety,
}

impl OutageEffect {
    #[must_use]
    pub const fn id(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::Inconvenience => "inconvenience",
            Self::ServiceDenied => "service_denied",
            Self::CareOrSafety => "care_or_safety",
        }
    }
}

/// The controller's field, where it reveals something about the people in its data (being a
/// patient, a client of social services, a pupil).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Sector {
    /// Health care: being in the data reveals that a person is or was a patient.
    HealthCare,
    /// Social services: being in the data reveals a person's social or family circumstances.
    SocialServices,
    /// A school or day care: the people are mostly children.
    School,
    /// Any other field.
    Other,
}

impl Sector {
    #[must_use]
    pub const fn id(self) -> &'static str {
        match self {
            Self::HealthCare => "health_care",
            Self::SocialServices => "social_services",
            Self::School => "school",
            Self::Other => "other",
        }
    }
}

/// A case description for the engine. The JSON form is documented in
/// `docs/assessment-input.schema.json`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AssessmentInput {
    /// Categories of personal data affected.
    #[serde(default)]
    pub data_categories: Vec<DataCategory>,
    /// For credentials: the ENISA data type of what they give access to.
    pub credentials_give_access_to: Option<EnisaDataType>,
    /// Context factors that move the DPC, each with its justification.
    #[serde(default)]
    pub dpc_adjustments: Vec<DpcAdjustment>,
    pub identification: Option<Identification>,
    pub confidentiality: Option<Confidentiality>,
    pub integrity: Option<Integrity>,
    pub availability: Option<Availability>,
    /// Was the breach caused on purpose (theft, hacking, an insider selling data)?
    pub malicious: Option<bool>,
    pub data_subjects: Option<Count>,
    pub unintelligible: Option<Unintelligibility>,
    /// Art. 34(3)(b): measures taken since ensure the high risk is no longer likely to materialise.
    pub subsequent_measures_remove_high_risk: Option<bool>,
    /// Art. 34(3)(c): telling each person would involve disproportionate effort.
    pub disproportionate_effort: Option<bool>,
    /// Are there joint controllers of the processing (Art. 26)?
    pub joint_controllers: Option<bool>,
    /// Did the breach happen at a processor of ours?
    pub at_processor: Option<bool>,
    /// Is the organisation the controller of the data, or a processor for another controller?
    pub acting_as: Option<Role>,
    /// After a loss of confidentiality: who has, or may have, the data.
    pub recipients: Option<Recipients>,
    /// After a loss of confidentiality: what has been done to get the data back.
    pub containment: Option<Containment>,
    /// After a loss of availability: for how long the data were unavailable.
    pub unavailable_for: Option<Outage>,
    /// After a loss of availability: what it stopped or caused for the people.
    pub outage_effect: Option<OutageEffect>,
    /// Are children, patients, people in a dependent position (employees, pupils, clients of
    /// social services) or others in need of special protection among the people affected?
    pub vulnerable_people: Option<bool>,
    /// The controller's field, where it reveals something about the people.
    pub sector: Option<Sector>,
    #[serde(default)]
    pub policy: Policy,
}

#[cfg(test)]
mod tests {
    use super::DataCategory;

    #[test]
    fn every_scanned_id_is_a_category_and_every_category_has_its_id() {
        for id in DataCategory::SCANNED_IDS {
            let c: DataCategory = serde_json::from_value(serde_json::Value::String(id.into()))
                .unwrap_or_else(|e| panic!("{id}: {e}"));
            assert_eq!(c.id(), id);
        }
        for (i, c) in DataCategory::ALL.into_iter().enumerate() {
            // The constant ids are serde's names, and lead back.
            let serde = serde_json::to_value(c).unwrap();
            assert_eq!(serde.as_str(), Some(c.as_str()), "{c:?}");
            assert_eq!(DataCategory::IDS[i], c.as_str());
            assert_eq!(DataCategory::from_id(c.as_str()), Some(c));
        }
        let mut ids = DataCategory::IDS.to_vec();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), DataCategory::ALL.len());
    }
}
