//! Rust types for fields: scalars with their lenient wire helpers, nested
//! structs and open enums, each named once per module.

use proc_macro2::{Delimiter, Group, Literal, Punct, Spacing, TokenStream, TokenTree};
use quote::quote;

use super::docs;
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
    /// The type.
    pub ty: TokenStream,
    /// Helper module name under `::bitrix24::wire`, if the type needs one.
    helper: Option<&'static str>,
}

impl Plan {
    fn new(ty: TokenStream, helper: Option<&'static str>) -> Plan {
        Plan { ty, helper }
    }

    /// Decodes `result` (a `serde_json::Value` in scope) into this type.
    pub fn decode_expr(&self) -> TokenStream {
        match self.helper {
            Some(helper) => {
                let helper = super::ident(helper);
                quote! { ::bitrix24::wire::#helper::deserialize(result) }
            }
            None => quote! { ::bitrix24::__private::serde_json::from_value(result) },
        }
    }
}

/// The named types of one module, in the order they were first needed.
pub struct TypeSet {
    names: Names,
    items: Vec<TokenStream>,
    /// Element types of the list members planned so far, by wire name.
    pub elements: Vec<(String, TokenStream)>,
    /// The string literals every struct or field repeats, made once per
    /// module: cloning one is cheaper than escaping its text again.
    literals: Vec<(&'static str, Literal)>,
}

impl TypeSet {
    /// A set where `reserved` names are taken.
    pub fn new(reserved: &[&str]) -> TypeSet {
        TypeSet {
            names: Names::with(reserved),
            items: Vec::new(),
            elements: Vec::new(),
            literals: Vec::new(),
        }
    }

    /// The literal of `text`, made on first use in this module.
    fn literal(&mut self, text: &'static str) -> Literal {
        if let Some((_, literal)) = self.literals.iter().find(|(t, _)| *t == text) {
            return literal.clone();
        }
        let literal = Literal::string(text);
        self.literals.push((text, literal.clone()));
        literal
    }

    /// The nested types emitted so far.
    pub fn into_items(self) -> Vec<TokenStream> {
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
    ) -> TokenStream {
        self.structure_with(TokenStream::new(), name, doc, fields, owner)
    }

    /// [`TypeSet::structure`] with outer attributes (`#[deprecated]`) before its doc.
    pub fn structure_with(
        &mut self,
        attrs: TokenStream,
        name: &str,
        doc: &str,
        fields: &[Field],
        owner: Owner,
    ) -> TokenStream {
        let mut field_names = Names::default();
        let custom = fields.iter().any(|f| is_user_field(&f.name));
        // Streams are moved into their parent, never interpolated: `#stream`
        // in `quote!` copies every top-level token of it (an allocation per
        // identifier), and a struct body is most of a module's tokens.
        let mut members = TokenStream::new();
        for field in fields
            .iter()
            .filter(|f| !(is_user_field(&f.name) && is_placeholder(&f.name)))
        {
            self.member(field, owner, &mut field_names, &mut members);
        }
        if custom {
            // Custom fields (`UF_...`) differ per portal: `.. name` asks for
            // a map that keeps every key the struct does not name.
            let map = super::ident(&field_names.claim("user_fields"));
            members.extend([
                TokenTree::Punct(Punct::new('.', Spacing::Joint)),
                TokenTree::Punct(Punct::new('.', Spacing::Alone)),
                TokenTree::Ident(map),
            ]);
        }
        let mut input = attrs;
        input.extend([
            TokenTree::Literal(docs::literal(doc)),
            TokenTree::Ident(super::ident(name)),
            TokenTree::Group(Group::new(Delimiter::Brace, members)),
        ]);
        let input = Group::new(Delimiter::Brace, input);
        quote! { ::bitrix24::__record! #input }
    }

    /// Declares `Output` as a struct when `result` is an object with members.
    pub fn output(&mut self, result: &ResultSpec) {
        if result.kind == Kind::Object && !result.fields.is_empty() {
            let item = self.structure(
                "Output",
                &docs::output_doc(result),
                &result.fields,
                Owner::Response,
            );
            self.items.push(item);
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
        );
        self.items.push(item);
        let ident = super::ident(&name);
        Plan::new(quote! { ::std::vec::Vec<#ident> }, Some("list"))
    }

    /// One field of a `__record!`, appended to `out`:
    /// `"doc" ["WIRE"] name[?]: Type [= "with"];`.
    fn member(&mut self, field: &Field, owner: Owner, names: &mut Names, out: &mut TokenStream) {
        let name = names.claim(&naming::snake(&field.name));
        let plan = self.plan(field, owner);
        let optional =
            owner == Owner::Response || !field.required || matches!(field.kind, Kind::Nullable(_));
        let wire = &field.name;
        out.extend([TokenTree::Literal(docs::literal(&docs::field_doc(field)))]);
        // Without a rename serde uses the field's own name, which then is the
        // wire name already.
        if name.trim_start_matches("r#") != wire.as_str() {
            out.extend([TokenTree::Literal(docs::literal(wire))]);
        }
        out.extend([TokenTree::Ident(super::ident(&name))]);
        // `?:` asks the macro for `Option<Type>`, defaulted and skipped when `None`.
        if optional {
            out.extend([TokenTree::Punct(Punct::new('?', Spacing::Alone))]);
        }
        out.extend([TokenTree::Punct(Punct::new(':', Spacing::Alone))]);
        out.extend(plan.ty);
        let helper = if optional {
            Some(optional_helper(plan.helper))
        } else {
            plan.helper
        };
        if let Some(helper) = helper {
            let path = self.literal(wire_path(helper));
            out.extend([
                TokenTree::Punct(Punct::new('=', Spacing::Alone)),
                TokenTree::Literal(path),
            ]);
        }
        out.extend([TokenTree::Punct(Punct::new(';', Spacing::Alone))]);
    }

    /// The Rust type of a field's kind, declaring nested types as needed.
    fn plan(&mut self, field: &Field, owner: Owner) -> Plan {
        self.plan_kind(field, field.kind.non_null(), owner)
    }

    fn plan_kind(&mut self, field: &Field, kind: &Kind, owner: Owner) -> Plan {
        match kind {
            Kind::Integer => Plan::new(quote! { i64 }, Some("int")),
            Kind::Float => Plan::new(quote! { f64 }, Some("float")),
            Kind::String => Plan::new(quote! { ::std::string::String }, Some("string")),
            Kind::Boolean(BoolWire::YesNo) => Plan::new(quote! { bool }, Some("yn")),
            Kind::Boolean(BoolWire::Json) => Plan::new(quote! { bool }, Some("flag")),
            Kind::Date => Plan::new(quote! { ::bitrix24::wire::Date }, Some("date")),
            Kind::DateTime => Plan::new(quote! { ::bitrix24::wire::DateTime }, Some("datetime")),
            Kind::Object if !field.fields.is_empty() => {
                let name = self.names.claim(&naming::camel(&field.name));
                let doc = docs::struct_doc(field);
                let item = self.structure(&name, &doc, &field.fields, owner);
                self.items.push(item);
                let ident = super::ident(&name);
                Plan::new(quote! { #ident }, None)
            }
            Kind::Object => Plan::new(quote! { ::bitrix24::wire::Object }, Some("object")),
            Kind::Enum if !field.values.is_empty() => {
                let name = self.names.claim(&naming::camel(&field.name));
                self.items.push(open_enum(&name, field));
                let ident = super::ident(&name);
                Plan::new(quote! { #ident }, None)
            }
            Kind::Enum => Plan::new(quote! { ::std::string::String }, Some("string")),
            Kind::Array(inner) => {
                let inner = inner.non_null();
                if let Kind::Array(_) = inner {
                    return Plan::new(quote! { ::bitrix24::__private::serde_json::Value }, None);
                }
                let element = self.plan_kind(field, inner, owner);
                let element_ty = &element.ty;
                self.elements.push((field.name.clone(), element_ty.clone()));
                let helper = match element.helper {
                    Some(scalar) if scalar != "list" && scalar != "object" => list_helper(scalar),
                    _ => "list",
                };
                Plan::new(quote! { ::std::vec::Vec<#element_ty> }, Some(helper))
            }
            Kind::Any | Kind::Nullable(_) => {
                Plan::new(quote! { ::bitrix24::__private::serde_json::Value }, None)
            }
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
        Some("int") => "opt_int",
        Some("float") => "opt_float",
        Some("string") => "opt_string",
        Some("yn") => "opt_yn",
        Some("flag") => "opt_flag",
        Some("date") => "opt_date",
        Some("datetime") => "opt_datetime",
        Some("object") => "opt_object",
        Some("list") => "opt_list",
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

/// The `with = "..."` path of a helper.
fn wire_path(helper: &str) -> &'static str {
    macro_rules! paths {
        ($($name:literal)*) => {
            match helper {
                $($name => concat!("::bitrix24::wire::", $name),)*
                other => unreachable!("no wire helper `{other}`"),
            }
        };
    }
    paths! {
        "opt" "int" "float" "string" "yn" "flag" "date" "datetime" "object" "list"
        "vec_int" "vec_float" "vec_string" "vec_yn" "vec_flag" "vec_date" "vec_datetime"
        "opt_int" "opt_float" "opt_string" "opt_yn" "opt_flag" "opt_date" "opt_datetime"
        "opt_object" "opt_list" "opt_vec_int" "opt_vec_float" "opt_vec_string" "opt_vec_yn"
        "opt_vec_flag" "opt_vec_date" "opt_vec_datetime"
    }
}

/// A custom user field (`UF_CRM_1`, `UF_...`, `UF_*`).
fn is_user_field(name: &str) -> bool {
    name.get(..3).is_some_and(|p| p.eq_ignore_ascii_case("uf_"))
}

/// A pattern standing for many custom fields rather than one (`UF_...`,
/// `UF_*`, `UF_CRM_xxx`).
fn is_placeholder(name: &str) -> bool {
    name.ends_with('_')
        || name.contains(['.', '*', '[', '{', '<', ' ', '#'])
        || name.to_ascii_lowercase().contains("xxx")
}

/// An enum of the listed values that still carries values the page did not list.
fn open_enum(name: &str, field: &Field) -> TokenStream {
    let ident = super::ident(name);
    let mut variants = Names::with(&["Other"]);
    let mut decls = TokenStream::new();
    let mut seen = Vec::new();
    for value in &field.values {
        if seen.contains(&value.value) {
            continue;
        }
        seen.push(value.value.clone());
        let variant = super::ident(&variants.claim(&naming::camel(&value.value)));
        let wire = &value.value;
        let doc = if value.description.is_empty() {
            format!("`{wire}`")
        } else {
            format!("`{wire}`: {}", value.description)
        };
        // `"doc" Variant = "value",` as tokens: `quote!` would escape `wire`
        // char by char where `docs::literal` copies it.
        decls.extend([
            TokenTree::Literal(docs::literal(&doc)),
            TokenTree::Ident(variant),
            TokenTree::Punct(Punct::new('=', Spacing::Alone)),
            TokenTree::Literal(docs::literal(wire)),
            TokenTree::Punct(Punct::new(',', Spacing::Alone)),
        ]);
    }
    let input: TokenStream = [
        TokenTree::Literal(docs::literal(&docs::enum_doc(field))),
        TokenTree::Ident(ident),
        TokenTree::Group(Group::new(Delimiter::Brace, decls)),
    ]
    .into_iter()
    .collect();
    let input = Group::new(Delimiter::Brace, input);
    quote! { ::bitrix24::__open_enum! #input }
}
