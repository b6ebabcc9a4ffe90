//! Field-by-field validation errors. Each error is a stable code plus arguments, so the web layer
//! can word it in the reader's language (Fluent message `field-error-<code>`).

use std::collections::BTreeMap;

/// One thing wrong with one field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldError {
    Required,
    TooLong {
        max: usize,
    },
    NotText,
    NotBoolean,
    NotCount,
    InvalidDateTime,
    InFuture,
    /// Must lie ahead (the end of a legal hold).
    NotAhead,
    TooOld,
    InvalidEmail,
    InvalidPhone,
    InvalidChoice {
        allowed: &'static [&'static str],
    },
    /// As [`Self::InvalidChoice`], for choices listed at run time.
    NotAmong {
        allowed: Vec<&'static str>,
    },
    MustBeConfirmed,
    NotAllowedForKind,
    UnknownField,
    InvalidSlug,
    /// A case reference prefix must be 1–12 capital letters or digits.
    InvalidRefPrefix,
    InvalidTimeZone,
    /// Contradicts another answer (e.g. a category both affected and not affected).
    Contradicts,
    /// A notification after 72 hours without the reasons for the delay (Art. 33(1)).
    DelayReasonsRequired,
    /// Before the awareness time.
    BeforeAwareness,
    /// No active account with this address.
    UnknownAccount,
    /// The account belongs to the case's own organisation (no share needed).
    OwnOrganisation,
    /// No such case among those the user may handle.
    UnknownCase,
    /// A file whose content is not of an accepted type.
    FileTypeNotAllowed,
    /// A file larger than allowed.
    FileTooLarge {
        max_bytes: usize,
    },
    /// Already in use.
    Taken,
    /// There is no complete proposal to accept.
    NoCompleteProposal,
    /// A text of one language that reads as another (`found`: `fi`, `sv` or `en`).
    WrongLanguage {
        found: &'static str,
    },
    /// A date of repair for a breach still going on.
    NotWhileOngoing,
}

impl FieldError {
    /// Stable machine code; also the suffix of the Fluent message id.
    #[must_use]
    pub const fn code(&self) -> &'static str {
        match self {
            Self::Required => "required",
            Self::TooLong { .. } => "too-long",
            Self::NotText => "not-text",
            Self::NotBoolean => "not-boolean",
            Self::NotCount => "not-count",
            Self::InvalidDateTime => "invalid-datetime",
            Self::InFuture => "in-future",
            Self::NotAhead => "not-ahead",
            Self::TooOld => "too-old",
            Self::InvalidEmail => "invalid-email",
            Self::InvalidPhone => "invalid-phone",
            Self::InvalidChoice { .. } | Self::NotAmong { .. } => "invalid-choice",
            Self::MustBeConfirmed => "must-be-confirmed",
            Self::NotAllowedForKind => "not-allowed-for-kind",
            Self::UnknownField => "unknown-field",
            Self::InvalidSlug => "invalid-slug",
            Self::InvalidRefPrefix => "invalid-ref-prefix",
            Self::InvalidTimeZone => "invalid-time-zone",
            Self::Contradicts => "contradicts",
            Self::DelayReasonsRequired => "delay-reasons-required",
            Self::BeforeAwareness => "before-awareness",
            Self::UnknownAccount => "unknown-account",
            Self::OwnOrganisation => "own-organisation",
            Self::UnknownCase => "unknown-case",
            Self::FileTypeNotAllowed => "file-type-not-allowed",
            Self::FileTooLarge { .. } => "file-too-large",
            Self::Taken => "taken",
            Self::NoCompleteProposal => "no-complete-proposal",
            Self::WrongLanguage { .. } => "wrong-language",
            Self::NotWhileOngoing => "not-while-ongoing",
        }
    }

    /// Arguments for the message, as (name, value) pairs.
    #[must_use]
    pub fn args(&self) -> Vec<(&'static str, String)> {
        match self {
            Self::TooLong { max } => vec![("max", max.to_string())],
            Self::InvalidChoice { allowed } => vec![("allowed", allowed.join(", "))],
            Self::NotAmong { allowed } => vec![("allowed", allowed.join(", "))],
            Self::WrongLanguage { found } => vec![("found", (*found).to_owned())],
            Self::FileTooLarge { max_bytes } => {
                vec![("max", (max_bytes / (1024 * 1024)).to_string())]
            }
            _ => Vec::new(),
        }
    }
}

/// Errors keyed by field name, in a stable order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldErrors(BTreeMap<String, Vec<FieldError>>);

impl FieldErrors {
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(&mut self, field: &str, error: FieldError) {
        self.0.entry(field.to_owned()).or_default().push(error);
    }

    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    #[must_use]
    pub fn get(&self, field: &str) -> Option<&[FieldError]> {
        self.0.get(field).map(Vec::as_slice)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &[FieldError])> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_slice()))
    }

    /// `Ok(value)` when nothing was added, otherwise the errors.
    pub fn into_result<T>(self, value: impl FnOnce() -> T) -> Result<T, Self> {
        if self.is_empty() {
            Ok(value())
        } else {
            Err(self)
        }
    }
}
