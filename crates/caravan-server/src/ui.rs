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

/// Serves the map at `/` and its embedded files; every other path answers a JSON 404 (paths
/// are case-sensitive: `/V1/bcps` is not `/v1/bcps`, and never gets the map's HTML). The
/// map keeps its state in the query string, so it needs no other page.
pub async fn static_or_index(uri: Uri) -> Response {
    let path = uri.path().trim_start_matches('/');
    if path.is_empty() || path == "index.html" {
        if let Some(index) = Assets::get("index.html") {
            return file_response("index.html", index);
        }
        return (StatusCode::OK, Html(MISSING_UI)).into_response();
    }
    if let Some(file) = Assets::get(path) {
        return file_response(path, file);
    }
    let shown: String = uri.path().chars().take(200).collect();
    ApiError::new(
        StatusCode::NOT_FOUND,
        "not_found",
        format!("no endpoint or file {shown}"),
    )
    .into_response()
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
