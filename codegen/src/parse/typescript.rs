//! Result shapes the page's TypeScript examples declare. The JS SDK's
//! `$b24.actions.v2.call.make<T>({ method: '...' })` names the type of
//! `result` as `T`, and the same block spells `T` out with `type T = ...` or
//! `interface T { ... }`: a structure the page shows, read like a table.
//!
//! Only a small part of TypeScript's type syntax is read (primitives,
//! literals, object literals, `T[]`, `Array<T>`, `Record<K, V>`, unions,
//! intersections of objects, names declared in the block); anything else
//! reads as "unknown", never as an error. Input is bounded: the token count
//! and the nesting depth are capped.

use std::collections::HashMap;

use crate::blocks::Block;
use crate::model::{BoolWire, EnumValue, Field, Kind};

/// Tokens read from one block at most; longer blocks are cut there.
const MAX_TOKENS: usize = 20_000;
/// Nesting depth of types, and of names resolving to names.
const MAX_DEPTH: usize = 24;

/// The kind and members of `result` as a TypeScript example of `method`
/// declares them, when one does.
pub fn result_type(blocks: &[Block], method: &str) -> Option<(Kind, Vec<Field>)> {
    blocks.iter().find_map(|block| match block {
        Block::Code { text, .. } if text.contains(".make<") => {
            let tokens = tokens(text);
            let declared = declarations(&tokens);
            let ty = call_type(&tokens, method)?;
            let shape = Reader {
                declared: &declared,
            }
            .shape(&ty, 0);
            (shape.kind != Kind::Any).then_some((shape.kind, shape.fields))
        }
        _ => None,
    })
}

/// A TypeScript type, as far as it is read.
#[derive(Debug, Clone, PartialEq)]
enum Ts {
    /// `string`, `number`, `boolean`.
    Primitive(&'static str),
    /// `'Y'`, `"open"`.
    Literal(String),
    /// `null`, `undefined`, `void`, `never`.
    Null,
    /// `unknown`, `any`, or syntax not read.
    Unknown,
    /// `{ a: T; b?: U }`, with an index signature's value type if any.
    Object(Vec<Member>, Option<Box<Ts>>),
    /// `T[]`, `Array<T>`.
    Array(Box<Ts>),
    /// `Record<string, T>`.
    Record(Box<Ts>),
    /// `A | B`.
    Union(Vec<Ts>),
    /// `A & B`, and an interface with the interfaces it extends.
    All(Vec<Ts>),
    /// A name declared elsewhere in the block.
    Named(String),
}

#[derive(Debug, Clone, PartialEq)]
struct Member {
    name: String,
    ty: Ts,
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Word(String),
    Text(String),
    Number,
    Punct(char),
}

fn tokens(code: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut chars = code.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        if out.len() >= MAX_TOKENS {
            break;
        }
        match c {
            c if c.is_whitespace() => {}
            '/' if code[at + 1..].starts_with('/') => {
                while chars.peek().is_some_and(|&(_, c)| c != '\n') {
                    chars.next();
                }
            }
            '/' if code[at + 1..].starts_with('*') => {
                let end = code[at + 2..]
                    .find("*/")
                    .map_or(code.len(), |e| at + 2 + e + 2);
                while chars.peek().is_some_and(|&(i, _)| i < end) {
                    chars.next();
                }
            }
            '\'' | '"' | '`' => {
                let mut text = String::new();
                while let Some((_, d)) = chars.next() {
                    match d {
                        '\\' => {
                            if let Some((_, e)) = chars.next() {
                                text.push(e);
                            }
                        }
                        d if d == c => break,
                        d => text.push(d),
                    }
                }
                out.push(Token::Text(text));
            }
            c if c.is_ascii_digit() => {
                while chars
                    .peek()
                    .is_some_and(|&(_, d)| d.is_ascii_alphanumeric() || d == '.' || d == '_')
                {
                    chars.next();
                }
                out.push(Token::Number);
            }
            c if c.is_alphabetic() || c == '_' || c == '$' => {
                // The word is a slice of the code, copied once at its size.
                let mut end = at + c.len_utf8();
                while let Some(&(i, d)) = chars.peek() {
                    if d.is_alphanumeric() || d == '_' || d == '$' {
                        end = i + d.len_utf8();
                        chars.next();
                    } else {
                        break;
                    }
                }
                out.push(Token::Word(code[at..end].to_string()));
            }
            c => out.push(Token::Punct(c)),
        }
    }
    out
}

/// `type Name = T` and `interface Name [extends A, B] { ... }` of a block.
fn declarations(tokens: &[Token]) -> HashMap<String, Ts> {
    let mut declared = HashMap::new();
    let mut at = 0;
    while at + 2 < tokens.len() {
        let (Token::Word(keyword), Token::Word(name)) = (&tokens[at], &tokens[at + 1]) else {
            at += 1;
            continue;
        };
        let mut parser = Parser { tokens, at: at + 2 };
        match keyword.as_str() {
            "type" => {
                parser.skip_generics();
                if parser.eat('=') {
                    let ty = parser.union(0);
                    declared.insert(name.clone(), ty);
                }
            }
            "interface" => {
                let mut bases = Vec::new();
                parser.skip_generics();
                if parser.word("extends") {
                    while let Some(Token::Word(base)) = parser.peek() {
                        bases.push(Ts::Named(base.clone()));
                        parser.at += 1;
                        parser.skip_generics();
                        if !parser.eat(',') {
                            break;
                        }
                    }
                }
                if parser.eat('{') {
                    let body = parser.object(0);
                    let ty = if bases.is_empty() {
                        body
                    } else {
                        bases.push(body);
                        Ts::All(bases)
                    };
                    declared.insert(name.clone(), ty);
                }
            }
            _ => {
                at += 1;
                continue;
            }
        }
        at = parser.at.max(at + 1);
    }
    declared
}

/// The `T` of `call.make<T>(...)` whose `method:` is `method`.
fn call_type(tokens: &[Token], method: &str) -> Option<Ts> {
    let is = |i: usize, t: &str| matches!(tokens.get(i), Some(Token::Word(w)) if w == t);
    (0..tokens.len()).find_map(|at| {
        let called = is(at, "call")
            && tokens.get(at + 1) == Some(&Token::Punct('.'))
            && is(at + 2, "make")
            && tokens.get(at + 3) == Some(&Token::Punct('<'));
        if !called {
            return None;
        }
        let mut parser = Parser { tokens, at: at + 4 };
        let ty = parser.union(0);
        if !parser.eat('>') {
            return None;
        }
        // `({ method: 'crm.item.get', ...`: the name comes first or nearly.
        let window = &tokens[parser.at..tokens.len().min(parser.at + 12)];
        let names_method = window.windows(3).any(|w| {
            matches!(&w[0], Token::Word(k) | Token::Text(k) if k == "method")
                && w[1] == Token::Punct(':')
                && matches!(&w[2], Token::Text(m) if m.eq_ignore_ascii_case(method))
        });
        names_method.then_some(ty)
    })
}

struct Parser<'t> {
    tokens: &'t [Token],
    at: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    fn eat(&mut self, c: char) -> bool {
        let found = self.peek() == Some(&Token::Punct(c));
        if found {
            self.at += 1;
        }
        found
    }

    fn word(&mut self, w: &str) -> bool {
        let found = matches!(self.peek(), Some(Token::Word(x)) if x == w);
        if found {
            self.at += 1;
        }
        found
    }

    /// Skips `<...>` (type parameters) if one opens here.
    fn skip_generics(&mut self) {
        if !self.eat('<') {
            return;
        }
        let mut depth = 1;
        while let Some(token) = self.tokens.get(self.at) {
            self.at += 1;
            match token {
                Token::Punct('<') => depth += 1,
                Token::Punct('>') => {
                    depth -= 1;
                    if depth == 0 {
                        return;
                    }
                }
                _ => {}
            }
        }
    }

    /// `A | B & C`: intersections are read as their first object-like part
    /// merged with the rest where both are objects.
    fn union(&mut self, depth: usize) -> Ts {
        if depth > MAX_DEPTH {
            return Ts::Unknown;
        }
        self.eat('|');
        let mut alternatives = vec![self.intersection(depth)];
        while self.eat('|') {
            alternatives.push(self.intersection(depth));
        }
        if alternatives.len() == 1 {
            alternatives.remove(0)
        } else {
            Ts::Union(alternatives)
        }
    }

    fn intersection(&mut self, depth: usize) -> Ts {
        let mut parts = vec![self.postfix(depth)];
        while self.eat('&') {
            parts.push(self.postfix(depth));
        }
        if parts.len() == 1 {
            parts.remove(0)
        } else {
            Ts::All(parts)
        }
    }

    fn postfix(&mut self, depth: usize) -> Ts {
        let mut ty = self.primary(depth);
        while self.peek() == Some(&Token::Punct('['))
            && self.tokens.get(self.at + 1) == Some(&Token::Punct(']'))
        {
            self.at += 2;
            ty = Ts::Array(Box::new(ty));
        }
        ty
    }

    fn primary(&mut self, depth: usize) -> Ts {
        let Some(token) = self.peek().cloned() else {
            return Ts::Unknown;
        };
        self.at += 1;
        match token {
            Token::Punct('{') => self.object(depth + 1),
            Token::Punct('(') => {
                let inner = self.union(depth + 1);
                self.eat(')');
                inner
            }
            Token::Punct('[') => {
                // A tuple: a list of its element types.
                let mut elements = Vec::new();
                while !self.eat(']') {
                    let before = self.at;
                    elements.push(self.union(depth + 1));
                    self.eat(',');
                    if self.at == before {
                        return Ts::Unknown;
                    }
                }
                Ts::Array(Box::new(match elements.len() {
                    1 => elements.remove(0),
                    _ => Ts::Union(elements),
                }))
            }
            Token::Text(text) => Ts::Literal(text),
            Token::Number => Ts::Primitive("number"),
            Token::Word(word) => self.named(&word, depth),
            Token::Punct(_) => {
                self.at -= 1;
                Ts::Unknown
            }
        }
    }

    fn named(&mut self, word: &str, depth: usize) -> Ts {
        match word {
            "string" => Ts::Primitive("string"),
            "number" | "bigint" => Ts::Primitive("number"),
            "boolean" | "true" | "false" => Ts::Primitive("boolean"),
            "null" | "undefined" | "void" | "never" => Ts::Null,
            "unknown" | "any" => Ts::Unknown,
            "object" => Ts::Object(Vec::new(), None),
            _ => {
                // `Namespace.Type`: the last name counts.
                let mut name = word.to_string();
                while self.peek() == Some(&Token::Punct('.')) {
                    if let Some(Token::Word(next)) = self.tokens.get(self.at + 1) {
                        name.clone_from(next);
                        self.at += 2;
                    } else {
                        break;
                    }
                }
                if self.peek() != Some(&Token::Punct('<')) {
                    return Ts::Named(name);
                }
                self.at += 1;
                let mut arguments = vec![self.union(depth + 1)];
                while self.eat(',') {
                    arguments.push(self.union(depth + 1));
                }
                self.eat('>');
                let last = arguments.pop().unwrap_or(Ts::Unknown);
                match name.as_str() {
                    "Record" => Ts::Record(Box::new(last)),
                    "Array" | "ReadonlyArray" | "Set" => Ts::Array(Box::new(last)),
                    "Partial" | "Required" | "Readonly" | "Promise" | "NonNullable" => last,
                    _ => Ts::Unknown,
                }
            }
        }
    }

    /// Members up to the closing `}` (the `{` is read).
    fn object(&mut self, depth: usize) -> Ts {
        let mut members = Vec::new();
        let mut index = None;
        loop {
            let before = self.at;
            match self.peek().cloned() {
                None => break,
                Some(Token::Punct('}')) => {
                    self.at += 1;
                    break;
                }
                Some(Token::Punct(';' | ',')) => self.at += 1,
                Some(Token::Punct('[')) => {
                    // `[key: string]: T`
                    while self.peek().is_some() && !self.eat(']') {
                        self.at += 1;
                    }
                    if self.eat(':') {
                        index = Some(Box::new(self.union(depth + 1)));
                    }
                }
                Some(Token::Word(name) | Token::Text(name)) => {
                    self.at += 1;
                    if name == "readonly" && matches!(self.peek(), Some(Token::Word(_))) {
                        continue;
                    }
                    self.eat('?');
                    if self.eat(':') {
                        let ty = self.union(depth + 1);
                        members.push(Member { name, ty });
                    }
                }
                Some(_) => self.at += 1,
            }
            if self.at == before {
                self.at += 1;
            }
        }
        Ts::Object(members, index)
    }
}

/// What a type becomes in the model.
struct Shape {
    kind: Kind,
    fields: Vec<Field>,
    values: Vec<EnumValue>,
}

impl Shape {
    fn of(kind: Kind) -> Shape {
        Shape {
            kind,
            fields: Vec::new(),
            values: Vec::new(),
        }
    }
}

struct Reader<'d> {
    declared: &'d HashMap<String, Ts>,
}

impl Reader<'_> {
    fn shape(&self, ty: &Ts, depth: usize) -> Shape {
        if depth > MAX_DEPTH {
            return Shape::of(Kind::Any);
        }
        match ty {
            Ts::Primitive("string") => Shape::of(Kind::String),
            Ts::Primitive("number") => Shape::of(Kind::Float),
            Ts::Primitive(_) => Shape::of(Kind::Boolean(BoolWire::Json)),
            Ts::Literal(_) => Shape::of(Kind::String),
            Ts::Null | Ts::Unknown => Shape::of(Kind::Any),
            Ts::Named(name) => match self.declared.get(name) {
                Some(ty) => self.shape(ty, depth + 1),
                None => Shape::of(Kind::Any),
            },
            Ts::Object(members, index) if members.is_empty() => match index {
                Some(value) => self.map_of(value, depth),
                None => Shape::of(Kind::Object),
            },
            Ts::Object(members, _) => Shape {
                kind: Kind::Object,
                fields: members
                    .iter()
                    .map(|m| self.member(&m.name, &m.ty, depth + 1))
                    .collect(),
                values: Vec::new(),
            },
            Ts::Array(inner) => {
                let inner = self.shape(inner, depth + 1);
                Shape {
                    kind: Kind::Array(Box::new(inner.kind)),
                    fields: inner.fields,
                    values: inner.values,
                }
            }
            Ts::Record(value) => self.map_of(value, depth),
            Ts::Union(alternatives) => self.union(alternatives, depth),
            Ts::All(parts) => match self.merged(parts, depth) {
                Some(object) => self.shape(&object, depth + 1),
                None => Shape::of(Kind::Any),
            },
        }
    }

    /// `A & B & ...` of objects: their members together; `None` when a part
    /// is not an object.
    fn merged(&self, parts: &[Ts], depth: usize) -> Option<Ts> {
        let mut members: Vec<Member> = Vec::new();
        let mut index = None;
        for part in parts {
            let part = match self.resolve(part, depth) {
                Ts::All(inner) if depth < MAX_DEPTH => self.merged(&inner, depth + 1)?,
                other => other,
            };
            let Ts::Object(more, more_index) = part else {
                return None;
            };
            for member in more {
                if !members.iter().any(|m| m.name == member.name) {
                    members.push(member);
                }
            }
            index = index.or(more_index);
        }
        Some(Ts::Object(members, index))
    }

    fn map_of(&self, value: &Ts, depth: usize) -> Shape {
        let value = self.shape(value, depth + 1);
        Shape {
            kind: Kind::Map(Box::new(value.kind)),
            fields: value.fields,
            values: Vec::new(),
        }
    }

    /// `T | null` is `T` or nothing; string literals are an enumeration;
    /// other mixes the page leaves open.
    fn union(&self, alternatives: &[Ts], depth: usize) -> Shape {
        let resolved: Vec<Ts> = alternatives
            .iter()
            .map(|a| self.resolve(a, depth))
            .collect();
        let nullable = resolved.contains(&Ts::Null);
        let rest: Vec<&Ts> = resolved.iter().filter(|a| **a != Ts::Null).collect();
        let literals: Vec<&str> = rest
            .iter()
            .filter_map(|a| match a {
                Ts::Literal(text) => Some(text.as_str()),
                _ => None,
            })
            .collect();
        let shape = if !rest.is_empty() && literals.len() == rest.len() {
            Shape {
                kind: Kind::Enum,
                fields: Vec::new(),
                values: literals
                    .iter()
                    .map(|value| EnumValue {
                        value: (*value).to_string(),
                        description: String::new(),
                        markdown: None,
                    })
                    .collect(),
            }
        } else if rest.len() == 1 {
            self.shape(rest[0], depth + 1)
        } else if rest.iter().all(|a| **a == Ts::Primitive("number")) && !rest.is_empty() {
            Shape::of(Kind::Float)
        } else {
            match self.either(&rest, depth) {
                Some(kind) => Shape::of(kind),
                None => return Shape::of(Kind::Any),
            }
        };
        if nullable && shape.kind != Kind::Any {
            Shape {
                kind: Kind::Nullable(Box::new(shape.kind)),
                ..shape
            }
        } else {
            shape
        }
    }

    /// Alternatives JSON tells apart, none with members of its own:
    /// [`Kind::OneOf`], as the pages' written unions read.
    fn either(&self, alternatives: &[&Ts], depth: usize) -> Option<Kind> {
        let mut kinds = Vec::with_capacity(alternatives.len());
        let mut shapes = Vec::with_capacity(alternatives.len());
        for alternative in alternatives {
            let shape = self.shape(alternative, depth + 1);
            let json = shape.kind.json_shape()?;
            if !shape.fields.is_empty() || shapes.contains(&json) {
                return None;
            }
            shapes.push(json);
            kinds.push(shape.kind);
        }
        kinds
            .into_iter()
            .rev()
            .reduce(|rest, first| Kind::OneOf(Box::new(first), Box::new(rest)))
    }

    /// A name resolved to what it names (for reading unions).
    fn resolve(&self, ty: &Ts, depth: usize) -> Ts {
        let mut ty = ty.clone();
        for _ in depth..MAX_DEPTH {
            match ty {
                Ts::Named(ref name) => match self.declared.get(name) {
                    Some(named) => ty = named.clone(),
                    None => return Ts::Unknown,
                },
                _ => return ty,
            }
        }
        Ts::Unknown
    }

    fn member(&self, name: &str, ty: &Ts, depth: usize) -> Field {
        let shape = self.shape(ty, depth);
        // Ids are whole numbers, however the example's type spells them.
        let kind = match shape.kind {
            Kind::Float if is_id_name(name) => Kind::Integer,
            Kind::Nullable(inner) if *inner == Kind::Float && is_id_name(name) => {
                Kind::Nullable(Box::new(Kind::Integer))
            }
            kind => kind,
        };
        let mut field = Field::new(name, kind);
        field.fields = shape.fields;
        field.values = shape.values;
        field
    }
}

/// `id`, `ID`, `ownerId`, `OWNER_ID`, `task_id`.
fn is_id_name(name: &str) -> bool {
    name.eq_ignore_ascii_case("id")
        || name.ends_with("Id")
        || name.ends_with("_ID")
        || name.ends_with("_id")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(text: &str) -> Vec<Block<'_>> {
        vec![Block::Code {
            lang: "ts".to_string(),
            text: text.to_string(),
            at: 0,
        }]
    }

    #[test]
    fn an_object_result_is_read_with_its_members() {
        let blocks = code(
            "// the payload\ntype ItemResult = {\n  item: { id: number; title?: string | null; stage: 'NEW' | 'WON' }\n  tags: string[]\n}\n\
             const r = await $b24.actions.v2.call.make<ItemResult>({\n  method: 'crm.item.get',\n  params: {}\n})",
        );
        let (kind, fields) = result_type(&blocks, "crm.item.get").unwrap();
        assert_eq!(kind, Kind::Object);
        assert_eq!(fields.len(), 2);
        let item = &fields[0];
        assert_eq!(item.name, "item");
        assert_eq!(item.kind, Kind::Object);
        assert_eq!(item.fields[0].kind, Kind::Integer);
        assert_eq!(item.fields[1].kind, Kind::Nullable(Box::new(Kind::String)));
        assert_eq!(item.fields[2].kind, Kind::Enum);
        assert_eq!(item.fields[2].values.len(), 2);
        assert_eq!(fields[1].kind, Kind::Array(Box::new(Kind::String)));
    }

    #[test]
    fn scalars_lists_and_maps() {
        let read = |ty: &str| {
            let text = format!("type R = {ty}\n$b24.actions.v2.call.make<R>({{ method: 'a.b' }})");
            result_type(&code(&text), "a.b")
        };
        assert_eq!(read("boolean").unwrap().0, Kind::Boolean(BoolWire::Json));
        assert_eq!(
            read("number[]").unwrap().0,
            Kind::Array(Box::new(Kind::Float))
        );
        assert_eq!(
            read("Record<string, boolean>").unwrap().0,
            Kind::Map(Box::new(Kind::Boolean(BoolWire::Json)))
        );
        let (kind, fields) = read("Record<string, Item>\ninterface Item { name: string }").unwrap();
        assert_eq!(kind, Kind::Map(Box::new(Kind::Object)));
        assert_eq!(fields[0].name, "name");
        // What the example leaves open stays open.
        assert_eq!(
            read("Record<string, unknown>[]").unwrap().0,
            Kind::Array(Box::new(Kind::Map(Box::new(Kind::Any))))
        );
        assert!(read("unknown").is_none());
        assert!(read("Record<string, unknown> | { a: string }").is_none());
        assert_eq!(
            read("string | Record<string, string>").unwrap().0,
            Kind::OneOf(
                Box::new(Kind::String),
                Box::new(Kind::Map(Box::new(Kind::String)))
            )
        );
    }

    #[test]
    fn only_the_pages_own_method_counts() {
        let blocks =
            code("type R = boolean\n$b24.actions.v2.call.make<R>({ method: 'other.method' })");
        assert!(result_type(&blocks, "a.b").is_none());
    }

    #[test]
    fn interfaces_extend_and_intersect() {
        let blocks = code(
            "interface Base { id: number }\ninterface Task extends Base { title: string }\n\
             type R = { task: Task & { extra?: boolean } }\n\
             call.make<R>({ method: 'tasks.task.get' })",
        );
        let (_, fields) = result_type(&blocks, "tasks.task.get").unwrap();
        let names: Vec<&str> = fields[0].fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["id", "title", "extra"]);
    }

    #[test]
    fn unreadable_syntax_is_unknown_not_a_panic() {
        for text in [
            "call.make<",
            "call.make<{ a: ",
            "type R = { [k: string]: ",
            "type = = = call.make<R>({ method: 'a.b' })",
            "call.make<[string, ]>({ method: 'a.b' })",
            "type R = R[]\ncall.make<R>({ method: 'a.b' })",
            "type A = B\ntype B = A\ncall.make<A>({ method: 'a.b' })",
        ] {
            let _ = result_type(&code(text), "a.b");
        }
    }
}
