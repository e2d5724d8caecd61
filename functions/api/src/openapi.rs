//! The route table: one list builds both the router and the OpenAPI 3.1
//! document, so a route cannot exist without being documented.

use serde_json::{json, Map, Value};

/// One documented operation.
#[derive(Debug, Clone, Copy)]
pub struct Operation {
    /// `get`, `post`, `patch`, `put`.
    pub method: &'static str,
    /// axum path, e.g. `/api/contacts/{id}`.
    pub path: &'static str,
    /// What it does.
    pub summary: &'static str,
    /// Who may call it.
    pub roles: &'static str,
    /// Whether it works without a session.
    pub public: bool,
}

/// Declares every API route once: `method "path" => handler, "summary", "roles";`
/// expands to `router(..)` and `OPERATIONS`.
macro_rules! api_routes {
    ($($method:ident $path:literal => $handler:path, $summary:literal, $roles:literal $(, $public:ident)?;)*) => {
        /// Every operation the API serves.
        pub const OPERATIONS: &[$crate::openapi::Operation] = &[
            $($crate::openapi::Operation {
                method: stringify!($method),
                path: $path,
                summary: $summary,
                roles: $roles,
                public: $crate::openapi::api_routes!(@public $($public)?),
            },)*
        ];

        fn add_routes(router: axum::Router<std::sync::Arc<$crate::ApiState>>) -> axum::Router<std::sync::Arc<$crate::ApiState>> {
            router $(.route($path, axum::routing::$method($handler)))*
        }
    };
    (@public public) => { true };
    (@public) => { false };
}

pub(crate) use api_routes;

/// The OpenAPI 3.1 document for `operations`.
pub fn document(operations: &[Operation]) -> Value {
    let mut paths = Map::new();
    for op in operations {
        let parameters: Vec<Value> = op
            .path
            .split('/')
            .filter_map(|segment| segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
            .map(|name| json!({"name": name, "in": "path", "required": true, "schema": {"type": "string"}}))
            .collect();
        let mut operation = json!({
            "summary": op.summary,
            "description": format!("Roles: {}.", op.roles),
            "operationId": format!("{}_{}", op.method, op.path.trim_start_matches("/api/").replace(['/', '{', '}'], "_").trim_matches('_')),
            "parameters": parameters,
            "responses": {
                "200": {"description": "Success (201 or 202 where the summary says so)."},
                "default": {"description": "Error", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
            },
        });
        if op.public {
            operation["security"] = json!([]);
        }
        if matches!(op.method, "post" | "patch" | "put") {
            operation["requestBody"] =
                json!({"required": false, "content": {"application/json": {"schema": {"type": "object"}}}});
        }
        let entry = paths.entry(op.path.to_owned()).or_insert_with(|| json!({}));
        entry[op.method] = operation;
    }
    json!({
        "openapi": "3.1.0",
        "info": {"title": "Parley API", "version": env!("CARGO_PKG_VERSION"),
                 "description": "The staff API of Parley, a WhatsApp-native CRM. Every list is cursor-paginated (`?cursor=`, `next_cursor`)."},
        "servers": [{"url": "/"}],
        "security": [{"session": []}],
        "paths": paths,
        "components": {
            "securitySchemes": {"session": {"type": "apiKey", "in": "cookie", "name": crate::session::COOKIE}},
            "schemas": {"Error": {
                "type": "object",
                "required": ["error"],
                "properties": {"error": {"type": "object", "required": ["code", "message"],
                    "properties": {"code": {"type": "string"}, "message": {"type": "string"}}}},
            }},
        },
    })
}
