//! The page's own code examples: the request JSON sent by the cURL tabs and
//! the response JSON. They fill in types the tables leave out.

use serde_json::Value;

use super::sections::{Page, SectionKind};
use crate::blocks::Block;

/// JSON taken from the page's examples.
#[derive(Debug, Default)]
pub struct Samples {
    /// Request bodies (`-d '{...}'` of cURL examples), in page order.
    pub requests: Vec<Value>,
    /// The whole successful response envelopes shown on the page.
    pub responses: Vec<Value>,
    /// An example calls `/rest/api/` (REST 3.0).
    pub rest_v3: bool,
}

impl Samples {
    /// Gathers the samples of a page.
    pub fn collect(page: &Page<'_>) -> Samples {
        let mut samples = Samples::default();
        for block in page.blocks {
            if let Block::Code { text, .. } = block {
                if !samples.rest_v3 && calls_rest_v3(text) {
                    samples.rest_v3 = true;
                }
                for body in curl_bodies(text) {
                    if let Some(value @ Value::Object(_)) = crate::json::lenient(&body) {
                        samples.requests.push(value);
                    }
                }
            }
        }
        for section in page.sections_of(SectionKind::Response) {
            for block in section.blocks {
                if let Block::Code { text, .. } = block {
                    // Only blocks that look like a response are worth a
                    // lenient read: code in other languages is not JSON.
                    if !text.contains("\"result\"") || !text.trim_start().starts_with('{') {
                        continue;
                    }
                    if let Some(value @ Value::Object(_)) = crate::json::lenient(text) {
                        if value.get("result").is_some() {
                            samples.responses.push(value);
                        }
                    }
                }
            }
        }
        samples
    }

    /// The examples as the page shows them to a user: request bodies
    /// without the `auth` token a cURL example sends, and the responses.
    pub fn into_examples(self) -> crate::Examples {
        crate::Examples {
            requests: self
                .requests
                .into_iter()
                .map(|mut request| {
                    if let Value::Object(map) = &mut request {
                        map.remove("auth");
                    }
                    request
                })
                .collect(),
            responses: self.responses,
        }
    }

    /// The first sample value at a parameter path, looking through arrays.
    pub fn request_value(&self, path: &[String]) -> Option<&Value> {
        self.requests.iter().find_map(|root| lookup(root, path))
    }

    /// The first sample value at a path inside `result`.
    pub fn result_value(&self, path: &[String]) -> Option<&Value> {
        self.responses
            .iter()
            .find_map(|root| lookup(root.get("result")?, path))
    }

    /// Every sample value at a parameter path (`Request`) or a path inside
    /// `result` (`Response`), in every example and every list element.
    pub fn values_at(&self, response: bool, path: &[String]) -> Vec<&Value> {
        let mut out = Vec::new();
        if response {
            for root in &self.responses {
                if let Some(result) = root.get("result") {
                    lookup_all(result, path, &mut out);
                }
            }
        } else {
            for root in &self.requests {
                lookup_all(root, path, &mut out);
            }
        }
        out
    }

    /// Whether a response example carries `total` or `next`.
    pub fn paged(&self) -> bool {
        self.responses
            .iter()
            .any(|r| r.get("total").is_some() || r.get("next").is_some())
    }
}

/// Walks `path` through objects; an array stands for its elements, so the
/// first element that has the key answers.
fn lookup<'v>(value: &'v Value, path: &[String]) -> Option<&'v Value> {
    let Some((first, rest)) = path.split_first() else {
        return Some(value);
    };
    match value {
        Value::Object(map) => map
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(first))
            .and_then(|(_, v)| lookup(v, rest)),
        Value::Array(items) => items.iter().find_map(|item| lookup(item, path)),
        _ => None,
    }
}

/// [`lookup`], collecting the values of every list element that has the path.
fn lookup_all<'v>(value: &'v Value, path: &[String], out: &mut Vec<&'v Value>) {
    // Examples are small; this only bounds a pathological one.
    const MAX_VALUES: usize = 256;
    if out.len() >= MAX_VALUES {
        return;
    }
    let Some((first, rest)) = path.split_first() else {
        out.push(value);
        return;
    };
    match value {
        Value::Object(map) => {
            if let Some((_, v)) = map.iter().find(|(k, _)| k.eq_ignore_ascii_case(first)) {
                lookup_all(v, rest, out);
            }
        }
        Value::Array(items) => {
            for item in items {
                lookup_all(item, path, out);
            }
        }
        _ => {}
    }
}

/// The JSON bodies given to `curl -d '...'` (or `--data`).
fn curl_bodies(code: &str) -> Vec<String> {
    const FLAGS: [&str; 3] = ["-d '", "--data '", "--data-raw '"];
    // Each flag is read on its own from where its previous body ended, and
    // its bodies come out together, flag by flag; one walk over the `-`s of
    // the code does that for all three.
    let mut found: [Vec<String>; 3] = Default::default();
    let mut resume = [0usize; 3];
    let mut open = [true; 3];
    // Code is long and its `-`s many: they are found by one vectorised
    // iterator rather than a search from each.
    for start in memchr::memchr_iter(b'-', code.as_bytes()) {
        let here = &code[start..];
        for (k, flag) in FLAGS.iter().enumerate() {
            if !open[k] || start < resume[k] || !here.starts_with(flag) {
                continue;
            }
            let body = &here[flag.len()..];
            match memchr::memchr(b'\'', body.as_bytes()) {
                Some(end) => {
                    found[k].push(body[..end].to_string());
                    resume[k] = start + flag.len() + end;
                }
                None => open[k] = false,
            }
        }
    }
    let [mut out, data, raw] = found;
    out.extend(data);
    out.extend(raw);
    out
}

/// A method name called in a code example, for pages whose title names none.
pub fn method_in_code(blocks: &[Block]) -> Option<String> {
    methods_in_code(blocks).into_iter().next()
}

/// Every dotted method name the code examples call, in page order.
pub fn methods_in_code(blocks: &[Block]) -> Vec<String> {
    let mut found = Vec::new();
    // Code is most of a page: each marker is searched with one prepared
    // (vectorised) finder over every block.
    let markers = ["callMethod(", "CRest::call(", "method: ", "->call("]
        .map(|marker| (marker.len(), memchr::memmem::Finder::new(marker)));
    let rest_url = memchr::memmem::Finder::new("/rest/");
    for block in blocks {
        let Block::Code { text, .. } = block else {
            continue;
        };
        for (len, finder) in &markers {
            for pos in finder.find_iter(text.as_bytes()) {
                if let Some(name) = quoted_start(text[pos + len..].trim_start()) {
                    if super::is_method_name(name) {
                        found.push(name.to_string());
                    }
                }
            }
        }
        // The first `/rest/` of each line that has one.
        let mut line_end = 0;
        for pos in rest_url.find_iter(text.as_bytes()) {
            if pos < line_end {
                continue;
            }
            line_end =
                memchr::memchr(b'\n', &text.as_bytes()[pos..]).map_or(text.len(), |n| pos + n);
            let url = text[pos..line_end].split_whitespace().next().unwrap_or("");
            let last = url
                .trim_end_matches(['\\', '\'', '"'])
                .rsplit('/')
                .next()
                .unwrap_or("");
            if super::is_method_name(last) {
                found.push(last.to_string());
            }
        }
    }
    found
}

/// A method whose name has no dot (`methods`, `scope`, `profile`), as the
/// code calls it: `callMethod("x"` / `CRest::call('x'` or a `/rest/.../x` URL.
/// Only asked for pages that say someone executes a method.
pub fn bare_method_in_code(blocks: &[Block]) -> Option<String> {
    let word = |w: &str| {
        !w.is_empty()
            && w.len() <= 40
            && w.starts_with(|c: char| c.is_ascii_lowercase())
            && w.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    };
    for block in blocks {
        let Block::Code { text, .. } = block else {
            continue;
        };
        for marker in ["callMethod(", "CRest::call("] {
            let mut rest = text.as_str();
            while let Some(pos) = rest.find(marker) {
                rest = &rest[pos + marker.len()..];
                if let Some(name) = quoted_start(rest.trim_start()) {
                    if word(name) {
                        return Some(name.to_string());
                    }
                }
            }
        }
        for line in text.lines() {
            if let Some(pos) = line.find("/rest/") {
                let url = line[pos..].split_whitespace().next().unwrap_or("");
                let last = url
                    .trim_end_matches(['\\', '\'', '"'])
                    .rsplit('/')
                    .next()
                    .unwrap_or("");
                let last = last.strip_suffix(".json").unwrap_or(last);
                if word(last) {
                    return Some(last.to_string());
                }
            }
        }
    }
    None
}

/// The first method named in backticks in prose (`The method `crm.status.fields` returns...`).
pub fn method_in_text(text: &str) -> Option<String> {
    crate::inline::code_spans(text)
        .into_iter()
        .map(|s| s.trim().trim_end_matches("()"))
        .find(|s| super::is_method_name(s))
        .map(str::to_string)
}

fn quoted_start(text: &str) -> Option<&str> {
    let quote = text.chars().next().filter(|c| matches!(c, '"' | '\''))?;
    let body = &text[1..];
    body.find(quote).map(|end| &body[..end])
}

/// Whether code calls a REST 3.0 URL (`/rest/api/`): one vectorised search.
fn calls_rest_v3(code: &str) -> bool {
    // Built once: a page asks this of every code block it has.
    static REST_V3: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
        std::sync::LazyLock::new(|| memchr::memmem::Finder::new(b"/rest/api/"));
    REST_V3.find(code.as_bytes()).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn curl_bodies_and_lookup_through_arrays() {
        let code = "curl -X POST \\\n -d '{\"id\":1,\"items\":[{\"CONTACT_ID\":1010,\"IS_PRIMARY\":\"Y\"}]}' \\\n https://x/rest/1/k/crm.lead.contact.items.set";
        let bodies = curl_bodies(code);
        let value: Value = serde_json::from_str(&bodies[0]).unwrap();
        let path = ["items".to_string(), "IS_PRIMARY".to_string()];
        assert_eq!(lookup(&value, &path), Some(&Value::from("Y")));
        let blocks = vec![Block::Code {
            lang: "bash".into(),
            text: code.into(),
            at: 0,
        }];
        assert_eq!(
            method_in_code(&blocks).as_deref(),
            Some("crm.lead.contact.items.set")
        );
    }

    #[test]
    fn curl_bodies_come_flag_by_flag_in_order() {
        let code = "--data-raw '{\"c\":1}' -d '{\"a\":1}' --data '-d x' -d '{\"b\":2}' -d 'open";
        assert_eq!(
            curl_bodies(code),
            ["{\"a\":1}", "{\"b\":2}", "-d x", "{\"c\":1}"]
        );
    }
}
