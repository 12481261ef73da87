//! The OpenAPI 3 document, generated from the handler annotations and the wire types.

use utoipa::OpenApi;

use crate::{api, gravity};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Caravan API",
        description = "Multimodal freight routes across Central and South Asia: border crossings, \
                       transfers, time, cost and CO2e, with scenario overlays. Coordinates are \
                       `lat`/`lon` in objects and `[lon, lat]` in geometry arrays (GeoJSON order). \
                       Errors are `{\"error\": {\"code\", \"message\"}}`."
    ),
    paths(
        api::health,
        api::route_get,
        api::route_post,
        api::cost,
        api::hs_search,
        gravity::estimate,
        gravity::ge,
        api::places_search,
        api::place_get,
        api::bcps_list,
        api::bcp_get,
        api::scenarios_list,
        api::scenario_create,
        api::scenario_get,
        api::scenario_update,
        api::scenario_delete,
    ),
    tags(
        (name = "route", description = "Plan routes"),
        (name = "cost", description = "Landed cost: duties, taxes, fees and freight, with sources"),
        (name = "gravity", description = "Structural gravity: PPML-HDFE estimates and GE trade counterfactuals"),
        (name = "places", description = "Find origins and destinations"),
        (name = "bcps", description = "Border crossing points"),
        (name = "scenarios", description = "Saved overlays: closed crossings, changed waits and fees"),
        (name = "meta", description = "Health"),
    )
)]
pub struct ApiDoc;

/// The document as pretty JSON.
pub fn openapi_json() -> String {
    ApiDoc::openapi()
        .to_pretty_json()
        .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}
