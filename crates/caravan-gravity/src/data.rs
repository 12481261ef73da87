//! A small column store read from CSV (optionally gzip-compressed): only the columns a
//! formula needs are kept, as text, and converted with the line and column of a bad value.

use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

use crate::GravityError;

/// Columns of text, with the file line of each row (header = line 1).
#[derive(Clone, Debug, Default)]
pub struct Table {
    names: Vec<String>,
    columns: Vec<Vec<String>>,
    lines: Vec<u64>,
    /// Every column the file had, for "unknown column" messages.
    available: Vec<String>,
}

/// Text read as missing: empty, NA, NaN, `.` (Stata), NULL.
pub fn is_missing(s: &str) -> bool {
    matches!(s.trim(), "" | "NA" | "NaN" | "nan" | "." | "NULL" | "null")
}

impl Table {
    /// Build a table in memory (tests, the server's JSON bodies).
    pub fn from_columns(columns: Vec<(String, Vec<String>)>) -> Result<Table, GravityError> {
        let n = columns.first().map_or(0, |c| c.1.len());
        if columns.iter().any(|c| c.1.len() != n) {
            return Err(GravityError::Read("columns have different lengths".into()));
        }
        let names: Vec<String> = columns.iter().map(|c| c.0.clone()).collect();
        Ok(Table {
            available: names.clone(),
            names,
            columns: columns.into_iter().map(|c| c.1).collect(),
            lines: (0..n as u64).map(|i| i + 2).collect(),
        })
    }

    /// Read a CSV file (`.gz` decompressed), keeping only `wanted` columns (all if `None`).
    pub fn read_csv_path(path: &Path, wanted: Option<&[String]>) -> Result<Table, GravityError> {
        let file = std::fs::File::open(path)
            .map_err(|e| GravityError::Read(format!("{}: {e}", path.display())))?;
        let reader: Box<dyn Read> = if path.extension().is_some_and(|e| e == "gz") {
            Box::new(flate2::read::MultiGzDecoder::new(std::io::BufReader::new(
                file,
            )))
        } else {
            Box::new(std::io::BufReader::new(file))
        };
        Table::read_csv(reader, wanted).map_err(|e| match e {
            GravityError::Read(m) => GravityError::Read(format!("{}: {m}", path.display())),
            other => other,
        })
    }

    pub fn read_csv<R: Read>(reader: R, wanted: Option<&[String]>) -> Result<Table, GravityError> {
        let mut rdr = csv::ReaderBuilder::new()
            .flexible(false)
            .from_reader(reader);
        let headers: Vec<String> = rdr
            .headers()
            .map_err(|e| GravityError::Read(e.to_string()))?
            .iter()
            .map(|h| h.trim().to_string())
            .collect();
        let index: HashMap<&str, usize> = headers
            .iter()
            .enumerate()
            .map(|(i, h)| (h.as_str(), i))
            .collect();
        let names: Vec<String> = match wanted {
            Some(w) => w.to_vec(),
            None => headers.clone(),
        };
        let mut pick = Vec::with_capacity(names.len());
        for n in &names {
            match index.get(n.as_str()) {
                Some(&i) => pick.push(i),
                None => {
                    return Err(GravityError::UnknownColumn {
                        column: n.clone(),
                        available: headers.clone(),
                    })
                }
            }
        }
        let mut columns: Vec<Vec<String>> = vec![Vec::new(); names.len()];
        let mut lines = Vec::new();
        let mut record = csv::StringRecord::new();
        loop {
            match rdr.read_record(&mut record) {
                Ok(true) => {}
                Ok(false) => break,
                Err(e) => return Err(GravityError::Read(e.to_string())),
            }
            lines.push(record.position().map_or(0, |p| p.line()));
            for (c, &i) in pick.iter().enumerate() {
                columns[c].push(record.get(i).unwrap_or("").trim().to_string());
            }
        }
        Ok(Table {
            names,
            columns,
            lines,
            available: headers,
        })
    }

    pub fn n_rows(&self) -> usize {
        self.lines.len()
    }

    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// File line of row `i`.
    pub fn line(&self, i: usize) -> u64 {
        self.lines[i]
    }

    pub fn text(&self, name: &str) -> Result<&[String], GravityError> {
        self.names
            .iter()
            .position(|n| n == name)
            .map(|i| self.columns[i].as_slice())
            .ok_or_else(|| GravityError::UnknownColumn {
                column: name.to_string(),
                available: self.available.clone(),
            })
    }

    /// A numeric column; missing values are `None`, anything else that is not a finite
    /// number is an error naming the line and column.
    pub fn numeric(&self, name: &str) -> Result<Vec<Option<f64>>, GravityError> {
        let col = self.text(name)?;
        col.iter()
            .enumerate()
            .map(|(i, s)| {
                if is_missing(s) {
                    return Ok(None);
                }
                match s.parse::<f64>() {
                    Ok(v) if v.is_finite() => Ok(Some(v)),
                    _ => Err(GravityError::NonNumeric {
                        line: self.lines[i],
                        column: name.to_string(),
                        value: s.clone(),
                    }),
                }
            })
            .collect()
    }

    /// Keep the rows where `keep` is true.
    pub fn filter(&self, keep: &[bool]) -> Table {
        let sel = |v: &Vec<String>| -> Vec<String> {
            v.iter()
                .zip(keep)
                .filter(|(_, k)| **k)
                .map(|(s, _)| s.clone())
                .collect()
        };
        Table {
            names: self.names.clone(),
            columns: self.columns.iter().map(sel).collect(),
            lines: self
                .lines
                .iter()
                .zip(keep)
                .filter(|(_, k)| **k)
                .map(|(l, _)| *l)
                .collect(),
            available: self.available.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_wanted_columns_and_names_bad_values() {
        let csv = "a,b,c\n1,x,3\n2,y,\n";
        let t = Table::read_csv(csv.as_bytes(), Some(&["c".into(), "a".into()])).unwrap();
        assert_eq!(t.names(), ["c", "a"]);
        assert_eq!(t.numeric("c").unwrap(), vec![Some(3.0), None]);
        let e = Table::read_csv(csv.as_bytes(), None)
            .unwrap()
            .numeric("b")
            .unwrap_err()
            .to_string();
        assert_eq!(e, "line 2, column `b`: `x` is not a number");
        let e = Table::read_csv(csv.as_bytes(), Some(&["zz".into()]))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("unknown column `zz`") && e.contains("a, b, c"),
            "{e}"
        );
    }
}
