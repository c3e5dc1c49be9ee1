//! What the generator's tests share.

/// The attribute lines right above offset `at` of generated `text` (the
/// start of an item), in order; doc lines between them are skipped.
pub fn attrs_above(text: &str, at: usize) -> Vec<&str> {
    let mut lines: Vec<&str> = text[..at]
        .lines()
        .rev()
        .skip(1)
        .map(str::trim)
        .take_while(|l| l.starts_with("#[") || l.starts_with("///"))
        .filter(|l| l.starts_with("#["))
        .collect();
    lines.reverse();
    lines
}
