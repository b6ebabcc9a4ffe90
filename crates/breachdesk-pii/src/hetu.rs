//! Finnish personal identity code (*henkilötunnus*): `DDMMYYCZZZQ`.
//!
//! C is the century sign: `+` (1800s); `-`, `Y`, `X`, `W`, `V`, `U` (1900s); `A`–`F` (2000s).
//! The extra signs were introduced on 1 January 2023 (Act 2022/..., Digital and Population Data
//! Services Agency) because the number space of `-` and `A` was running out. ZZZ is the individual
//! number 002–899 (900–999 are temporary codes, still checksummed the same way); Q is the check
//! character: `DDMMYYZZZ mod 31` indexed into `0123456789ABCDEFHJKLMNPRSTUVWXY`.

const CHECK_CHARS: &[u8; 31] = b"0123456789ABCDEFHJKLMNPRSTUVWXY";

/// A validated identity code, reduced to the facts a scanner may need (never the code itself).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hetu {
    pub year: u16,
    pub month: u8,
    pub day: u8,
    /// Individual number 2–999; odd for men, even for women in codes issued before 2027.
    pub individual: u16,
}

fn century(sign: u8) -> Option<u16> {
    match sign {
        b'+' => Some(1800),
        b'-' | b'Y' | b'X' | b'W' | b'V' | b'U' => Some(1900),
        b'A' | b'B' | b'C' | b'D' | b'E' | b'F' => Some(2000),
        _ => None,
    }
}

fn digits(bytes: &[u8]) -> Option<u32> {
    bytes.iter().try_fold(0u32, |acc, &b| {
        b.is_ascii_digit().then(|| acc * 10 + u32::from(b - b'0'))
    })
}

fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => {
            29
        }
        2 => 28,
        _ => 0,
    }
}

/// Parses and fully validates an 11-character identity code (upper-case check character).
#[must_use]
pub fn parse_hetu(code: &str) -> Option<Hetu> {
    let b = code.as_bytes();
    if b.len() != 11 {
        return None;
    }
    let day = u8::try_from(digits(&b[0..2])?).ok()?;
    let month = u8::try_from(digits(&b[2..4])?).ok()?;
    let yy = u16::try_from(digits(&b[4..6])?).ok()?;
    let year = century(b[6])? + yy;
    let individual = u16::try_from(digits(&b[7..10])?).ok()?;
    if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
        return None;
    }
    if individual < 2 {
        return None;
    }
    let number = digits(&b[0..6])? * 1000 + u32::from(individual);
    let expected = CHECK_CHARS[(number % 31) as usize];
    (b[10] == expected).then_some(Hetu {
        year,
        month,
        day,
        individual,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_codes_of_every_century_sign_are_accepted() {
        // 131052-308T is the Digital and Population Data Services Agency's own published example.
        for code in [
            "131052-308T",
            "131052Y308T",
            "131052X308T",
            "131052W308T",
            "131052V308T",
            "131052U308T",
            "010101A123N",
            "010101B123N",
            "010101F123N",
            "290296+1232",
        ] {
            let parsed = parse_hetu(code);
            assert!(parsed.is_some(), "{code} should be valid");
        }
        assert_eq!(
            parse_hetu("131052-308T"),
            Some(Hetu {
                year: 1952,
                month: 10,
                day: 13,
                individual: 308
            })
        );
        assert_eq!(parse_hetu("010101A123N").map(|h| h.year), Some(2001));
    }

    #[test]
    fn a_wrong_check_character_is_rejected() {
        assert_eq!(parse_hetu("131052-308U"), None);
    }

    #[test]
    fn impossible_dates_and_signs_are_rejected() {
        // 29 February exists in 2000 and 1896 but not in 1900 or 2001.
        assert!(parse_hetu(&with_check("290200A123")).is_some());
        assert!(parse_hetu(&with_check("290200-123")).is_none());
        assert!(parse_hetu(&with_check("290201A123")).is_none());
        assert!(parse_hetu(&with_check("320101A123")).is_none());
        assert!(parse_hetu(&with_check("011301A123")).is_none());
        assert!(parse_hetu(&with_check("010101G123")).is_none());
        assert!(parse_hetu(&with_check("010101A001")).is_none());
        assert!(parse_hetu("131052-308").is_none());
    }

    fn with_check(prefix: &str) -> String {
        let b = prefix.as_bytes();
        let n = digits(&b[0..6]).unwrap() * 1000 + digits(&b[7..10]).unwrap();
        format!("{prefix}{}", CHECK_CHARS[(n % 31) as usize] as char)
    }
}
