//! `timeseries.parquet`: the multi-arm time series in the long format of `timeseries.csv`
//! (`arm`, `time_days`, then every state and output as a float column), for pandas, polars,
//! R arrow, DuckDB and friends.

use std::path::Path;
use std::sync::Arc;

use arrow_array::{ArrayRef, Float64Array, RecordBatch, StringArray};
use arrow_schema::{DataType, Field, Schema};
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;

use k2bone_sim::ArmRun;

/// Errors writing Parquet.
#[derive(Debug, thiserror::Error)]
pub enum ParquetError {
    #[error("cannot write {path}: {message}")]
    Write { path: String, message: String },
    #[error("cannot write Parquet: {0}")]
    Data(String),
}

/// Writes `runs` to `path` (one row per arm and time).
pub fn write_timeseries_parquet(runs: &[ArmRun], path: &Path) -> Result<(), ParquetError> {
    let first = runs
        .first()
        .ok_or_else(|| ParquetError::Data("no arms".into()))?;
    let names: Vec<&str> = first
        .trajectory
        .columns
        .iter()
        .map(|c| c.name.as_str())
        .collect();
    for r in runs {
        let theirs: Vec<&str> = r
            .trajectory
            .columns
            .iter()
            .map(|c| c.name.as_str())
            .collect();
        if theirs != names {
            return Err(ParquetError::Data(format!(
                "arm `{}` has other columns than arm `{}`",
                r.name, first.name
            )));
        }
    }
    let mut fields = vec![
        Field::new("arm", DataType::Utf8, false),
        Field::new("time_days", DataType::Float64, false),
    ];
    fields.extend(
        names
            .iter()
            .map(|n| Field::new(*n, DataType::Float64, false)),
    );
    let schema = Arc::new(Schema::new(fields));
    let write_err = |e: &dyn std::fmt::Display| ParquetError::Write {
        path: path.display().to_string(),
        message: e.to_string(),
    };
    let file = std::fs::File::create(path).map_err(|e| write_err(&e))?;
    // Snappy: what pandas and Spark write by default; every Parquet reader decodes it.
    let props = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .build();
    let mut writer =
        ArrowWriter::try_new(file, schema.clone(), Some(props)).map_err(|e| write_err(&e))?;
    for r in runs {
        let tr = &r.trajectory;
        let n = tr.times_h.len();
        let mut cols: Vec<ArrayRef> = vec![
            Arc::new(StringArray::from(vec![r.name.as_str(); n])),
            Arc::new(Float64Array::from_iter_values(
                tr.times_h.iter().map(|t| t / 24.0),
            )),
        ];
        cols.extend(
            tr.columns
                .iter()
                .map(|c| Arc::new(Float64Array::from(c.values.clone())) as ArrayRef),
        );
        let batch = RecordBatch::try_new(schema.clone(), cols)
            .map_err(|e| ParquetError::Data(e.to_string()))?;
        writer.write(&batch).map_err(|e| write_err(&e))?;
    }
    writer.close().map_err(|e| write_err(&e))?;
    Ok(())
}
