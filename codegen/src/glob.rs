//! Globs on method and event names (`crm.lead.*`, `crm.*.list`,
//! `tasks.task.?et`), the one rule every front end that picks methods by
//! name uses (`b24 vendor`, `bitrix_api!(.., methods = [..])`).
//!
//! `*` matches any run of characters, dots included (`crm.*` takes
//! `crm.lead.add` and `crm.lead.contact.items.set`); `?` matches one
//! character; everything else matches itself, ASCII case ignored (the
//! portal reads method names without regard to case). A pattern without
//! `*` or `?` names one method.

/// Whether `name` matches `pattern`.
///
/// The greedy match with one backtrack point (the last `*`): no recursion,
/// and at worst the product of the two lengths, however many stars.
pub fn matches(pattern: &str, name: &str) -> bool {
    let (p, n) = (pattern.as_bytes(), name.as_bytes());
    let (mut pi, mut ni) = (0, 0);
    // The last `*` seen, and the name position it is tried from.
    let mut star: Option<(usize, usize)> = None;
    while ni < n.len() {
        if pi < p.len() && p[pi] == b'*' {
            star = Some((pi, ni));
            pi += 1;
        } else if pi < p.len() && (p[pi] == b'?' || p[pi].eq_ignore_ascii_case(&n[ni])) {
            // `?` takes one character, all of it (a name may hold UTF-8).
            let width = if p[pi] == b'?' { char_width(n[ni]) } else { 1 };
            pi += 1;
            ni += width;
        } else if let Some((star_at, from)) = star {
            // Let the last `*` take one more character and try again.
            let from = from + char_width(n[from]);
            star = Some((star_at, from));
            pi = star_at + 1;
            ni = from;
        } else {
            return false;
        }
    }
    p[pi.min(p.len())..].iter().all(|&b| b == b'*')
}

/// Whether `pattern` has a wildcard, so it may match many names.
pub fn is_pattern(pattern: &str) -> bool {
    pattern.contains(['*', '?'])
}

/// The bytes of the UTF-8 character that starts with `first`.
fn char_width(first: u8) -> usize {
    match first {
        0xf0.. => 4,
        0xe0.. => 3,
        0xc0.. => 2,
        _ => 1,
    }
}

/// Up to `limit` of `names` closest to `wanted` (edit distance on lowercase
/// names, then name order), for "did you mean" lists.
pub fn closest<'n>(
    wanted: &str,
    names: impl IntoIterator<Item = &'n str>,
    limit: usize,
) -> Vec<&'n str> {
    let wanted = wanted.to_ascii_lowercase();
    let mut scored: Vec<(usize, &str)> = names
        .into_iter()
        .map(|name| (distance(&wanted, &name.to_ascii_lowercase()), name))
        .collect();
    scored.sort();
    scored.dedup_by(|a, b| a.1 == b.1);
    scored
        .into_iter()
        .take(limit)
        .map(|(_, name)| name)
        .collect()
}

/// Levenshtein distance, by characters, in one row of memory (the edits
/// between two names or anchors; misspelled links are matched by it too).
pub fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = if ca == *cb {
                diagonal
            } else {
                1 + diagonal.min(row[j]).min(above)
            };
            diagonal = above;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stars_cross_dots_and_case_is_ignored() {
        assert!(matches("crm.lead.*", "crm.lead.add"));
        assert!(matches("crm.*", "crm.lead.contact.items.set"));
        assert!(matches("CRM.LEAD.ADD", "crm.lead.add"));
        assert!(matches("crm.*.list", "crm.deal.list"));
        assert!(matches("crm.*.list", "crm.deal.productrows.list"));
        assert!(!matches("crm.*.list", "crm.deal.listx"));
        assert!(matches("tasks.task.?et", "tasks.task.get"));
        assert!(!matches("tasks.task.?et", "tasks.task.reset"));
        assert!(matches("*", "anything.at.all"));
        assert!(matches("**.add", "crm.lead.add"));
        assert!(!matches("crm.lead.add", "crm.lead.add2"));
        assert!(!matches("crm.lead", "crm.lead.add"));
        assert!(matches("", ""));
        assert!(!matches("", "x"));
        assert!(matches("?", "ж"));
    }

    #[test]
    fn a_pattern_of_many_stars_needs_no_recursion() {
        let name = "a".repeat(5_000);
        let pattern = format!("{}b", "*a".repeat(2_000));
        assert!(!matches(&pattern, &name));
    }

    #[test]
    fn the_closest_names_come_first() {
        let names = ["crm.lead.add", "crm.lead.get", "crm.deal.add", "user.get"];
        assert_eq!(
            closest("crm.lead.ad", names, 2),
            ["crm.lead.add", "crm.deal.add"]
        );
        assert_eq!(closest("user.gte", names, 1), ["user.get"]);
    }
}
