//! Address parsing: never panics; accepts exactly what the spec's pattern
//! and maxLength accept (checked with regress, an ECMAScript engine); what
//! is accepted can never change the route or inject a header; what is
//! refused is explained.
#![no_main]

use std::str::FromStr;

use libfuzzer_sys::fuzz_target;
use plivo_phlo::Address;

static PATTERN: std::sync::LazyLock<regress::Regex> =
    std::sync::LazyLock::new(|| regress::Regex::new(plivo_phlo::fuzzing::ADDRESS_PATTERN).unwrap());

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let max = plivo_phlo::fuzzing::ADDRESS_MAX_LENGTH.unwrap_or(usize::MAX);
    let spec = text.len() <= max && PATTERN.find(text).is_some();
    assert_eq!(Address::is_valid(text), spec, "disagrees with the spec pattern: {text:?}");
    match Address::from_str(text) {
        Ok(address) => {
            // Kept as given, but for the scheme, in lower case.
            assert!(address.as_str().eq_ignore_ascii_case(text), "{text:?}");
            assert!(text.len() <= max);
            assert!(!text.is_empty() && text.is_ascii(), "{text:?}");
            assert!(!text.chars().any(|c| matches!(c, '/' | '?' | '#' | '%' | '\\') || c.is_whitespace() || c.is_control()), "{text:?}");
            assert!(text != "." && text != "..");
            if let Some(digits) = text.strip_prefix('+').or(Some(text)).filter(|d| d.bytes().all(|b| b.is_ascii_digit())) {
                assert!((1..=15).contains(&digits.len()) && !digits.starts_with('0'), "{text:?}");
            } else {
                assert!(address.starts_with("sip:") || address.starts_with("sips:"), "{text:?}");
                assert_eq!(text.matches('@').count(), 1, "{text:?}");
            }
            assert!(plivo_phlo::fuzzing::address_reason(text).is_none());
        }
        Err(_) => {
            let reason = plivo_phlo::fuzzing::address_reason(text).expect("a refusal has a reason");
            assert!(reason.starts_with("invalid to "), "{reason}");
        }
    }
});
