//! The scope of a breach as structured data: its nature with the sub-types of the EDPB
//! notification template (section 3.2), the data categories affected and those known not to be,
//! the people and records concerned (exact, approximate or unknown), the systems, the cause and
//! the measures before and after.
//!
//! Handlers save the scope as a whole; each save is a new sealed entry of the investigation
//! record, so earlier versions stay on record. The category ids also go to the case row (ids
//! only) for the register's filter.

use serde::{Deserialize, Serialize};

use crate::assessment::DataCategory;
use crate::errors::{FieldError, FieldErrors};

/// How far a number is known (EDPB template 3.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Certainty {
    Exact,
    Approximate,
    Unknown,
}

impl Certainty {
    pub const ALL: [Certainty; 3] = [Self::Exact, Self::Approximate, Self::Unknown];

    #[must_use]
    pub const fn id(self) -> &'static str {
        match self {
            Self::Exact => "exact",
            Self::Approximate => "approximate",
            Self::Unknown => "unknown",
        }
    }
}

/// A number of people or records and how well it is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Count {
    pub certainty: Certainty,
    /// Absent exactly when unknown.
    pub value: Option<u64>,
}

/// A list of choices with stable ids (the EDPB template's options).
macro_rules! choices {
    ($(#[$m:meta])* $name:ident { $($variant:ident = $id:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$(Self::$variant),+];

            #[must_use]
            pub const fn id(self) -> &'static str {
                match self { $(Self::$variant => $id),+ }
            }

            #[must_use]
            pub fn parse(s: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|x| x.id() == s)
            }
        }
    };
}

choices!(
    /// Type of confidentiality breach (template field 56).
    ConfidentialityType {
        Disclosed = "disclosed",
        LikelyDisclosed = "likely_disclosed",
        NotDisclosed = "not_disclosed",
        NotAssessable = "not_assessable",
        ToBeDetermined = "to_be_determined",
    }
);

choices!(
    /// Was the data unintelligible (template field 57)?
    Unintelligibility {
        ProtectionIntact = "protection_intact",
        ProtectionLikelySubverted = "protection_likely_subverted",
        No = "no",
        NotAssessable = "not_assessable",
        ToBeDetermined = "to_be_determined",
    }
);

choices!(
    /// Type of integrity breach (template field 58).
    IntegrityType {
        NoMisuse = "no_misuse",
        MisuseReversible = "misuse_reversible",
        MisuseIrreversible = "misuse_irreversible",
    }
);

choices!(
    /// Type of availability breach (template field 59).
    AvailabilityType {
        Temporary = "temporary",
        Permanent = "permanent",
        NotDetermined = "not_determined",
    }
);

choices!(
    /// Cause of the breach (template field 60).
    Cause {
        InternalNonMalicious = "internal_non_malicious",
        InternalMalicious = "internal_malicious",
        ExternalNonMalicious = "external_non_malicious",
        ExternalMalicious = "external_malicious",
        ToBeDetermined = "to_be_determined",
        Unknown = "unknown",
    }
);

choices!(
    /// Categories of data subjects (template 3.3).
    SubjectCategory {
        Customers = "customers",
        Employees = "employees",
        LawEnforcementStaff = "law_enforcement_staff",
        Minors = "minors",
        Patients = "patients",
        Students = "students",
        Subscribers = "subscribers",
        Users = "users",
        Vulnerable = "vulnerable",
        Other = "other",
        NotYetKnown = "not_yet_known",
    }
);

/// The scope of a breach.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scope {
    /// `Some` when confidentiality was lost.
    pub confidentiality: Option<(ConfidentialityType, Unintelligibility)>,
    pub integrity: Option<IntegrityType>,
    pub availability: Option<AvailabilityType>,
    pub affected: Vec<DataCategory>,
    /// Categories known *not* to be affected.
    pub not_affected: Vec<DataCategory>,
    pub subject_categories: Vec<SubjectCategory>,
    pub subjects: Count,
    pub records: Count,
    pub systems: String,
    pub cause: Cause,
    pub measures_before: String,
    pub measures_after: String,
}

/// What a form sends: every field as text, lists as repeated values.
pub trait ScopeForm {
    fn one(&self, name: &str) -> &str;
    fn all(&self, name: &str) -> Vec<&str>;
}

const MAX_SCOPE_TEXT: usize = 10_000;

/// One choice of a form, by its id: required, and one of `allowed` (the field named in each
/// error). Shared by the forms that read choices (the scope, the notices' facts).
pub fn choice<T: Copy>(
    errors: &mut FieldErrors,
    field: &str,
    value: &str,
    parse: impl Fn(&str) -> Option<T>,
    allowed: &'static [&'static str],
) -> Option<T> {
    if value.trim().is_empty() {
        errors.add(field, FieldError::Required);
        return None;
    }
    let parsed = parse(value.trim());
    if parsed.is_none() {
        errors.add(field, FieldError::InvalidChoice { allowed });
    }
    parsed
}

fn count(errors: &mut FieldErrors, field: &str, certainty: &str, value: &str) -> Option<Count> {
    let certainty = choice(
        errors,
        field,
        certainty,
        |s| Certainty::ALL.iter().copied().find(|c| c.id() == s),
        &["exact", "approximate", "unknown"],
    )?;
    let value = value.trim();
    match certainty {
        Certainty::Unknown => Some(Count {
            certainty,
            value: None,
        }),
        _ if value.is_empty() => {
            errors.add(&format!("{field}_value"), FieldError::Required);
            None
        }
        _ => {
            let parsed = value.replace([' ', '\u{a0}'], "").parse::<u64>().ok();
            if parsed.is_none() {
                errors.add(&format!("{field}_value"), FieldError::NotCount);
            }
            parsed.map(|v| Count {
                certainty,
                value: Some(v),
            })
        }
    }
}

fn categories(errors: &mut FieldErrors, field: &str, values: &[&str]) -> Vec<DataCategory> {
    let mut out = Vec::new();
    for v in values {
        match DataCategory::from_id(v) {
            Some(c) if !out.contains(&c) => out.push(c),
            Some(_) => {}
            None => errors.add(field, FieldError::InvalidChoice { allowed: &[] }),
        }
    }
    out
}

fn long_text(errors: &mut FieldErrors, field: &str, value: &str) -> String {
    let v = value.trim();
    if v.chars().count() > MAX_SCOPE_TEXT {
        errors.add(
            field,
            FieldError::TooLong {
                max: MAX_SCOPE_TEXT,
            },
        );
    }
    v.to_owned()
}

/// Validates a scope form. Every problem is named by its field; nothing is defaulted.
pub fn validate_scope(form: &impl ScopeForm) -> Result<Scope, FieldErrors> {
    const CONF: &[&str] = &[
        "disclosed",
        "likely_disclosed",
        "not_disclosed",
        "not_assessable",
        "to_be_determined",
    ];
    const UNINT: &[&str] = &[
        "protection_intact",
        "protection_likely_subverted",
        "no",
        "not_assessable",
        "to_be_determined",
    ];
    const INTEG: &[&str] = &["no_misuse", "misuse_reversible", "misuse_irreversible"];
    const AVAIL: &[&str] = &["temporary", "permanent", "not_determined"];
    const CAUSE: &[&str] = &[
        "internal_non_malicious",
        "internal_malicious",
        "external_non_malicious",
        "external_malicious",
        "to_be_determined",
        "unknown",
    ];
    let mut errors = FieldErrors::new();
    let nature = form.all("nature");
    for n in &nature {
        if !["confidentiality", "integrity", "availability"].contains(n) {
            errors.add(
                "nature",
                FieldError::InvalidChoice {
                    allowed: &["confidentiality", "integrity", "availability"],
                },
            );
        }
    }
    if nature.is_empty() {
        errors.add("nature", FieldError::Required);
    }
    let confidentiality = if nature.contains(&"confidentiality") {
        let t = choice(
            &mut errors,
            "confidentiality_type",
            form.one("confidentiality_type"),
            ConfidentialityType::parse,
            CONF,
        );
        let u = choice(
            &mut errors,
            "unintelligible",
            form.one("unintelligible"),
            Unintelligibility::parse,
            UNINT,
        );
        t.zip(u)
    } else {
        None
    };
    let integrity = if nature.contains(&"integrity") {
        choice(
            &mut errors,
            "integrity_type",
            form.one("integrity_type"),
            IntegrityType::parse,
            INTEG,
        )
    } else {
        None
    };
    let availability = if nature.contains(&"availability") {
        choice(
            &mut errors,
            "availability_type",
            form.one("availability_type"),
            AvailabilityType::parse,
            AVAIL,
        )
    } else {
        None
    };
    let affected = categories(&mut errors, "affected", &form.all("affected"));
    let not_affected = categories(&mut errors, "not_affected", &form.all("not_affected"));
    if affected.iter().any(|c| not_affected.contains(c)) {
        errors.add("not_affected", FieldError::Contradicts);
    }
    let mut subject_categories = Vec::new();
    for v in form.all("subject_categories") {
        match SubjectCategory::parse(v) {
            Some(c) if !subject_categories.contains(&c) => subject_categories.push(c),
            Some(_) => {}
            None => errors.add(
                "subject_categories",
                FieldError::InvalidChoice { allowed: &[] },
            ),
        }
    }
    if subject_categories.is_empty() {
        errors.add("subject_categories", FieldError::Required);
    }
    let subjects = count(
        &mut errors,
        "subjects",
        form.one("subjects"),
        form.one("subjects_value"),
    );
    let records = count(
        &mut errors,
        "records",
        form.one("records"),
        form.one("records_value"),
    );
    let systems = long_text(&mut errors, "systems", form.one("systems"));
    let cause = choice(&mut errors, "cause", form.one("cause"), Cause::parse, CAUSE);
    let measures_before = long_text(&mut errors, "measures_before", form.one("measures_before"));
    let measures_after = long_text(&mut errors, "measures_after", form.one("measures_after"));
    match (subjects, records, cause) {
        (Some(subjects), Some(records), Some(cause)) if errors.is_empty() => Ok(Scope {
            confidentiality,
            integrity,
            availability,
            affected,
            not_affected,
            subject_categories,
            subjects,
            records,
            systems,
            cause,
            measures_before,
            measures_after,
        }),
        _ => Err(errors),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    struct F(HashMap<&'static str, Vec<&'static str>>);

    impl ScopeForm for F {
        fn one(&self, name: &str) -> &str {
            self.0
                .get(name)
                .and_then(|v| v.first())
                .copied()
                .unwrap_or("")
        }
        fn all(&self, name: &str) -> Vec<&str> {
            self.0.get(name).cloned().unwrap_or_default()
        }
    }

    fn codes(e: &FieldErrors) -> Vec<String> {
        e.iter()
            .flat_map(|(f, es)| es.iter().map(move |e| format!("{f}:{}", e.code())))
            .collect()
    }

    fn good() -> HashMap<&'static str, Vec<&'static str>> {
        HashMap::from([
            ("nature", vec!["confidentiality", "availability"]),
            ("confidentiality_type", vec!["disclosed"]),
            ("unintelligible", vec!["no"]),
            ("availability_type", vec!["temporary"]),
            ("affected", vec!["person_name", "health", "health"]),
            ("not_affected", vec!["payment_card"]),
            ("subject_categories", vec!["patients"]),
            ("subjects", vec!["approximate"]),
            ("subjects_value", vec!["12 000"]),
            ("records", vec!["unknown"]),
            ("cause", vec!["external_malicious"]),
            ("systems", vec!["Patient records, Oulu data centre"]),
        ])
    }

    #[test]
    fn a_complete_scope_is_accepted_with_its_sub_types_and_counts() {
        let s = validate_scope(&F(good())).unwrap();
        assert_eq!(
            s.confidentiality,
            Some((ConfidentialityType::Disclosed, Unintelligibility::No))
        );
        assert_eq!(s.integrity, None);
        assert_eq!(s.availability, Some(AvailabilityType::Temporary));
        assert_eq!(s.affected, [DataCategory::PersonName, DataCategory::Health]);
        assert_eq!(
            s.subjects,
            Count {
                certainty: Certainty::Approximate,
                value: Some(12_000)
            }
        );
        assert_eq!(s.records.value, None);
    }

    #[test]
    fn every_problem_is_named_by_its_field() {
        let mut f = good();
        f.insert("nature", vec!["confidentiality", "integrity"]);
        f.insert("confidentiality_type", vec![]);
        f.insert("not_affected", vec!["health"]);
        f.insert("subjects", vec!["exact"]);
        f.insert("subjects_value", vec!["many"]);
        f.insert("records", vec!["approximate"]);
        f.insert("cause", vec!["aliens"]);
        f.insert("subject_categories", vec![]);
        let e = validate_scope(&F(f)).unwrap_err();
        assert_eq!(
            codes(&e),
            [
                "cause:invalid-choice",
                "confidentiality_type:required",
                "integrity_type:required",
                "not_affected:contradicts",
                "records_value:required",
                "subject_categories:required",
                "subjects_value:not-count",
            ]
        );
        let e = validate_scope(&F(HashMap::new())).unwrap_err();
        assert!(codes(&e).contains(&"nature:required".to_owned()));
    }
}

/// What the leak scanner found in a copy of the leaked material (`breachdesk scan --subjects`),
/// as it goes into a case's scope.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ScanFindings {
    /// Distinct data subjects.
    pub subjects: u64,
    /// The categories of data found, each once.
    pub categories: Vec<DataCategory>,
}

/// The scope after importing a scan. The categories found join the affected ones (and leave
/// "known not to be affected", which the scan has just disproved); none is removed, since the
/// handlers may know of data the copy did not hold. The number of data subjects becomes the
/// scan's count, exact. Everything else — the nature, the cause, the measures — is what the
/// handlers wrote; without an earlier scope it is a loss of confidentiality whose extent is to
/// be determined, with the cause to be determined.
#[must_use]
pub fn with_scan(current: Option<&Scope>, found: &ScanFindings) -> Scope {
    let mut scope = current.cloned().unwrap_or_else(|| Scope {
        confidentiality: Some((
            ConfidentialityType::ToBeDetermined,
            Unintelligibility::ToBeDetermined,
        )),
        integrity: None,
        availability: None,
        affected: Vec::new(),
        not_affected: Vec::new(),
        subject_categories: Vec::new(),
        subjects: Count {
            certainty: Certainty::Unknown,
            value: None,
        },
        records: Count {
            certainty: Certainty::Unknown,
            value: None,
        },
        systems: String::new(),
        cause: Cause::ToBeDetermined,
        measures_before: String::new(),
        measures_after: String::new(),
    });
    for c in &found.categories {
        if !scope.affected.contains(c) {
            scope.affected.push(*c);
        }
    }
    scope.not_affected.retain(|c| !found.categories.contains(c));
    scope.subjects = Count {
        certainty: Certainty::Exact,
        value: Some(found.subjects),
    };
    scope
}

#[cfg(test)]
mod scan_tests {
    use super::*;

    #[test]
    fn a_scan_adds_its_categories_and_sets_the_number_of_people() {
        let found = ScanFindings {
            subjects: 1234,
            categories: vec![DataCategory::Email, DataCategory::NationalId],
        };
        let fresh = with_scan(None, &found);
        assert_eq!(fresh.affected, found.categories);
        assert_eq!(fresh.subjects.value, Some(1234));
        assert_eq!(fresh.subjects.certainty, Certainty::Exact);
        assert_eq!(fresh.cause, Cause::ToBeDetermined);

        let mut known = fresh.clone();
        known.affected = vec![DataCategory::Health];
        known.not_affected = vec![DataCategory::NationalId, DataCategory::Iban];
        known.cause = Cause::ExternalMalicious;
        known.systems = "Student register".into();
        let merged = with_scan(Some(&known), &found);
        assert_eq!(
            merged.affected,
            [
                DataCategory::Health,
                DataCategory::Email,
                DataCategory::NationalId
            ]
        );
        assert_eq!(merged.not_affected, [DataCategory::Iban]);
        assert_eq!(merged.cause, Cause::ExternalMalicious);
        assert_eq!(merged.systems, "Student register");
    }
}
