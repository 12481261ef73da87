//! The web map, built by Vite into `web/dist` and embedded in the binary at compile time.

use axum::http::{header, StatusCode, Uri};
use axum::response::{Html, IntoResponse, Response};

use crate::error::ApiError;

#[derive(rust_embed::Embed)]
#[folder = "../../web/dist/"]
#[allow_missing = true]
struct Assets;

const MISSING_UI: &str = "<!doctype html><title>Caravan</title><p>The web map was not built into \
this binary. Run <code>npm ci &amp;&amp; npm run build</code> in <code>web/</code> and rebuild; \
the API is at <a href=\"/openapi.json\">/openapi.json</a>.</p>";

/// Serves embedded files; unknown paths without an extension get `index.html` (client-side
/// state lives in the query string, so this is only a safety net). API paths answer JSON 404s.
pub async fn static_or_index(uri: Uri) -> Response {
    let path = uri.path().trim_start_matches('/');
    if path.starts_with("v1/") || path == "v1" || path == "health" {
        return ApiError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("no endpoint {}", uri.path()),
        )
        .into_response();
    }
    let path = if path.is_empty() { "index.html" } else { path };
    if let Some(file) = Assets::get(path) {
        return file_response(path, file);
    }
    if !path.rsplit('/').next().unwrap_or("").contains('.') {
        if let Some(index) = Assets::get("index.html") {
            return file_response("index.html", index);
        }
        return (StatusCode::OK, Html(MISSING_UI)).into_response();
    }
    (StatusCode::NOT_FOUND, "not found").into_response()
}

fn file_response(path: &str, file: rust_embed::EmbeddedFile) -> Response {
    let mime = file.metadata.mimetype().to_owned();
    // Vite fingerprints everything under assets/, so those may be cached forever.
    let cache = if path.starts_with("assets/") {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    (
        [
            (header::CONTENT_TYPE, mime),
            (header::CACHE_CONTROL, cache.to_owned()),
        ],
        file.data,
    )
        .into_response()
}
