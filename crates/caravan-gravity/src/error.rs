/// Why an estimation or a counterfactual has no answer. Every variant is about the input (the
/// data, the formula or the request), except `NotConverged`; faces map them to "bad input".
#[derive(Debug, thiserror::Error)]
pub enum GravityError {
    #[error("cannot parse formula `{formula}`: {message}")]
    Formula { formula: String, message: String },
    #[error("unknown column `{column}`; the data has: {}", .available.join(", "))]
    UnknownColumn {
        column: String,
        available: Vec<String>,
    },
    #[error("line {line}, column `{column}`: `{value}` is not a number")]
    NonNumeric {
        line: u64,
        column: String,
        value: String,
    },
    #[error(
        "line {line}, column `{column}`: the outcome is negative ({value}); PPML needs flows >= 0"
    )]
    NegativeOutcome {
        line: u64,
        column: String,
        value: f64,
    },
    #[error("line {line}, column `{column}`: log of {value} is undefined (the term `{term}` needs values > 0)")]
    LogOfNonPositive {
        line: u64,
        column: String,
        term: String,
        value: f64,
    },
    #[error("term `{term}` is collinear {with}; drop it from the formula")]
    Collinear { term: String, with: String },
    #[error("cannot read the data: {0}")]
    Read(String),
    #[error("no observations left: {0}")]
    NoObservations(String),
    #[error("did not converge: {0}")]
    NotConverged(String),
    #[error("invalid request: {0}")]
    Invalid(String),
}

impl GravityError {
    /// A stable machine-readable code for the faces.
    pub fn code(&self) -> &'static str {
        match self {
            GravityError::Formula { .. } => "bad_formula",
            GravityError::UnknownColumn { .. } => "unknown_column",
            GravityError::NonNumeric { .. } => "non_numeric_value",
            GravityError::NegativeOutcome { .. } => "negative_outcome",
            GravityError::LogOfNonPositive { .. } => "log_of_non_positive",
            GravityError::Collinear { .. } => "collinear_regressors",
            GravityError::Read(_) => "unreadable_data",
            GravityError::NoObservations(_) => "no_observations",
            GravityError::NotConverged(_) => "not_converged",
            GravityError::Invalid(_) => "invalid_request",
        }
    }
}
