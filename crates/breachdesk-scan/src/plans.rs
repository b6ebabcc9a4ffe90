//! National numbers of the numbering plans that the scanner's own reading (Finland, Sweden, North
//! America: `detect.rs`) does not know, after a label that says phone or a word of calling or
//! texting: `Phone: 9381 8821`, `Mobile: 0664 313 06 34`, `call me at 03.17.74.30.53`, `not
//! answering at 22 187936`. libphonenumber's metadata (the `phonenumber` crate) says in which plans
//! of the Nordic, EU and North American countries the number is valid; without such a word no such
//! number is read, since almost any run of eight to ten digits is valid somewhere.

use phonenumber::country::Id;

/// The countries whose plans are tried, as issue 20 names them: the Nordic countries, the rest
/// of the EU (and the EEA and the UK, Switzerland) and North America.
const REGIONS: &[Id] = &[
    Id::FI,
    Id::SE,
    Id::NO,
    Id::DK,
    Id::IS,
    Id::DE,
    Id::FR,
    Id::NL,
    Id::BE,
    Id::LU,
    Id::IT,
    Id::ES,
    Id::PT,
    Id::IE,
    Id::GB,
    Id::AT,
    Id::CH,
    Id::PL,
    Id::CZ,
    Id::SK,
    Id::HU,
    Id::SI,
    Id::HR,
    Id::RO,
    Id::BG,
    Id::GR,
    Id::CY,
    Id::MT,
    Id::EE,
    Id::LV,
    Id::LT,
    Id::US,
    Id::CA,
];

/// A labelled national number (its `digits` as written, without a country code) in normal form:
/// those digits (`0664 313 06 34` → `06643130634`) when at least one of the plans takes them,
/// `None` when none does. Not E.164: a national number is valid in several plans nearly always
/// (`0664 313 06 34` in the German, Italian, Irish and Austrian ones), and which one the text
/// means it does not say.
#[must_use]
pub fn national(digits: String) -> Option<String> {
    if !(6..=13).contains(&digits.len()) {
        return None;
    }
    REGIONS
        .iter()
        .any(|&id| phonenumber::parse(Some(id), &digits).is_ok_and(|n| n.is_valid()))
        .then_some(digits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_national_number_valid_in_a_plan_keeps_its_digits() {
        // Austrian mobile, French geographic, Dutch mobile, Norwegian or Danish mobile.
        for (raw, digits) in [
            ("0664 313 06 34", "06643130634"),
            ("03.17.74.30.53", "0317743053"),
            ("06-82237745", "0682237745"),
            ("9381 8821", "93818821"),
        ] {
            let written: String = raw.chars().filter(char::is_ascii_digit).collect();
            assert_eq!(national(written).as_deref(), Some(digits), "{raw}");
        }
    }

    #[test]
    fn digits_no_plan_takes_are_no_number() {
        for not_a_number in ["12", "000000", "03807558505", "1234567890123456"] {
            assert_eq!(national(not_a_number.into()), None, "{not_a_number}");
        }
    }
}
