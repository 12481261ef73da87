use std::path::PathBuf;

/// Everything that can go wrong while loading or validating the network data.
#[derive(Debug, thiserror::Error)]
pub enum DataError {
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{file}:{line}: {message}")]
    Csv {
        file: String,
        line: u64,
        message: String,
    },
    #[error("{file}:{line}: field `{field}`: {message} (found {value:?})")]
    Field {
        file: String,
        line: u64,
        field: String,
        value: String,
        message: String,
    },
    #[error("{file}: missing column `{column}`")]
    MissingColumn { file: String, column: String },
    #[error("{file}: missing parameter {key}")]
    MissingParameter { file: String, key: String },
    #[error("network validation failed:\n  {}", .0.join("\n  "))]
    Invalid(Vec<String>),
}
