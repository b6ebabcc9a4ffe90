//! Payment card numbers: Luhn checksum plus a known issuer prefix and a length that issuer uses.

/// The Luhn (mod 10) checksum over ASCII digits. Non-digits make it false.
#[must_use]
pub fn luhn_valid(digits: &[u8]) -> bool {
    let mut sum = 0u32;
    for (i, &b) in digits.iter().rev().enumerate() {
        if !b.is_ascii_digit() {
            return false;
        }
        let mut d = u32::from(b - b'0');
        if i % 2 == 1 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
    }
    !digits.is_empty() && sum.is_multiple_of(10)
}

fn prefix(digits: &[u8], n: usize) -> u32 {
    digits[..n]
        .iter()
        .fold(0, |acc, &b| acc * 10 + u32::from(b - b'0'))
}

/// Is the prefix one that a card scheme issues, with a length that scheme uses?
fn issuer_accepts(d: &[u8]) -> bool {
    let len = d.len();
    let p1 = prefix(d, 1);
    let p2 = prefix(d, 2);
    let p3 = prefix(d, 3);
    let p4 = prefix(d, 4);
    let p6 = prefix(d, 6);
    match () {
        // Visa
        () if p1 == 4 => matches!(len, 13 | 16 | 19),
        // Mastercard, incl. the 2-series
        () if (51..=55).contains(&p2) || (2221..=2720).contains(&p4) => len == 16,
        // American Express
        () if p2 == 34 || p2 == 37 => len == 15,
        // Diners Club
        () if (300..=305).contains(&p3) || p2 == 36 || p2 == 38 || p2 == 39 => {
            (14..=19).contains(&len)
        }
        // Discover
        () if p4 == 6011
            || p2 == 65
            || (644..=649).contains(&p3)
            || (622_126..=622_925).contains(&p6) =>
        {
            (16..=19).contains(&len)
        }
        // JCB
        () if (3528..=3589).contains(&p4) => (16..=19).contains(&len),
        // UnionPay
        () if p2 == 62 || p2 == 81 => (16..=19).contains(&len),
        // Maestro and the national debit schemes on Maestro ranges
        () if p2 == 50 || (56..=69).contains(&p2) => (12..=19).contains(&len),
        () => false,
    }
}

/// A card number given as its digits only (separators already removed).
#[must_use]
pub fn is_valid_payment_card(digits: &str) -> bool {
    let d = digits.as_bytes();
    (12..=19).contains(&d.len())
        && d.iter().all(u8::is_ascii_digit)
        && issuer_accepts(d)
        && luhn_valid(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_card_numbers_of_the_major_schemes_are_valid() {
        for n in [
            "4111111111111111",
            "5555555555554444",
            "2223003122003222",
            "378282246310005",
            "6011111111111117",
            "3530111333300000",
            "30569309025904",
        ] {
            assert!(is_valid_payment_card(n), "{n}");
        }
    }

    #[test]
    fn luhn_failures_and_unknown_issuers_are_rejected() {
        assert!(!is_valid_payment_card("4111111111111112"));
        // Luhn-valid but no issuer starts with 1 or 9 (e.g. order numbers, EAN-like codes).
        assert!(luhn_valid(b"1000000000000008"));
        assert!(!is_valid_payment_card("1000000000000008"));
        // Right prefix, wrong length for the scheme.
        assert!(!is_valid_payment_card("37828224631000"));
    }
}
