//! A small typed view over CSV records that reports the file, line and field of bad values.

use std::io::Read;

use crate::error::DataError;

pub struct Table {
    file: String,
    headers: Vec<String>,
    reader: csv::Reader<Box<dyn Read>>,
}

pub struct Row<'a> {
    file: &'a str,
    headers: &'a [String],
    record: csv::StringRecord,
    pub line: u64,
}

impl Table {
    pub fn new(file: &str, input: Box<dyn Read>) -> Result<Table, DataError> {
        let mut reader = csv::ReaderBuilder::new()
            .flexible(false)
            .trim(csv::Trim::Fields)
            .from_reader(input);
        let headers = reader
            .headers()
            .map_err(|e| csv_error(file, &e))?
            .iter()
            .map(str::to_owned)
            .collect();
        Ok(Table {
            file: file.to_owned(),
            headers,
            reader,
        })
    }

    pub fn require(&self, columns: &[&str]) -> Result<(), DataError> {
        for c in columns {
            if !self.headers.iter().any(|h| h == c) {
                return Err(DataError::MissingColumn {
                    file: self.file.clone(),
                    column: (*c).to_owned(),
                });
            }
        }
        Ok(())
    }

    /// Calls `f` on each row, stopping at the first error.
    pub fn for_each(
        mut self,
        mut f: impl FnMut(&Row<'_>) -> Result<(), DataError>,
    ) -> Result<(), DataError> {
        let mut record = csv::StringRecord::new();
        loop {
            match self.reader.read_record(&mut record) {
                Ok(false) => return Ok(()),
                Ok(true) => {
                    let line = record.position().map_or(0, |p| p.line());
                    let row = Row {
                        file: &self.file,
                        headers: &self.headers,
                        record: std::mem::take(&mut record),
                        line,
                    };
                    f(&row)?;
                    record = row.record;
                }
                Err(e) => return Err(csv_error(&self.file, &e)),
            }
        }
    }
}

fn csv_error(file: &str, e: &csv::Error) -> DataError {
    DataError::Csv {
        file: file.to_owned(),
        line: e.position().map_or(0, |p| p.line()),
        message: e.to_string(),
    }
}

impl Row<'_> {
    pub fn str(&self, field: &str) -> &str {
        self.headers
            .iter()
            .position(|h| h == field)
            .and_then(|i| self.record.get(i))
            .unwrap_or("")
    }

    pub fn error(&self, field: &str, message: impl Into<String>) -> DataError {
        DataError::Field {
            file: self.file.to_owned(),
            line: self.line,
            field: field.to_owned(),
            value: self.str(field).to_owned(),
            message: message.into(),
        }
    }

    pub fn parse<T>(
        &self,
        field: &str,
        what: &str,
        f: impl FnOnce(&str) -> Option<T>,
    ) -> Result<T, DataError> {
        f(self.str(field)).ok_or_else(|| self.error(field, format!("expected {what}")))
    }

    /// A finite number, optionally within a range.
    pub fn number(&self, field: &str, min: f64, max: f64) -> Result<f64, DataError> {
        let v: f64 = self.parse(field, "a number", |s| s.parse().ok())?;
        if !v.is_finite() || v < min || v > max {
            return Err(self.error(field, format!("expected a number in [{min}, {max}]")));
        }
        Ok(v)
    }

    pub fn optional_number(
        &self,
        field: &str,
        min: f64,
        max: f64,
    ) -> Result<Option<f64>, DataError> {
        if self.str(field).is_empty() {
            Ok(None)
        } else {
            self.number(field, min, max).map(Some)
        }
    }
}
