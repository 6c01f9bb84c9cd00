//! The renderer on small texts of its own.

use super::super::links::BoundPages;
use super::*;

const PAGE: &str = "api-reference/crm/leads/crm-lead-add.md";

fn doc(markdown: &str) -> String {
    render(markdown, &DocLinks::page(Some(PAGE)))
}

#[test]
fn bold_code_spans_and_lists_are_kept() {
    let text = "The **lead**: `ID` is `[int]`\n- `Y` — yes\n- `N` — no";
    assert_eq!(doc_text("", Some(text), &DocLinks::default()), text);
    assert_eq!(doc(text), text);
}

#[test]
fn links_lead_to_the_site_or_stay_on_the_web() {
    assert_eq!(
        doc("See [the list](./crm-lead-list.md) and [**fields**](../data-types.md#crm_status \"t\")."),
        "See [the list](https://apidocs.bitrix24.com/api-reference/crm/leads/crm-lead-list.html) \
         and [**fields**](https://apidocs.bitrix24.com/api-reference/crm/data-types.html#crm_status)."
    );
    assert_eq!(
        doc("[site](https://example.com/x) <https://example.com/y>"),
        "[site](https://example.com/x) <https://example.com/y>"
    );
    // Links that lead nowhere are their labels (in escaped brackets where
    // a line starts, or the label would start it).
    assert_eq!(
        doc("[up](../../../../../x.md) [js](javascript:x())"),
        "\\[up\\] js"
    );
    assert_eq!(doc("a [up](../../../../../x.md)"), "a up");
    assert_eq!(
        doc("[{#T}](./crm-lead-list.md)"),
        "[crm-lead-list](https://apidocs.bitrix24.com/api-reference/crm/leads/crm-lead-list.html)"
    );
}

#[test]
fn bound_pages_are_intra_doc_links() {
    let mut bound = BoundPages::new();
    let list = vec!["crm".to_string(), "lead".to_string(), "list".to_string()];
    let add = vec!["crm".to_string(), "lead".to_string(), "add".to_string()];
    bound.insert("api-reference/crm/leads/crm-lead-list.md", list);
    let links = DocLinks {
        page: Some(PAGE),
        bound: Some(&bound),
        scope: &add,
    };
    assert_eq!(
        render(
            "the [`crm.lead.list`](crm-lead-list.md#filter) method",
            &links
        ),
        "the [`crm.lead.list`](mod@super::list) method"
    );
}

#[test]
fn what_rustdoc_would_misread_is_escaped() {
    assert_eq!(
        doc("filter[>ID] and [ID]: x"),
        "filter\\[>ID\\] and \\[ID\\]: x"
    );
    assert_eq!(doc("a \\[b\\] `[c]`"), "a \\[b\\] `[c]`");
    assert_eq!(
        doc("the <ID> of <string> and a < b"),
        "the \\<ID> of \\<string> and a \\< b"
    );
    assert_eq!(
        doc("x<br>y <b>bold</b> <span class=\"a\">z</span>"),
        "x<br>y bold z"
    );
    assert_eq!(
        doc("see https://example.com/a_b. Or (http://x.y/z)"),
        "see <https://example.com/a_b>. Or (<http://x.y/z>)"
    );
    assert_eq!(
        doc_text("", Some("a [b] https://x.y <c d>"), &DocLinks::default()),
        "a \\[b\\] <https://x.y> \\<c d>"
    );
    // A plain text is what rustdoc reads, as it is: the parser gives one
    // with brackets, tags or URLs its Markdown (`parse::prose`).
    assert_eq!(doc_text("a b", None, &DocLinks::default()), "a b");
}

#[test]
fn images_become_links_and_code_blocks_never_run() {
    assert_eq!(
        doc("a ![pic](_images/x.png) b"),
        "a [pic](https://apidocs.bitrix24.com/api-reference/crm/leads/_images/x.png) b"
    );
    assert_eq!(
        doc("[![](x.png)](crm-lead-list.md) c"),
        "[image](https://apidocs.bitrix24.com/api-reference/crm/leads/crm-lead-list.html) c"
    );
    // A fence is text; an indented block is shown as `text`, never run.
    assert_eq!(
        doc("x\n```\nfn main() {}\n```"),
        "x\n\\`\\`\\`\nfn main() {}\n\\`\\`\\`"
    );
    assert_eq!(doc("~~~\nunclosed"), "\\~~~\nunclosed");
    assert_eq!(
        doc("x\n\n    fn main() {}"),
        "x\n\n```text\nfn main() {}\n```\n"
    );
}

#[test]
fn hostile_texts_stay_text() {
    for text in [
        "[[[[[[[[[[",
        "]]]]](((((",
        "[a](",
        "[a](<b",
        "<<<<>>>>",
        "`[`]",
        "\\",
        "[x]\n\n[x]: y.md",
        "héllo [wörld](ü.md) «[»",
    ] {
        let out = doc(text);
        assert!(!out.is_empty() || text.is_empty(), "{text:?}");
    }
    assert_eq!(
        doc("[x]\n\n[x]: y.md"),
        "[x](https://apidocs.bitrix24.com/api-reference/crm/leads/y.html)\n\n[x]: y.md"
    );
}
