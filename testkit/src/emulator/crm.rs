//! The in-memory CRM: leads, contacts, deals and the contact links of leads
//! and deals, with the `crm.*` methods over them.

use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap};

use serde_json::{json, Map, Value};

use super::clock;
use super::filter::{compare, filter_param, Condition};
use super::outcome::{Done, Fail};
use super::spec::{as_i64, param};

/// A CRM entity type the emulator stores.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Entity {
    /// `crm.lead.*`
    Lead,
    /// `crm.contact.*`
    Contact,
    /// `crm.deal.*`
    Deal,
}

impl Entity {
    /// The name in method names: `lead`, `contact`, `deal`.
    pub fn name(self) -> &'static str {
        match self {
            Entity::Lead => "lead",
            Entity::Contact => "contact",
            Entity::Deal => "deal",
        }
    }

    fn from_name(name: &str) -> Option<Entity> {
        match name {
            "lead" => Some(Entity::Lead),
            "contact" => Some(Entity::Contact),
            "deal" => Some(Entity::Deal),
            _ => None,
        }
    }

    fn index(self) -> usize {
        match self {
            Entity::Lead => 0,
            Entity::Contact => 1,
            Entity::Deal => 2,
        }
    }
}

/// A field's description, as `crm.*.fields` reports it.
struct FieldDef {
    name: &'static str,
    ty: &'static str,
    read_only: bool,
    multiple: bool,
    title: &'static str,
}

const fn def(name: &'static str, ty: &'static str, title: &'static str) -> FieldDef {
    FieldDef {
        name,
        ty,
        read_only: false,
        multiple: false,
        title,
    }
}

const fn read_only(name: &'static str, ty: &'static str, title: &'static str) -> FieldDef {
    FieldDef {
        name,
        ty,
        read_only: true,
        multiple: false,
        title,
    }
}

const fn multiple(name: &'static str, title: &'static str) -> FieldDef {
    FieldDef {
        name,
        ty: "crm_multifield",
        read_only: false,
        multiple: true,
        title,
    }
}

const LEAD_FIELDS: &[FieldDef] = &[
    read_only("ID", "integer", "ID"),
    def("TITLE", "string", "Lead name"),
    def("NAME", "string", "First name"),
    def("SECOND_NAME", "string", "Middle name"),
    def("LAST_NAME", "string", "Last name"),
    def("COMPANY_TITLE", "string", "Company name"),
    def("STATUS_ID", "crm_status", "Stage"),
    def("SOURCE_ID", "crm_status", "Source"),
    def("OPPORTUNITY", "double", "Amount"),
    def("CURRENCY_ID", "crm_currency", "Currency"),
    def("COMMENTS", "string", "Comment"),
    def("ASSIGNED_BY_ID", "user", "Responsible person"),
    def("CONTACT_ID", "crm_contact", "Contact"),
    read_only("CREATED_BY_ID", "user", "Created by"),
    read_only("DATE_CREATE", "datetime", "Created on"),
    read_only("DATE_MODIFY", "datetime", "Modified on"),
    multiple("PHONE", "Phone"),
    multiple("EMAIL", "E-mail"),
];

const CONTACT_FIELDS: &[FieldDef] = &[
    read_only("ID", "integer", "ID"),
    def("NAME", "string", "First name"),
    def("SECOND_NAME", "string", "Middle name"),
    def("LAST_NAME", "string", "Last name"),
    def("POST", "string", "Position"),
    def("TYPE_ID", "crm_status", "Contact type"),
    def("SOURCE_ID", "crm_status", "Source"),
    def("COMMENTS", "string", "Comment"),
    def("ASSIGNED_BY_ID", "user", "Responsible person"),
    read_only("CREATED_BY_ID", "user", "Created by"),
    read_only("DATE_CREATE", "datetime", "Created on"),
    read_only("DATE_MODIFY", "datetime", "Modified on"),
    multiple("PHONE", "Phone"),
    multiple("EMAIL", "E-mail"),
];

const DEAL_FIELDS: &[FieldDef] = &[
    read_only("ID", "integer", "ID"),
    def("TITLE", "string", "Deal name"),
    def("STAGE_ID", "crm_status", "Stage"),
    def("CATEGORY_ID", "crm_category", "Pipeline"),
    def("OPPORTUNITY", "double", "Amount"),
    def("CURRENCY_ID", "crm_currency", "Currency"),
    def("COMMENTS", "string", "Comment"),
    def("ASSIGNED_BY_ID", "user", "Responsible person"),
    def("CONTACT_ID", "crm_contact", "Contact"),
    def("LEAD_ID", "crm_lead", "Lead"),
    def("CLOSED", "char", "Closed"),
    read_only("CREATED_BY_ID", "user", "Created by"),
    read_only("DATE_CREATE", "datetime", "Created on"),
    read_only("DATE_MODIFY", "datetime", "Modified on"),
];

fn defs(entity: Entity) -> &'static [FieldDef] {
    match entity {
        Entity::Lead => LEAD_FIELDS,
        Entity::Contact => CONTACT_FIELDS,
        Entity::Deal => DEAL_FIELDS,
    }
}

/// A contact linked to a lead or deal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binding {
    /// The contact.
    pub contact_id: i64,
    /// Position among the links.
    pub sort: i64,
    /// The primary contact.
    pub is_primary: bool,
}

#[derive(Debug, Default)]
struct Table {
    last_id: i64,
    rows: BTreeMap<i64, Map<String, Value>>,
}

/// The stored records.
#[derive(Debug, Default)]
pub struct Crm {
    tables: [Table; 3],
    bindings: HashMap<(Entity, i64), Vec<Binding>>,
    page_size: usize,
}

impl Crm {
    /// An empty CRM whose lists answer `page_size` items per page.
    pub fn new(page_size: usize) -> Crm {
        Crm {
            page_size: page_size.max(1),
            ..Crm::default()
        }
    }

    /// Runs a `crm.*` method; `None` when the emulator does not implement it.
    pub fn call(
        &mut self,
        method: &str,
        params: &Map<String, Value>,
    ) -> Option<Result<Done, Fail>> {
        let parts: Vec<&str> = method.split('.').collect();
        match parts.as_slice() {
            ["crm", entity, action] => {
                let entity = Entity::from_name(entity)?;
                Some(match *action {
                    "add" => self.api_add(entity, params),
                    "get" => self.api_get(entity, params),
                    "list" => self.api_list(entity, params),
                    "update" => self.api_update(entity, params),
                    "delete" => self.api_delete(entity, params),
                    "fields" => Ok(Done::of(fields_description(entity))),
                    _ => return None,
                })
            }
            ["crm", owner @ ("lead" | "deal"), "contact", "items", action] => {
                let owner = Entity::from_name(owner)?;
                Some(match *action {
                    "get" => self.api_items_get(owner, params),
                    "set" => self.api_items_set(owner, params),
                    "delete" => self.api_items_delete(owner, params),
                    _ => return None,
                })
            }
            _ => None,
        }
    }

    /// Stores a record as `crm.*.add` would and returns its ID.
    pub fn add(&mut self, entity: Entity, fields: &Map<String, Value>) -> i64 {
        let id = self.tables[entity.index()].last_id.saturating_add(1);
        self.store(entity, id, fields);
        id
    }

    /// Stores a record under `id`, as if the portal had given it that ID;
    /// later records get IDs above it. `false` (and nothing stored) when
    /// `id` is not positive or is taken.
    pub fn add_with_id(&mut self, entity: Entity, id: i64, fields: &Map<String, Value>) -> bool {
        if id <= 0 || self.get(entity, id).is_some() {
            return false;
        }
        self.store(entity, id, fields);
        true
    }

    /// Deletes a record and its contact links, as `crm.*.delete` would;
    /// `false` when there is none.
    pub fn remove(&mut self, entity: Entity, id: i64) -> bool {
        if self.tables[entity.index()].rows.remove(&id).is_none() {
            return false;
        }
        self.bindings.remove(&(entity, id));
        if entity == Entity::Contact {
            for links in self.bindings.values_mut() {
                links.retain(|b| b.contact_id != id);
            }
        }
        true
    }

    /// The highest ID stored.
    pub fn max_id(&self, entity: Entity) -> Option<i64> {
        self.tables[entity.index()].rows.keys().next_back().copied()
    }

    fn store(&mut self, entity: Entity, id: i64, fields: &Map<String, Value>) {
        let table = &mut self.tables[entity.index()];
        table.last_id = table.last_id.max(id);
        let now = clock::now();
        let mut row = Map::new();
        for def in defs(entity) {
            if !def.multiple {
                row.insert(def.name.to_string(), Value::Null);
            }
        }
        row.insert("ID".into(), json!(id.to_string()));
        row.insert("CREATED_BY_ID".into(), json!("1"));
        row.insert("ASSIGNED_BY_ID".into(), json!("1"));
        row.insert("DATE_CREATE".into(), json!(now));
        row.insert("DATE_MODIFY".into(), json!(now));
        match entity {
            Entity::Lead => {
                row.insert("STATUS_ID".into(), json!("NEW"));
            }
            Entity::Deal => {
                row.insert("STAGE_ID".into(), json!("NEW"));
                row.insert("CATEGORY_ID".into(), json!("0"));
                row.insert("CLOSED".into(), json!("N"));
            }
            Entity::Contact => {}
        }
        write_fields(entity, &mut row, fields);
        table.rows.insert(id, row);
    }

    /// A stored record.
    pub fn get(&self, entity: Entity, id: i64) -> Option<&Map<String, Value>> {
        self.tables[entity.index()].rows.get(&id)
    }

    /// Every stored record of a type, in ID order.
    pub fn all(&self, entity: Entity) -> impl Iterator<Item = &Map<String, Value>> {
        self.tables[entity.index()].rows.values()
    }

    /// How many records of a type are stored.
    pub fn count(&self, entity: Entity) -> usize {
        self.tables[entity.index()].rows.len()
    }

    /// The contact links of a lead or deal, in sort order.
    pub fn bindings(&self, owner: Entity, id: i64) -> Vec<Binding> {
        self.bindings.get(&(owner, id)).cloned().unwrap_or_default()
    }

    fn id_param(&self, entity: Entity, params: &Map<String, Value>) -> Result<i64, Fail> {
        let id = param(params, "id")
            .and_then(as_i64)
            .filter(|id| *id > 0)
            .ok_or_else(|| Fail::arg("ID is not defined or invalid."))?;
        if self.get(entity, id).is_none() {
            return Err(Fail::not_found());
        }
        Ok(id)
    }

    fn api_add(&mut self, entity: Entity, params: &Map<String, Value>) -> Result<Done, Fail> {
        let fields = fields_param(params)?;
        if self.tables[entity.index()].last_id == i64::MAX {
            return Err(Fail::new(400, "ERROR_CORE", "No IDs are left"));
        }
        let id = self.add(entity, &fields);
        Ok(Done::of(json!(id)))
    }

    fn api_get(&mut self, entity: Entity, params: &Map<String, Value>) -> Result<Done, Fail> {
        let id = self.id_param(entity, params)?;
        Ok(Done::of(Value::Object(
            self.get(entity, id).cloned().unwrap_or_default(),
        )))
    }

    fn api_update(&mut self, entity: Entity, params: &Map<String, Value>) -> Result<Done, Fail> {
        let id = self.id_param(entity, params)?;
        let fields = fields_param(params)?;
        let row = self.tables[entity.index()]
            .rows
            .get_mut(&id)
            .ok_or_else(Fail::not_found)?;
        write_fields(entity, row, &fields);
        row.insert("DATE_MODIFY".into(), json!(clock::now()));
        Ok(Done::of(json!(true)))
    }

    fn api_delete(&mut self, entity: Entity, params: &Map<String, Value>) -> Result<Done, Fail> {
        let id = self.id_param(entity, params)?;
        self.remove(entity, id);
        Ok(Done::of(json!(true)))
    }

    fn api_list(&mut self, entity: Entity, params: &Map<String, Value>) -> Result<Done, Fail> {
        let select = select_param(entity, params);
        let filter = filter_param(params)?;
        let order = order_param(params);
        let start = param(params, "start").and_then(as_i64).unwrap_or(0);
        let page_size = self.page_size;
        let counting = start >= 0;
        let by_id = order.is_empty() || (order.len() == 1 && order[0].0 == "ID" && !order[0].1);
        // Ordered by ID descending: read from the top, as an index would.
        let by_id_down = order.len() == 1 && order[0].0 == "ID" && order[0].1;

        let table = &self.tables[entity.index()];
        let id_conditions = || filter.iter().filter(|c| c.field == "ID");
        let lower = id_conditions().filter_map(Condition::lower_bound).max();
        let upper = id_conditions().filter_map(Condition::upper_bound).min();
        let (lower, upper) = (lower.unwrap_or(i64::MIN), upper.unwrap_or(i64::MAX));
        let rows = table.rows.range(lower..=upper.max(lower));
        let candidates: Box<dyn Iterator<Item = (&i64, &Map<String, Value>)>> = if by_id_down {
            Box::new(rows.rev())
        } else {
            Box::new(rows)
        };
        let mut matched: Vec<&Map<String, Value>> = Vec::new();
        for (_, row) in candidates {
            if filter.iter().all(|c| c.matches(row)) {
                matched.push(row);
                if !counting && (by_id || by_id_down) && matched.len() == page_size {
                    break;
                }
            }
        }
        if !by_id && !by_id_down {
            matched.sort_by(|a, b| {
                for (field, descending) in &order {
                    let ordering = compare(a.get(field), b.get(field));
                    let ordering = if *descending {
                        ordering.reverse()
                    } else {
                        ordering
                    };
                    if ordering != Ordering::Equal {
                        return ordering;
                    }
                }
                compare(a.get("ID"), b.get("ID"))
            });
        }
        let offset = if counting {
            (start as usize / page_size) * page_size
        } else {
            0
        };
        let items: Vec<Value> = matched
            .iter()
            .skip(offset)
            .take(page_size)
            .map(|row| Value::Object(project(row, &select)))
            .collect();
        let (total, next) = if counting {
            let total = matched.len();
            let next = (offset + page_size < total).then_some((offset + page_size) as u64);
            (Some(total as u64), next)
        } else {
            (None, None)
        };
        Ok(Done {
            result: Value::Array(items),
            total,
            next,
        })
    }

    fn api_items_get(&mut self, owner: Entity, params: &Map<String, Value>) -> Result<Done, Fail> {
        let id = self.id_param(owner, params)?;
        let items: Vec<Value> = self
            .bindings(owner, id)
            .iter()
            .map(|b| {
                json!({
                    "CONTACT_ID": b.contact_id,
                    "SORT": b.sort,
                    "ROLE_ID": 0,
                    "IS_PRIMARY": if b.is_primary { "Y" } else { "N" },
                })
            })
            .collect();
        Ok(Done::of(Value::Array(items)))
    }

    fn api_items_set(&mut self, owner: Entity, params: &Map<String, Value>) -> Result<Done, Fail> {
        let id = self.id_param(owner, params)?;
        let items: Vec<&Value> = match param(params, "items") {
            Some(Value::Array(items)) => items.iter().collect(),
            Some(Value::Object(map)) => map.values().collect(),
            _ => {
                return Err(Fail::arg(
                    "The parameter \"items\" must be a list of contacts",
                ))
            }
        };
        let mut links: Vec<Binding> = Vec::new();
        for (index, item) in items.into_iter().enumerate() {
            let Value::Object(item) = item else {
                return Err(Fail::arg("Every item must be an object"));
            };
            let contact_id = param(item, "CONTACT_ID")
                .and_then(as_i64)
                .filter(|id| *id > 0)
                .ok_or_else(|| Fail::arg("CONTACT_ID is not defined or invalid."))?;
            let sort = param(item, "SORT")
                .and_then(as_i64)
                .unwrap_or((index as i64 + 1) * 10);
            let is_primary = param(item, "IS_PRIMARY").is_some_and(is_yes);
            links.retain(|b| b.contact_id != contact_id);
            links.push(Binding {
                contact_id,
                sort,
                is_primary,
            });
        }
        links.sort_by_key(|b| b.sort);
        let mut primary_seen = false;
        for link in &mut links {
            link.is_primary = link.is_primary && !primary_seen;
            primary_seen |= link.is_primary;
        }
        if !primary_seen {
            if let Some(first) = links.first_mut() {
                first.is_primary = true;
            }
        }
        if links.is_empty() {
            self.bindings.remove(&(owner, id));
        } else {
            self.bindings.insert((owner, id), links);
        }
        Ok(Done::of(json!(true)))
    }

    fn api_items_delete(
        &mut self,
        owner: Entity,
        params: &Map<String, Value>,
    ) -> Result<Done, Fail> {
        let id = self.id_param(owner, params)?;
        self.bindings.remove(&(owner, id));
        Ok(Done::of(json!(true)))
    }
}

fn is_yes(value: &Value) -> bool {
    match value {
        Value::Bool(b) => *b,
        Value::String(s) => matches!(s.as_str(), "Y" | "y" | "1" | "true"),
        Value::Number(n) => n.as_i64() == Some(1),
        _ => false,
    }
}

fn fields_param(params: &Map<String, Value>) -> Result<Map<String, Value>, Fail> {
    match param(params, "fields") {
        Some(Value::Object(map)) => Ok(map.clone()),
        Some(Value::Array(items)) if items.is_empty() => Ok(Map::new()),
        None | Some(Value::Null) => Err(Fail::arg("Required parameter \"fields\" is missing")),
        Some(_) => Err(Fail::arg("The parameter \"fields\" must be an object")),
    }
}

/// Writes values the caller may set: known writable fields and `UF_*`.
fn write_fields(entity: Entity, row: &mut Map<String, Value>, fields: &Map<String, Value>) {
    for (key, value) in fields {
        let key = key.to_ascii_uppercase();
        let def = defs(entity).iter().find(|d| d.name == key);
        match def {
            Some(def) if def.read_only => {}
            Some(def) if def.multiple => {
                row.insert(key, value.clone());
            }
            Some(_) => {
                row.insert(key, portal_scalar(value));
            }
            None if key.starts_with("UF_") => {
                row.insert(key, value.clone());
            }
            None => {}
        }
    }
}

/// Numbers and flags come back as text, as a portal sends them.
fn portal_scalar(value: &Value) -> Value {
    match value {
        Value::Number(n) => Value::String(n.to_string()),
        Value::Bool(b) => Value::String(if *b { "Y" } else { "N" }.into()),
        other => other.clone(),
    }
}

fn fields_description(entity: Entity) -> Value {
    let mut out = Map::new();
    for def in defs(entity) {
        out.insert(
            def.name.to_string(),
            json!({
                "type": def.ty,
                "isRequired": false,
                "isReadOnly": def.read_only,
                "isImmutable": false,
                "isMultiple": def.multiple,
                "isDynamic": false,
                "title": def.title,
            }),
        );
    }
    Value::Object(out)
}

/// The names `select` asks for; empty means the default set.
fn select_param(entity: Entity, params: &Map<String, Value>) -> Vec<String> {
    let requested: Vec<String> = match param(params, "select") {
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_ascii_uppercase)
            .collect(),
        Some(Value::Object(map)) => map
            .values()
            .filter_map(Value::as_str)
            .map(str::to_ascii_uppercase)
            .collect(),
        Some(Value::String(one)) if !one.is_empty() => vec![one.to_ascii_uppercase()],
        _ => Vec::new(),
    };
    let mut out: Vec<String> = Vec::new();
    let mut push = |name: String| {
        if !out.contains(&name) {
            out.push(name);
        }
    };
    if requested.is_empty() || requested.iter().any(|s| s == "*") {
        for def in defs(entity).iter().filter(|d| !d.multiple) {
            push(def.name.to_string());
        }
    }
    for name in requested {
        if name != "*" && name != "UF_*" {
            push(name);
        }
    }
    out
}

fn project(row: &Map<String, Value>, select: &[String]) -> Map<String, Value> {
    let mut out = Map::new();
    for name in select {
        if let Some(value) = row.get(name) {
            out.insert(name.clone(), value.clone());
        } else if name == "PHONE" || name == "EMAIL" {
            // Asked-for multi-fields that were never set are left out.
        } else if name.starts_with("UF_") {
            out.insert(name.clone(), Value::Null);
        }
    }
    if select.iter().any(|s| s == "UF_*") {
        for (key, value) in row.iter().filter(|(k, _)| k.starts_with("UF_")) {
            out.insert(key.clone(), value.clone());
        }
    }
    out
}

/// `order`: (field, descending) pairs in the order given.
fn order_param(params: &Map<String, Value>) -> Vec<(String, bool)> {
    match param(params, "order") {
        Some(Value::Object(map)) => map
            .iter()
            .map(|(field, dir)| {
                let descending = dir.as_str().is_some_and(|d| d.eq_ignore_ascii_case("desc"));
                (field.to_ascii_uppercase(), descending)
            })
            .collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emulator::filter::number;

    fn obj(value: Value) -> Map<String, Value> {
        value.as_object().unwrap().clone()
    }

    #[test]
    fn add_get_update_delete() {
        let mut crm = Crm::new(50);
        let id = crm.call(
            "crm.lead.add",
            &obj(json!({"fields": {"TITLE": "A", "OPPORTUNITY": 10, "ID": 99, "JUNK": 1}})),
        );
        let id = as_i64(&id.unwrap().unwrap().result).unwrap();
        assert_eq!(id, 1);
        let got = crm
            .call("crm.lead.get", &obj(json!({"id": "1"})))
            .unwrap()
            .unwrap()
            .result;
        assert_eq!(got["ID"], "1");
        assert_eq!(got["OPPORTUNITY"], "10");
        assert_eq!(got["STATUS_ID"], "NEW");
        assert!(got.get("JUNK").is_none());
        crm.call(
            "crm.lead.update",
            &obj(json!({"ID": 1, "FIELDS": {"TITLE": "B"}})),
        )
        .unwrap()
        .unwrap();
        assert_eq!(crm.get(Entity::Lead, 1).unwrap()["TITLE"], "B");
        let missing = crm
            .call("crm.lead.get", &obj(json!({"id": 2})))
            .unwrap()
            .unwrap_err();
        assert_eq!(missing.code, "NOT_FOUND");
        crm.call("crm.lead.delete", &obj(json!({"id": 1})))
            .unwrap()
            .unwrap();
        assert_eq!(crm.count(Entity::Lead), 0);
        assert!(crm.call("crm.lead.frobnicate", &Map::new()).is_none());
    }

    #[test]
    fn lists_page_count_filter_and_order() {
        let mut crm = Crm::new(50);
        for i in 0..120 {
            crm.add(
                Entity::Deal,
                &obj(json!({"TITLE": format!("d{i}"), "OPPORTUNITY": i % 7})),
            );
        }
        let page = crm
            .call("crm.deal.list", &obj(json!({"start": 60})))
            .unwrap()
            .unwrap();
        assert_eq!((page.total, page.next), (Some(120), Some(100)));
        assert_eq!(
            page.result[0]["ID"], "51",
            "start is rounded down to a page"
        );
        let last = crm
            .call("crm.deal.list", &obj(json!({"start": 100})))
            .unwrap()
            .unwrap();
        assert_eq!(
            (last.total, last.next, last.result.as_array().unwrap().len()),
            (Some(120), None, 20)
        );
        let fast = crm
            .call(
                "crm.deal.list",
                &obj(json!({"start": -1, "filter": {">ID": 100}, "order": {"ID": "ASC"}, "select": ["ID"]})),
            )
            .unwrap()
            .unwrap();
        assert_eq!((fast.total, fast.next), (None, None));
        assert_eq!(fast.result.as_array().unwrap().len(), 20);
        assert_eq!(fast.result[0], json!({"ID": "101"}));
        let sorted = crm
            .call(
                "crm.deal.list",
                &obj(json!({
                    "order": {"OPPORTUNITY": "DESC"},
                    "filter": {"@OPPORTUNITY": [6, 5], "%TITLE": "D1"},
                    "select": ["TITLE", "OPPORTUNITY"]
                })),
            )
            .unwrap()
            .unwrap();
        let rows = sorted.result.as_array().unwrap();
        assert_eq!(sorted.total, Some(rows.len() as u64));
        assert!(!rows.is_empty());
        for row in rows {
            assert!(row["TITLE"].as_str().unwrap().starts_with("d1"), "{row}");
            assert!(
                ["5", "6"].contains(&row["OPPORTUNITY"].as_str().unwrap()),
                "{row}"
            );
            assert!(row.get("ID").is_none(), "only selected fields");
        }
        let values: Vec<f64> = rows
            .iter()
            .map(|r| number(&r["OPPORTUNITY"]).unwrap())
            .collect();
        assert!(values.windows(2).all(|w| w[0] >= w[1]), "{values:?}");
    }

    #[test]
    fn contact_items() {
        let mut crm = Crm::new(50);
        let lead = crm.add(Entity::Lead, &Map::new());
        let set = json!({"id": lead, "items": [{"CONTACT_ID": 7, "SORT": 20}, {"CONTACT_ID": "5", "SORT": 10}]});
        crm.call("crm.lead.contact.items.set", &obj(set))
            .unwrap()
            .unwrap();
        let got = crm
            .call("crm.lead.contact.items.get", &obj(json!({"id": lead})))
            .unwrap()
            .unwrap()
            .result;
        assert_eq!(
            got,
            json!([
                {"CONTACT_ID": 5, "SORT": 10, "ROLE_ID": 0, "IS_PRIMARY": "Y"},
                {"CONTACT_ID": 7, "SORT": 20, "ROLE_ID": 0, "IS_PRIMARY": "N"}
            ])
        );
        crm.call("crm.lead.contact.items.delete", &obj(json!({"id": lead})))
            .unwrap()
            .unwrap();
        assert!(crm.bindings(Entity::Lead, lead).is_empty());
        let err = crm
            .call("crm.deal.contact.items.get", &obj(json!({"id": 1})))
            .unwrap()
            .unwrap_err();
        assert_eq!(err.code, "NOT_FOUND");
    }
}
