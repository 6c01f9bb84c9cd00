//! Members from a whole page that documents an entity's fields: a row whose
//! cells link `./crm-company-fields.md`, `./object-fields.md` or
//! `fields-rest-v3.md` with no anchor, or name the `crm.company.fields`
//! method in prose ("see crm.company.fields"), takes the first field table
//! of that page (its returned data, or its first object).

use super::context::Context;
use crate::model::Field;

/// Gives `field` the members of a fields page its cell text points to.
/// Returns whether it did.
pub fn members(text: &str, field: &mut Field, context: &Context<'_>, depth: usize) -> bool {
    for target in targets(text) {
        let Some(tables) = context.links.tables(field.at, &target) else {
            continue;
        };
        let Some(sub) = tables.iter().find(|s| {
            let heading = &s.lower;
            !(heading.contains("param") || heading.contains("error") || heading.contains("example"))
        }) else {
            continue;
        };
        if let Ok(found) = context
            .in_file(tables)
            .read_table(sub.table, depth + 1, false)
        {
            // A table of the page's own `result` row is not a field table.
            let named_fields = found
                .iter()
                .filter(|m| !m.name.contains(' ') && m.name != "result")
                .count();
            if named_fields >= 2 {
                // The page's own envelope rows are not the entity's fields.
                field.fields = found
                    .into_iter()
                    .filter(|m| !matches!(m.name.as_str(), "result" | "time" | "total" | "next"))
                    .collect();
                return true;
            }
        }
    }
    false
}

/// Fields pages a cell points to: bare links to a page whose file name says
/// `fields`, then `x.y.fields` methods named in its text, as the sibling
/// page `x-y-fields.md`.
fn targets(text: &str) -> Vec<String> {
    let mut out: Vec<String> = super::anchors::bare_links(text)
        .into_iter()
        .filter(|target| {
            let file = target.rsplit('/').next().unwrap_or("");
            file.contains("fields") && !file.contains("data-types")
        })
        .map(str::to_string)
        .collect();
    // Only a text that says `fields` somewhere can name such a method: most
    // cells never do, and are not split into words.
    if !crate::inline::contains_ignoring_case(text, "fields") {
        return out;
    }
    for word in text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '_')) {
        let word = word.trim_end_matches('.');
        if word.contains('.') && super::shapes::names_fields(word) && super::is_method_name(word) {
            let sibling = format!("./{}.md", word.to_ascii_lowercase().replace('.', "-"));
            if !out.contains(&sibling) {
                out.push(sibling);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_and_method_names_that_point_to_fields_pages() {
        assert_eq!(
            targets("see [crm.company.fields](./crm-company-fields.md) and [x](../data-types.md)"),
            ["./crm-company-fields.md"]
        );
        assert_eq!(
            targets("The fields are described by crm.lead.fields."),
            ["./crm-lead-fields.md"]
        );
        assert_eq!(
            targets("[item](./object-fields.md)"),
            ["./object-fields.md"]
        );
        assert!(targets("[list](./crm-lead-list.md)").is_empty());
    }
}
