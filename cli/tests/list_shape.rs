//! One list shape for every paged method of the reference: where `b24
//! export` looks for items and their IDs is where the generated
//! `ListMethod` impl says they are (`list Item, "ID" in "key";`), both from
//! [`Method::list_shape`]. Runs over `../shared` when it is present.

use std::path::Path;

use b24_cli::commands::export::list_spec;

#[test]
fn export_and_the_generated_list_impl_agree_on_every_paged_method() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/b24restdocs/api-reference");
    if !root.is_dir() {
        eprintln!("skipped: no reference at {}", root.display());
        return;
    }
    let files = bitrix24_codegen::source::markdown_files(&root).unwrap();
    let (mut shaped, mut paged) = (0, 0);
    let mut disagree = Vec::new();
    for file in files {
        let Ok(loaded) = bitrix24_codegen::load(&file, &file.display().to_string()) else {
            continue;
        };
        let method = &loaded.method;
        paged += usize::from(method.paged);
        // The generated `__method!` input, without spaces: `listItem,"ID"in"key";`.
        let tokens: String = bitrix24_codegen::generate(method)
            .to_string()
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        let Some(shape) = method.list_shape() else {
            // No documented shape: the generated impl has no list clause.
            if tokens.contains(";list") {
                disagree.push(format!("{}: a list clause without a shape", method.method));
            }
            continue;
        };
        shaped += 1;
        let spec = list_spec(method);
        if spec.id_field != shape.id_field || spec.items_key != shape.items_key {
            disagree.push(format!(
                "{}: export reads {:?} in {:?}, the page's shape is {:?} in {:?}",
                method.method, spec.id_field, spec.items_key, shape.id_field, shape.items_key
            ));
        }
        let clause = match &shape.items_key {
            Some(key) => format!(",\"{}\"in\"{key}\";", shape.id_field),
            None => format!("listItem,\"{}\";", shape.id_field),
        };
        if !tokens.contains(&clause) {
            disagree.push(format!(
                "{}: the generated list clause is not `{clause}`",
                method.method
            ));
        }
    }
    eprintln!("{shaped} of {paged} paged methods document their items' shape");
    assert!(
        shaped > 50,
        "only {shaped} list shapes: the corpus did not parse"
    );
    assert!(disagree.is_empty(), "{}", disagree.join("\n"));
}
