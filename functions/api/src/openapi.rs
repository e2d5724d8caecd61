//! The route table: one list builds both the router and the OpenAPI 3.1
//! document, so a route cannot exist without being documented, and the
//! schemas it names are the handler's own types (checked at compile time).

use schemars::generate::{SchemaGenerator, SchemaSettings};
use schemars::{JsonSchema, Schema};
use serde_json::{json, Map, Value};

/// Puts a type's schema in the document's `components/schemas` (when it has
/// a name) and answers what refers to it.
pub type SchemaFn = fn(&mut SchemaGenerator) -> Schema;

/// The [`SchemaFn`] of `T`.
pub fn schema_of<T: JsonSchema>(generator: &mut SchemaGenerator) -> Schema {
    generator.subschema_for::<T>()
}

/// One documented operation.
#[derive(Debug, Clone, Copy)]
pub struct Operation {
    /// `get`, `post`, `patch`, `put`, `delete`.
    pub method: &'static str,
    /// axum path, e.g. `/api/contacts/{id}`.
    pub path: &'static str,
    /// The Lambda function (its binary) that serves it.
    pub function: &'static str,
    /// What it does.
    pub summary: &'static str,
    /// Who may call it.
    pub roles: &'static str,
    /// Whether it works without a session.
    pub public: bool,
    /// The query string: a struct whose fields are the parameters.
    pub query: Option<SchemaFn>,
    /// The JSON request body.
    pub body: Option<SchemaFn>,
    /// The success status.
    pub status: u16,
    /// The JSON answered with `status`; `None` for an empty answer (204).
    pub response: Option<SchemaFn>,
}

/// Declares every API route once, in groups each served by one Lambda
/// function; expands to one `pub fn` per group adding its routes, to
/// `every_route(..)` and to `OPERATIONS`.
///
/// ```text
/// function "binary" => group_fn { route; route; ... }
/// ```
///
/// One line per route:
///
/// ```text
/// method "path" => handler[, query QueryType][, body BodyType], returns STATUS [ResponseType], "summary", "roles"[, public];
/// ```
///
/// - `query T`: a `Deserialize + JsonSchema` struct whose fields are the
///   query parameters (the handler's `Query<T>`).
/// - `body T`: the handler's `ApiJson<T>` request body (`Deserialize + JsonSchema`).
/// - `returns 200 T` (or 201, 202): the handler answers `Json<T>` (or
///   `(StatusCode, Json<T>)`), `T: Serialize + JsonSchema`; `returns 204`
///   for an empty answer.
///
/// The body, the answer and any `Query` argument must be the handler's own
/// (see `handler_contract`): a mismatch does not compile. A declared query
/// the handler does not read is not caught.
/// - `public`: no session needed.
///
/// E.g. `post "/api/deals" => deals::create, body deals::CreateBody, returns 201 DealView, "Open a deal", "all";`.
/// Give a new type a `#[schemars(rename = "...")]` naming the resource
/// (`NewDeal`, `Deal`): that is its name in `components/schemas` and in the
/// web app's generated types.
macro_rules! api_routes {
    ($($(#[$group_doc:meta])* function $function:literal => $group:ident {
        $($method:ident $path:literal => $handler:path
        $(, query $query:ty)?
        $(, body $body:ty)?
        , returns $status:literal $($response:ty)?
        , $summary:literal, $roles:literal $(, $public:ident)?;)*
    })*) => {
        /// Every operation the API serves.
        pub const OPERATIONS: &[$crate::openapi::Operation] = &[
            $($($crate::openapi::Operation {
                method: stringify!($method),
                path: $path,
                function: $function,
                summary: $summary,
                roles: $roles,
                public: $crate::openapi::api_routes!(@public $($public)?),
                query: $crate::openapi::api_routes!(@schema $($query)?),
                body: $crate::openapi::api_routes!(@schema $($body)?),
                status: $status,
                response: $crate::openapi::api_routes!(@schema $($response)?),
            },)*)*
        ];

        $($(#[$group_doc])*
        #[doc = concat!("\n\nServed on Lambda by the `", $function, "` function.")]
        pub fn $group(router: axum::Router<std::sync::Arc<$crate::ApiState>>) -> axum::Router<std::sync::Arc<$crate::ApiState>> {
            $($crate::handler_contract::check::<
                $crate::openapi::api_routes!(@type $($query)?),
                $crate::openapi::api_routes!(@type $($body)?),
                $crate::openapi::api_routes!(@type $($response)?),
                _,
                _,
            >($handler);)*
            router $(.route($path, axum::routing::$method($handler)))*
        })*

        /// Every group's routes, as the local runner serves them.
        fn every_route(router: axum::Router<std::sync::Arc<$crate::ApiState>>) -> axum::Router<std::sync::Arc<$crate::ApiState>> {
            $(let router = $group(router);)*
            router
        }
    };
    (@public public) => { true };
    (@public) => { false };
    (@schema $t:ty) => { Some($crate::openapi::schema_of::<$t> as $crate::openapi::SchemaFn) };
    (@schema) => { None };
    (@type $t:ty) => { $t };
    (@type) => { () };
}

pub(crate) use api_routes;

/// Where `$ref`s point, as schemars writes them.
const COMPONENTS: &str = "/components/schemas";

fn generator(settings: SchemaSettings) -> SchemaGenerator {
    settings.with(|s| s.definitions_path = COMPONENTS.into()).into_generator()
}

/// The query parameters a [`SchemaFn`] of a struct describes.
fn query_parameters(query: SchemaFn) -> Vec<Value> {
    let mut inline = generator(SchemaSettings::draft2020_12().for_deserialize().with(|s| s.inline_subschemas = true));
    let schema = query(&mut inline).to_value();
    let required: Vec<&str> =
        schema["required"].as_array().map(|r| r.iter().filter_map(Value::as_str).collect()).unwrap_or_default();
    let Some(properties) = schema["properties"].as_object() else { return Vec::new() };
    properties
        .iter()
        .map(|(name, property)| {
            let mut parameter = json!({"name": name, "in": "query", "required": required.contains(&name.as_str())});
            let mut property = property.clone();
            if let Some(description) = property.as_object_mut().and_then(|p| p.remove("description")) {
                parameter["description"] = description;
            }
            parameter["schema"] = without_null(property);
            parameter
        })
        .collect()
}

/// An absent query parameter is how a query says "none": `null` is no
/// value a query string can carry.
fn without_null(mut schema: Value) -> Value {
    if let Some(values) = schema.get_mut("enum").and_then(Value::as_array_mut) {
        values.retain(|v| !v.is_null());
    }
    let types = schema
        .get("type")
        .and_then(Value::as_array)
        .map(|types| types.iter().filter(|t| t.as_str() != Some("null")).cloned().collect::<Vec<_>>());
    match types.as_deref() {
        Some([only]) => schema["type"] = only.clone(),
        Some(several) => schema["type"] = Value::Array(several.to_vec()),
        None => {}
    }
    schema
}

/// The OpenAPI 3.1 document for `operations`. Request bodies are described
/// as they are read, answers as they are written (an `Option` field of an
/// answer is always present, maybe `null`).
pub fn document(operations: &[Operation]) -> Value {
    let mut requests = generator(SchemaSettings::draft2020_12().for_deserialize());
    let mut answers = generator(SchemaSettings::draft2020_12().for_serialize());
    let mut paths = Map::new();
    for op in operations {
        let mut parameters: Vec<Value> = op
            .path
            .split('/')
            .filter_map(|segment| segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
            .map(|name| json!({"name": name, "in": "path", "required": true, "schema": {"type": "string"}}))
            .collect();
        parameters.extend(op.query.map(query_parameters).unwrap_or_default());
        let success = match op.response {
            Some(response) => json!({
                "description": status_text(op.status),
                "content": {"application/json": {"schema": response(&mut answers).to_value()}},
            }),
            None => json!({"description": status_text(op.status)}),
        };
        let mut responses = Map::new();
        responses.insert(op.status.to_string(), success);
        responses.insert(
            "default".to_owned(),
            json!({"description": "Error", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}),
        );
        let mut operation = json!({
            "summary": op.summary,
            "description": format!("Roles: {}.", op.roles),
            "operationId": format!("{}_{}", op.method, op.path.trim_start_matches("/api/").replace(['/', '{', '}'], "_").trim_matches('_')),
            "parameters": parameters,
            "responses": responses,
        });
        if op.public {
            operation["security"] = json!([]);
        }
        if let Some(body) = op.body {
            operation["requestBody"] =
                json!({"required": true, "content": {"application/json": {"schema": body(&mut requests).to_value()}}});
        }
        let entry = paths.entry(op.path.to_owned()).or_insert_with(|| json!({}));
        entry[op.method] = operation;
    }
    // A type read and written has one schema when both agree; the unit
    // tests check that they do.
    let mut schemas = requests.take_definitions(true);
    schemas.extend(answers.take_definitions(true));
    schemas.insert(
        "Error".to_owned(),
        json!({
            "type": "object",
            "required": ["error"],
            "properties": {"error": {"type": "object", "required": ["code", "message"],
                "properties": {"code": {"type": "string"}, "message": {"type": "string"}}}},
        }),
    );
    json!({
        "openapi": "3.1.0",
        "info": {"title": "Parley API", "version": env!("CARGO_PKG_VERSION"),
                 "description": "The staff API of Parley, a WhatsApp-native CRM. Every list is cursor-paginated (`?cursor=`, `next_cursor`)."},
        "servers": [{"url": "/"}],
        "security": [{"session": []}],
        "paths": paths,
        "components": {
            "securitySchemes": {"session": {"type": "apiKey", "in": "cookie", "name": crate::session::COOKIE}},
            "schemas": schemas,
        },
    })
}

fn status_text(status: u16) -> &'static str {
    match status {
        201 => "Created",
        202 => "Accepted",
        204 => "No content",
        _ => "Success",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_type_read_and_written_has_one_schema_either_way() {
        let mut requests = generator(SchemaSettings::draft2020_12().for_deserialize());
        let mut answers = generator(SchemaSettings::draft2020_12().for_serialize());
        for op in crate::OPERATIONS {
            if let Some(body) = op.body {
                body(&mut requests);
            }
            if let Some(response) = op.response {
                response(&mut answers);
            }
        }
        let (read, written) = (requests.take_definitions(true), answers.take_definitions(true));
        for (name, schema) in &read {
            if let Some(other) = written.get(name) {
                assert_eq!(schema, other, "{name} is read and written with different schemas");
            }
        }
    }

    #[test]
    fn query_fields_become_optional_non_null_query_parameters_with_their_descriptions() {
        let parameters = query_parameters(schema_of::<crate::contacts::PageQuery>);
        let names: Vec<&str> = parameters.iter().filter_map(|p| p["name"].as_str()).collect();
        assert_eq!(names, ["cursor", "limit"]);
        assert!(parameters.iter().all(|p| p["in"] == "query" && p["required"] == false));
        assert!(parameters.iter().all(|p| p["schema"].get("description").is_none()));
        assert_eq!(parameters[0]["schema"]["type"], "string");
        assert_eq!(parameters[1]["schema"]["type"], "integer");
    }

    #[test]
    fn a_query_enum_lists_its_values_without_null() {
        let parameters = query_parameters(schema_of::<crate::tasks::ListQuery>);
        let due = parameters.iter().find(|p| p["name"] == "due").map(|p| p["schema"].clone()).unwrap_or_default();
        assert_eq!(due, json!({"type": "string", "enum": ["overdue", "today", "upcoming", "open", "done"]}));
    }

    #[test]
    fn a_nullable_answer_field_is_required_but_an_optional_body_field_is_not() {
        let doc = crate::openapi_document();
        let schemas = &doc["components"]["schemas"];
        let required = |name: &str| schemas[name]["required"].as_array().cloned().unwrap_or_default();
        assert!(required("Deal").contains(&json!("owner")));
        assert!(!required("DealPatch").contains(&json!("owner")));
        assert!(required("NewDeal").contains(&json!("title")));
    }
}
