use serde::Serialize;

/// A code the user may have meant.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct HsSuggestion {
    pub code: String,
    pub description: String,
}

/// Why a landed-cost question has no answer. All are about the request; faces map them to
/// "bad input".
#[derive(Debug, thiserror::Error)]
pub enum CostError {
    #[error("unknown HS code `{code}`{}", hint(.suggestions))]
    UnknownHs {
        code: String,
        suggestions: Vec<HsSuggestion>,
    },
    #[error("no import tax data for `{country}`; covered: {}", .covered.join(", "))]
    NoData {
        country: String,
        covered: Vec<String>,
    },
    #[error("no exchange rate for `{currency}`; known: {}; give one with an fx override", .known.join(", "))]
    UnknownCurrency {
        currency: String,
        known: Vec<String>,
    },
    #[error("invalid request: {0}")]
    InvalidRequest(String),
}

impl CostError {
    pub fn code(&self) -> &'static str {
        match self {
            CostError::UnknownHs { .. } => "unknown_hs_code",
            CostError::NoData { .. } => "no_country_data",
            CostError::UnknownCurrency { .. } => "unknown_currency",
            CostError::InvalidRequest(_) => "invalid_request",
        }
    }
}

fn hint(s: &[HsSuggestion]) -> String {
    if s.is_empty() {
        String::new()
    } else {
        format!(
            "; did you mean: {}?",
            s.iter()
                .map(|x| format!("{} ({})", x.code, x.description))
                .collect::<Vec<_>>()
                .join(", ")
        )
    }
}
