use serde::Serialize;

/// A place the user may have meant.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Suggestion {
    pub id: String,
    pub name: String,
    pub country: String,
}

/// Why a request got no route. `NoRoute` is an answer about the network; the others are
/// about the request, and faces map them to "bad input".
#[derive(Debug, thiserror::Error)]
pub enum RouteError {
    #[error("unknown place `{query}`{}", did_you_mean(.suggestions))]
    UnknownPlace {
        query: String,
        suggestions: Vec<Suggestion>,
    },
    #[error("unknown border crossing `{key}`; did you mean: {}?", .suggestions.join(", "))]
    UnknownBcp {
        key: String,
        suggestions: Vec<String>,
    },
    #[error("`{query}` is more than {max_km} km from any {modes} network node")]
    OffNetwork {
        query: String,
        max_km: f64,
        modes: String,
    },
    #[error("invalid request: {0}")]
    InvalidRequest(String),
    #[error("{reason}")]
    NoRoute {
        reason: String,
        blocking: Vec<String>,
    },
    /// The caller cancelled the search (e.g. its time limit passed) before it ended.
    #[error("the search was cancelled before it ended")]
    Cancelled,
    /// The contraction hierarchy could not be loaded (a stale or damaged compiled file).
    #[error("routing hierarchy: {0}")]
    Hierarchy(String),
}

impl RouteError {
    /// True when the request itself is wrong (as opposed to the network having no route).
    pub fn is_bad_input(&self) -> bool {
        !matches!(
            self,
            RouteError::NoRoute { .. } | RouteError::Cancelled | RouteError::Hierarchy(_)
        )
    }

    /// A stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            RouteError::UnknownPlace { .. } => "unknown_place",
            RouteError::UnknownBcp { .. } => "unknown_bcp",
            RouteError::OffNetwork { .. } => "off_network",
            RouteError::InvalidRequest(_) => "invalid_request",
            RouteError::NoRoute { .. } => "no_route",
            RouteError::Cancelled => "cancelled",
            RouteError::Hierarchy(_) => "hierarchy",
        }
    }
}

fn did_you_mean(s: &[Suggestion]) -> String {
    if s.is_empty() {
        String::new()
    } else {
        format!(
            "; did you mean: {}?",
            s.iter()
                .map(|x| format!("{} ({}, {})", x.name, x.country, x.id))
                .collect::<Vec<_>>()
                .join(", ")
        )
    }
}
