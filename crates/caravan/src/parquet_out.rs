//! Tables as Parquet files (the low-level writer: one row group, plain encoding), for the
//! faces that write matrices and comparisons.

use std::path::Path;
use std::sync::Arc;

use parquet::data_type::{BoolType, ByteArray, ByteArrayType, DoubleType, Int32Type};
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;

/// A named column of one type; `Number` is null where `None`.
pub enum Column {
    Text(&'static str, Vec<String>),
    Number(String, Vec<Option<f64>>),
    Int(&'static str, Vec<i32>),
    Bool(&'static str, Vec<bool>),
}

/// Writes the columns (all of one length) as message `name`.
pub fn write(path: &Path, name: &str, columns: &[Column]) -> anyhow::Result<()> {
    let mut schema = format!("message {name} {{");
    for c in columns {
        schema.push_str(&match c {
            Column::Text(n, _) => format!(" REQUIRED BYTE_ARRAY {n} (UTF8);"),
            Column::Number(n, _) => format!(" OPTIONAL DOUBLE {n};"),
            Column::Int(n, _) => format!(" REQUIRED INT32 {n};"),
            Column::Bool(n, _) => format!(" REQUIRED BOOLEAN {n};"),
        });
    }
    schema.push_str(" }");
    let schema = Arc::new(parquet::schema::parser::parse_message_type(&schema)?);
    let file = std::fs::File::create(path)?;
    let mut writer =
        SerializedFileWriter::new(file, schema, Arc::new(WriterProperties::builder().build()))?;
    let mut group = writer.next_row_group()?;
    for c in columns {
        let Some(mut col) = group.next_column()? else {
            anyhow::bail!("the Parquet schema has fewer columns than the table");
        };
        match c {
            Column::Text(_, v) => {
                let v: Vec<ByteArray> = v.iter().map(|s| ByteArray::from(s.as_str())).collect();
                col.typed::<ByteArrayType>().write_batch(&v, None, None)?;
            }
            Column::Number(_, v) => {
                let present: Vec<f64> = v.iter().flatten().copied().collect();
                let levels: Vec<i16> = v.iter().map(|x| x.is_some() as i16).collect();
                col.typed::<DoubleType>()
                    .write_batch(&present, Some(&levels), None)?;
            }
            Column::Int(_, v) => {
                col.typed::<Int32Type>().write_batch(v, None, None)?;
            }
            Column::Bool(_, v) => {
                col.typed::<BoolType>().write_batch(v, None, None)?;
            }
        }
        col.close()?;
    }
    group.close()?;
    writer.close()?;
    Ok(())
}
