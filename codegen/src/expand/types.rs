//! Rust types for fields: scalars with their lenient wire helpers, nested
//! structs and open enums, each named once per module.

use proc_macro2::{Delimiter, Group, Punct, Spacing, TokenStream, TokenTree};

use super::links::DocLinks;
use super::markdown::doc_text;
use super::{docs, literal, punct};
use crate::model::{BoolWire, Field, Kind, ResultSpec};
use crate::naming::{self, Names};

/// Which side of the call a struct belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owner {
    /// Sent: required fields are plain, optional ones skipped when `None`.
    Request,
    /// Received: every field may be missing, so every field is an `Option`.
    Response,
}

/// A field's Rust type and the `::bitrix24::wire` helper that reads it leniently.
pub struct Plan {
    /// The type's tokens. A plain vector: types are spliced into struct
    /// bodies token by token, and a `TokenStream` per type, built by
    /// `quote!` one push at a time, was near a tenth of generating a module.
    pub ty: Vec<TokenTree>,
    /// Helper module name under `::bitrix24::wire`, if the type needs one.
    helper: Option<&'static str>,
}

impl Plan {
    fn new(ty: Vec<TokenTree>, helper: Option<&'static str>) -> Plan {
        Plan { ty, helper }
    }

    /// A type named by one identifier (`i64`, a struct of the module).
    fn named(name: &str, helper: Option<&'static str>) -> Plan {
        Plan::new(vec![TokenTree::Ident(super::ident(name))], helper)
    }

    /// A type named by an absolute path: `::std::string::String`.
    fn path(puncts: &Puncts, segments: &[&str], helper: Option<&'static str>) -> Plan {
        Plan::new(puncts.path(segments), helper)
    }

    /// The `::bitrix24::wire` helper that decodes `result` into this type:
    /// its lenient one, or `plain` (the type's own `Deserialize`).
    pub fn decode_helper(&self) -> &'static str {
        self.helper.unwrap_or("plain")
    }
}

/// The named types of one module, in the order they were first needed.
pub struct TypeSet<'l> {
    /// What the docs' links resolve against (in the module's scope).
    links: DocLinks<'l>,
    names: Names,
    /// The tokens of the items: gathered as tokens and made a stream
    /// once, by the module, rather than a small stream each.
    items: Vec<TokenTree>,
    /// Element types of the list members planned so far, by wire name.
    pub elements: Vec<(String, Vec<TokenTree>)>,
    puncts: Puncts,
}

/// Punctuation a module repeats (in every member and type path), made once
/// per module and cloned after: `Punct::new` checks its char and asks
/// proc_macro2 whether it runs inside a proc macro, each time; a clone
/// only copies it.
struct Puncts {
    /// The first `:` of `::`.
    joint_colon: TokenTree,
    colon: TokenTree,
    question: TokenTree,
    eq: TokenTree,
    semi: TokenTree,
    lt: TokenTree,
    gt: TokenTree,
    comma: TokenTree,
}

impl Puncts {
    fn new() -> Puncts {
        Puncts {
            joint_colon: TokenTree::Punct(Punct::new(':', Spacing::Joint)),
            colon: punct(':'),
            question: punct('?'),
            eq: punct('='),
            semi: punct(';'),
            lt: punct('<'),
            gt: punct('>'),
            comma: punct(','),
        }
    }

    /// `::a::b::c`, as `quote!` writes it.
    fn path(&self, segments: &[&str]) -> Vec<TokenTree> {
        let mut tokens = Vec::with_capacity(segments.len() * 3 + 3);
        for segment in segments {
            tokens.extend([
                self.joint_colon.clone(),
                self.colon.clone(),
                TokenTree::Ident(super::ident(segment)),
            ]);
        }
        tokens
    }

    /// `::std::vec::Vec<element>`.
    fn vec_of(&self, element: Vec<TokenTree>) -> Vec<TokenTree> {
        let mut tokens = self.path(&["std", "vec", "Vec"]);
        tokens.push(self.lt.clone());
        tokens.extend(element);
        tokens.push(self.gt.clone());
        tokens
    }
}

impl<'l> TypeSet<'l> {
    /// A set where `reserved` names are taken, its docs' links resolved by `links`.
    pub fn new(reserved: &[&str], links: DocLinks<'l>) -> TypeSet<'l> {
        TypeSet {
            links,
            names: Names::with(reserved),
            items: Vec::new(),
            elements: Vec::new(),
            puncts: Puncts::new(),
        }
    }

    /// The nested types emitted so far.
    pub fn into_items(self) -> Vec<TokenTree> {
        self.items
    }

    /// A struct named `name` (already reserved by the caller) with `fields`,
    /// handed to the runtime's `__record!`, which writes the derives, the
    /// serde attributes and the `Option` of optional fields: the generator
    /// emits only what differs per field.
    pub fn structure(
        &mut self,
        name: &str,
        doc: &str,
        fields: &[Field],
        owner: Owner,
        open: bool,
    ) -> Vec<TokenTree> {
        self.structure_with(TokenStream::new(), name, doc, fields, owner, open)
    }

    /// [`TypeSet::structure`] with outer attributes (`#[deprecated]`) before
    /// its doc. `open`: the page's example sends keys the fields do not name
    /// ([`Field::open`]), so the struct keeps any key it does not name.
    pub fn structure_with(
        &mut self,
        attrs: TokenStream,
        name: &str,
        doc: &str,
        fields: &[Field],
        owner: Owner,
        open: bool,
    ) -> Vec<TokenTree> {
        let mut field_names = Names::default();
        let custom = fields.iter().any(|f| is_user_field(&f.name));
        // Streams are moved into their parent, never interpolated: `#stream`
        // in `quote!` copies every top-level token of it (an allocation per
        // identifier), and a struct body is most of a module's tokens.
        // Gathered in a vector and made a stream once: extending a stream
        // a few tokens at a time pays its bookkeeping on every call.
        let mut members = Vec::with_capacity(fields.len() * 16);
        // Whether any field is a pattern is found in the same pass that
        // skips them: `is_pattern` runs once per field.
        let mut patterned = false;
        for field in fields {
            if is_pattern(&field.name) {
                patterned = true;
                continue;
            }
            self.member(field, owner, &mut field_names, &mut members);
        }
        // `.. name` asks for a map that keeps every key the struct does not
        // name: custom fields (`UF_...`) differ per portal, keys the page
        // names by a pattern (`PROPERTY_N`) are many, and a response may
        // always carry keys its page leaves out; none of them may be lost.
        if custom || patterned || open || owner == Owner::Response {
            let map =
                super::ident(&field_names.claim(if custom { "user_fields" } else { "extra" }));
            members.extend([
                TokenTree::Punct(Punct::new('.', Spacing::Joint)),
                punct('.'),
                TokenTree::Ident(map),
            ]);
        }
        let mut input = attrs;
        input.extend([
            TokenTree::Literal(literal::literal(doc)),
            TokenTree::Ident(super::ident(name)),
            TokenTree::Group(Group::new(Delimiter::Brace, members.into_iter().collect())),
        ]);
        let mut item = Vec::with_capacity(8);
        super::invoke("__record", input, &mut item);
        item
    }

    /// Declares `Output` as a struct when `result` is an object with members.
    pub fn output(&mut self, result: &ResultSpec) {
        if result.kind == Kind::Object && !result.fields.is_empty() {
            let item = self.structure(
                "Output",
                &docs::output_doc(result),
                &result.fields,
                Owner::Response,
                true,
            );
            self.items.extend(item);
        }
    }

    /// The type of `result` for kinds other than a documented object.
    pub fn plan_output_kind(&mut self, kind: &Kind) -> Plan {
        let mut carrier = Field::new("Item", kind.clone());
        if let Kind::Array(inner) = kind.non_null() {
            if **inner == Kind::Object {
                carrier.kind = Kind::Array(Box::new(Kind::Object));
            }
        }
        self.plan(&carrier, Owner::Response)
    }

    /// Declares `Output` for an array-of-objects result with documented members.
    pub fn output_items(&mut self, result: &ResultSpec) -> Plan {
        let name = self.names.claim("Item");
        let item = self.structure(
            &name,
            &docs::output_doc(result),
            &result.fields,
            Owner::Response,
            true,
        );
        self.items.extend(item);
        Plan::new(
            self.puncts
                .vec_of(vec![TokenTree::Ident(super::ident(&name))]),
            Some("list"),
        )
    }

    /// One field of a `__record!`, appended to `out`:
    /// `"doc" "WIRE" name[?]: Type = helper;`.
    fn member(&mut self, field: &Field, owner: Owner, names: &mut Names, out: &mut Vec<TokenTree>) {
        let name = names.claim(&naming::snake(&field.name));
        let plan = self.plan(field, owner);
        let optional =
            owner == Owner::Response || !field.required || matches!(field.kind, Kind::Nullable(_));
        out.push(TokenTree::Literal(docs::field_literal(field, &self.links)));
        // Always written: the macro reads and writes the field by this name.
        out.push(TokenTree::Literal(literal::literal(&field.name)));
        out.push(TokenTree::Ident(super::ident(&name)));
        // `?:` asks the macro for `Option<Type>`, `None` when missing and not
        // written when `None`.
        if optional {
            out.push(self.puncts.question.clone());
        }
        out.push(self.puncts.colon.clone());
        out.extend(plan.ty);
        // The helper as an ident: the macro calls `wire::<helper>::...`.
        let helper = if optional {
            optional_helper(plan.helper)
        } else {
            plan.helper.unwrap_or("plain")
        };
        out.extend([
            self.puncts.eq.clone(),
            TokenTree::Ident(super::ident(helper)),
            self.puncts.semi.clone(),
        ]);
    }

    /// The Rust type of a field's kind, declaring nested types as needed.
    fn plan(&mut self, field: &Field, owner: Owner) -> Plan {
        self.plan_kind(field, field.kind.non_null(), owner)
    }

    fn plan_kind(&mut self, field: &Field, kind: &Kind, owner: Owner) -> Plan {
        const STRING: &[&str] = &["std", "string", "String"];
        const VALUE: &[&str] = &["bitrix24", "__private", "serde_json", "Value"];
        match kind {
            Kind::Integer => Plan::named("i64", Some("int")),
            Kind::Float => Plan::named("f64", Some("float")),
            Kind::String => Plan::path(&self.puncts, STRING, Some("string")),
            Kind::Boolean(BoolWire::YesNo) => Plan::named("bool", Some("yn")),
            Kind::Boolean(BoolWire::Json) => Plan::named("bool", Some("flag")),
            Kind::Date => Plan::path(&self.puncts, &["bitrix24", "wire", "Date"], Some("date")),
            Kind::DateTime => Plan::path(
                &self.puncts,
                &["bitrix24", "wire", "DateTime"],
                Some("datetime"),
            ),
            Kind::Object if !field.fields.is_empty() => {
                let name = self.names.claim(&naming::camel(&field.name));
                let doc = docs::struct_doc(field);
                let item = self.structure(&name, &doc, &field.fields, owner, field.open);
                self.items.extend(item);
                Plan::named(&name, None)
            }
            Kind::Object => Plan::path(
                &self.puncts,
                &["bitrix24", "wire", "Object"],
                Some("object"),
            ),
            Kind::Enum if !field.values.is_empty() => {
                let name = self.names.claim(&naming::camel(&field.name));
                open_enum(&name, field, &self.links, &mut self.items);
                Plan::named(&name, None)
            }
            Kind::Enum => Plan::path(&self.puncts, STRING, Some("string")),
            Kind::Array(inner) => {
                let inner = inner.non_null();
                if let Kind::Array(_) = inner {
                    return Plan::path(&self.puncts, VALUE, None);
                }
                let element = self.plan_kind(field, inner, owner);
                self.elements.push((field.name.clone(), element.ty.clone()));
                let helper = match element.helper {
                    Some(scalar) if !matches!(scalar, "list" | "object" | "map" | "plain") => {
                        list_helper(scalar)
                    }
                    _ => "list",
                };
                Plan::new(self.puncts.vec_of(element.ty), Some(helper))
            }
            Kind::FieldInfo => Plan::path(&self.puncts, &["bitrix24", "FieldInfo"], None),
            // A map of JSON values keeps its keys in the order sent (it is
            // `order`, or `filter`); maps of typed values are sorted by key.
            Kind::Map(inner) if matches!(inner.non_null(), Kind::Any) => Plan::path(
                &self.puncts,
                &["bitrix24", "wire", "Object"],
                Some("object"),
            ),
            Kind::Map(inner) => {
                let value = match inner.non_null() {
                    // Values read by their own `Deserialize`, lenient inside.
                    inner @ (Kind::Object | Kind::FieldInfo) => {
                        self.plan_kind(field, inner, owner).ty
                    }
                    _ => self.puncts.path(VALUE),
                };
                let mut ty = self.puncts.path(&["bitrix24", "wire", "Map"]);
                ty.push(self.puncts.lt.clone());
                ty.extend(value);
                ty.push(self.puncts.gt.clone());
                Plan::new(ty, Some("map"))
            }
            // Read by its own `Deserialize` (each alternative strictly,
            // which is what tells them apart); `null` is `None`.
            Kind::OneOf(first, second) => {
                let first = self.plan_kind(field, first.non_null(), owner).ty;
                let second = self.plan_kind(field, second.non_null(), owner).ty;
                let mut ty = self.puncts.path(&["bitrix24", "wire", "OneOf"]);
                ty.push(self.puncts.lt.clone());
                ty.extend(first);
                ty.push(self.puncts.comma.clone());
                ty.extend(second);
                ty.push(self.puncts.gt.clone());
                Plan::new(ty, Some("plain"))
            }
            Kind::Any | Kind::Nullable(_) => Plan::path(&self.puncts, VALUE, None),
        }
    }
}

// The wire helpers form a fixed set, so their names are static strings
// rather than formatted per field.

/// The helper of a list of `scalar`s.
fn list_helper(scalar: &str) -> &'static str {
    match scalar {
        "int" => "vec_int",
        "float" => "vec_float",
        "string" => "vec_string",
        "yn" => "vec_yn",
        "flag" => "vec_flag",
        "date" => "vec_date",
        "datetime" => "vec_datetime",
        other => unreachable!("no list helper for `{other}`"),
    }
}

/// The helper of an `Option` of a type read by `helper` (`None`: serde's own).
fn optional_helper(helper: Option<&str>) -> &'static str {
    match helper {
        None => "opt",
        // `Option`'s own reading: only `null` (or no key) is `None`.
        Some("plain") => "plain",
        Some("int") => "opt_int",
        Some("float") => "opt_float",
        Some("string") => "opt_string",
        Some("yn") => "opt_yn",
        Some("flag") => "opt_flag",
        Some("date") => "opt_date",
        Some("datetime") => "opt_datetime",
        Some("object") => "opt_object",
        Some("list") => "opt_list",
        Some("map") => "opt_map",
        Some(list) => match list.strip_prefix("vec_") {
            Some("int") => "opt_vec_int",
            Some("float") => "opt_vec_float",
            Some("string") => "opt_vec_string",
            Some("yn") => "opt_vec_yn",
            Some("flag") => "opt_vec_flag",
            Some("date") => "opt_vec_date",
            Some("datetime") => "opt_vec_datetime",
            _ => unreachable!("no optional helper for `{list}`"),
        },
    }
}

/// A custom user field (`UF_CRM_1`, `UF_...`, `UF_*`, `ufCrm5Field`).
fn is_user_field(name: &str) -> bool {
    name.get(..3).is_some_and(|p| p.eq_ignore_ascii_case("uf_"))
        || name
            .strip_prefix("uf")
            .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_uppercase()))
}

/// A name standing for many keys rather than one (`UF_...`, `UF_*`,
/// `UF_CRM_xxx`, `PARENT_ID_…`, `propertyN`, `PROPERTY_<ID>`): such keys
/// land in the struct's catch-all map.
fn is_pattern(name: &str) -> bool {
    let user = is_user_field(name);
    name.ends_with('_')
        || name.contains(['*', '{', '<', '#', '…'])
        // `xxx` in any case, without a lowercased copy of every name.
        || name
            .as_bytes()
            .windows(3)
            .any(|w| w.iter().all(|b| b.eq_ignore_ascii_case(&b'x')))
        || name.ends_with("_N")
        || name.len() > 2
            && name.ends_with('N')
            && name[..name.len() - 1].ends_with(|c: char| c.is_ascii_lowercase())
        || user && name.contains(['.', '[', ' '])
}

/// An enum of the listed values that still carries values the page did not list.
fn open_enum(name: &str, field: &Field, links: &DocLinks<'_>, out: &mut Vec<TokenTree>) {
    let ident = super::ident(name);
    let mut variants = Names::with(&["Other"]);
    // Gathered in a vector and made a stream once (see `TypeSet::structure_with`).
    let mut decls = Vec::with_capacity(field.values.len() * 5);
    let mut seen = Vec::new();
    for value in &field.values {
        if seen.contains(&value.value) {
            continue;
        }
        seen.push(value.value.clone());
        let variant = super::ident(&variants.claim(&naming::camel(&value.value)));
        let wire = &value.value;
        // `` `value` `` or `` `value`: description ``, written as its literal.
        let doc = literal::doc_literal(wire.len() + value.description.len() + 5, |doc| {
            doc.push_fixed("`", "`");
            doc.push(wire);
            doc.push_fixed("`", "`");
            if !value.description.is_empty() {
                doc.push_fixed(": ", ": ");
                doc.push(&doc_text(
                    &value.description,
                    value.markdown.as_deref(),
                    links,
                ));
            }
        });
        // `"doc" Variant = "value",` as tokens: `quote!` would escape `wire`
        // char by char where `literal::literal` copies it.
        decls.extend([
            TokenTree::Literal(doc),
            TokenTree::Ident(variant),
            punct('='),
            TokenTree::Literal(literal::literal(wire)),
            punct(','),
        ]);
    }
    let input: TokenStream = [
        TokenTree::Literal(literal::literal(&docs::enum_doc(field))),
        TokenTree::Ident(ident),
        TokenTree::Group(Group::new(Delimiter::Brace, decls.into_iter().collect())),
    ]
    .into_iter()
    .collect();
    super::invoke("__open_enum", input, out);
}

#[cfg(test)]
mod tests {
    #[test]
    fn xxx_in_any_case_is_a_pattern() {
        for (name, pattern) in [
            ("UF_CRM_xxx", true),
            ("PROPERTY_XxX", true),
            ("xXx", true),
            ("xx_x", false),
            ("TAXXES", false),
            ("MAXX", false),
            ("ID", false),
        ] {
            assert_eq!(super::is_pattern(name), pattern, "{name}");
        }
    }
}
