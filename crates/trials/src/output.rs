//! Per-patient results as Parquet, one row per patient and visit (long format, as NONMEM and
//! mrgsolve write), streamed in batches so memory stays flat in the number of patients.
//!
//! Columns: `draw_id`, `patient_id`, `arm`, `visit_day`, `observed`, the covariates, the
//! drop-out day, the fracture uniforms, `param.<name>` for every parameter with variability,
//! then the [`OUTCOMES`].

use std::fs::File;
use std::path::Path;
use std::sync::Arc;

use arrow_array::{
    Array, ArrayRef, BooleanArray, Float64Array, RecordBatch, StringArray, UInt32Array, UInt64Array,
};
use arrow_schema::{DataType, Field, Schema};
use k2bone_physiology::fracture::Sex;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;

use crate::patient::PatientResult;
use crate::TrialError;

/// Rows per Parquet row group.
const ROW_GROUP_ROWS: usize = 65_536;

/// Outcome columns, with their units in the names.
pub const OUTCOMES: [&str; 6] = [
    "bmd_lumbar_pct_change",
    "bmd_femoral_neck_pct_change",
    "ucoc_pct_change",
    "dp_ucmgp_pct_change",
    "d25_nmol_l",
    "calcification_index_pct_change",
];

const FIXED: [(&str, DataType, bool); 17] = [
    ("draw_id", DataType::UInt32, false),
    ("patient_id", DataType::UInt64, false),
    ("arm", DataType::Utf8, false),
    ("visit_day", DataType::Float64, false),
    ("observed", DataType::Boolean, false),
    ("sex", DataType::Utf8, false),
    ("age_years", DataType::Float64, false),
    ("years_since_menopause", DataType::Float64, true),
    ("d25_baseline_nmol_l", DataType::Float64, false),
    ("calcium_intake_mg_per_day", DataType::Float64, false),
    ("bmd_z_lumbar_spine", DataType::Float64, false),
    ("bmd_z_femoral_neck", DataType::Float64, false),
    ("vka_inhibition", DataType::Float64, false),
    ("dropout_day", DataType::Float64, false),
    ("u_hip", DataType::Float64, false),
    ("u_vertebral", DataType::Float64, false),
    ("u_any", DataType::Float64, false),
];

/// One row as read back.
#[derive(Debug, Clone, PartialEq)]
pub struct PatientRow {
    pub draw_id: u32,
    pub patient_id: u64,
    pub arm: String,
    pub visit_day: f64,
    pub observed: bool,
    pub sex: Sex,
    pub age_years: f64,
    pub bmd_z_lumbar_spine: f64,
    pub bmd_z_femoral_neck: f64,
    pub u_fracture: [f64; 3],
    /// In [`OUTCOMES`] order.
    pub outcomes: [f64; 6],
}

pub(crate) fn schema(params: &[String]) -> Arc<Schema> {
    let mut fields: Vec<Field> = FIXED
        .iter()
        .map(|(n, t, null)| Field::new(*n, t.clone(), *null))
        .collect();
    fields.extend(
        params
            .iter()
            .map(|p| Field::new(format!("param.{p}"), DataType::Float64, false)),
    );
    fields.extend(
        OUTCOMES
            .iter()
            .map(|o| Field::new(*o, DataType::Float64, false)),
    );
    Arc::new(Schema::new(fields))
}

/// A Parquet file being written.
pub(crate) struct PatientWriter {
    path: String,
    schema: Arc<Schema>,
    arms: Vec<String>,
    writer: ArrowWriter<File>,
}

impl PatientWriter {
    pub fn create(path: &Path, params: &[String], arms: &[String]) -> Result<Self, TrialError> {
        let p = path.display().to_string();
        let io = |e: &dyn std::fmt::Display| TrialError::Io {
            path: p.clone(),
            message: e.to_string(),
        };
        let file = File::create(path).map_err(|e| io(&e))?;
        let schema = schema(params);
        // Row groups of at most 64k rows: the writer holds one group in memory, so memory stays
        // flat however many patients follow (the default, 1M rows, would grow to ~250k patients).
        let props = WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .set_max_row_group_row_count(Some(ROW_GROUP_ROWS))
            .build();
        let writer = ArrowWriter::try_new(file, schema.clone(), Some(props)).map_err(|e| io(&e))?;
        Ok(PatientWriter {
            path: p,
            schema,
            arms: arms.to_vec(),
            writer,
        })
    }

    pub fn write(&mut self, patients: &[PatientResult]) -> Result<(), TrialError> {
        let rows: Vec<(&PatientResult, usize)> = patients
            .iter()
            .flat_map(|p| (0..p.visits.len()).map(move |v| (p, v)))
            .collect();
        if rows.is_empty() {
            return Ok(());
        }
        let f64col = |f: &dyn Fn(&PatientResult, usize) -> f64| -> ArrayRef {
            Arc::new(Float64Array::from_iter_values(
                rows.iter().map(|(p, v)| f(p, *v)),
            ))
        };
        let mut cols: Vec<ArrayRef> = vec![
            Arc::new(UInt32Array::from_iter_values(
                rows.iter().map(|(p, _)| p.draw_id),
            )),
            Arc::new(UInt64Array::from_iter_values(
                rows.iter().map(|(p, _)| p.patient_id),
            )),
            Arc::new(StringArray::from_iter_values(
                rows.iter().map(|(p, _)| self.arms[p.arm].as_str()),
            )),
            f64col(&|p, v| p.visits[v].visit_day),
            Arc::new(BooleanArray::from(
                rows.iter()
                    .map(|(p, v)| p.visits[*v].observed)
                    .collect::<Vec<_>>(),
            )),
            Arc::new(StringArray::from_iter_values(rows.iter().map(|(p, _)| {
                if p.draw.covariates.sex == Sex::Female {
                    "female"
                } else {
                    "male"
                }
            }))),
            f64col(&|p, _| p.draw.covariates.age_years),
            Arc::new(Float64Array::from(
                rows.iter()
                    .map(|(p, _)| p.draw.covariates.years_since_menopause)
                    .collect::<Vec<_>>(),
            )),
            f64col(&|p, _| p.draw.covariates.d25_nmol_l),
            f64col(&|p, _| p.draw.covariates.calcium_intake_mg_per_day),
            f64col(&|p, _| p.draw.covariates.bmd_z_lumbar_spine),
            f64col(&|p, _| p.draw.covariates.bmd_z_femoral_neck),
            f64col(&|p, _| p.draw.covariates.vka_inhibition),
            f64col(&|p, _| p.draw.dropout_day),
            f64col(&|p, _| p.draw.u_fracture[0]),
            f64col(&|p, _| p.draw.u_fracture[1]),
            f64col(&|p, _| p.draw.u_fracture[2]),
        ];
        let n_params = rows[0].0.params.len();
        for k in 0..n_params {
            cols.push(f64col(&|p, _| p.params[k]));
        }
        let outcome = |p: &PatientResult, v: usize, k: usize| {
            let o = &p.visits[v];
            [
                o.bmd_lumbar_pct_change,
                o.bmd_femoral_neck_pct_change,
                o.ucoc_pct_change,
                o.dp_ucmgp_pct_change,
                o.d25_nmol_l,
                o.calcification_index_pct_change,
            ][k]
        };
        for k in 0..OUTCOMES.len() {
            cols.push(f64col(&|p, v| outcome(p, v, k)));
        }
        let batch =
            RecordBatch::try_new(self.schema.clone(), cols).map_err(|e| TrialError::Data {
                path: self.path.clone(),
                message: e.to_string(),
            })?;
        self.writer.write(&batch).map_err(|e| TrialError::Io {
            path: self.path.clone(),
            message: e.to_string(),
        })
    }

    pub fn close(self) -> Result<(), TrialError> {
        let path = self.path.clone();
        self.writer.close().map(|_| ()).map_err(|e| TrialError::Io {
            path,
            message: e.to_string(),
        })
    }
}

/// Streams the rows of a per-patient Parquet file to `each`, batch by batch.
pub fn read_patients(
    path: &Path,
    each: &mut dyn FnMut(&PatientRow) -> Result<(), TrialError>,
) -> Result<(), TrialError> {
    let p = path.display().to_string();
    let data = |m: String| TrialError::Data {
        path: p.clone(),
        message: m,
    };
    let file = File::open(path).map_err(|e| TrialError::Io {
        path: p.clone(),
        message: e.to_string(),
    })?;
    let reader = ParquetRecordBatchReaderBuilder::try_new(file)
        .map_err(|e| data(e.to_string()))?
        .with_batch_size(8192)
        .build()
        .map_err(|e| data(e.to_string()))?;
    for batch in reader {
        let b = batch.map_err(|e| data(e.to_string()))?;
        let get = |name: &str| -> Result<&ArrayRef, TrialError> {
            b.column_by_name(name)
                .ok_or_else(|| data(format!("no column `{name}` (not a k2bone trial file?)")))
        };
        fn cast<'a, T: 'static>(a: &'a ArrayRef, name: &str, p: &str) -> Result<&'a T, TrialError> {
            a.as_any()
                .downcast_ref::<T>()
                .ok_or_else(|| TrialError::Data {
                    path: p.to_string(),
                    message: format!("column `{name}` has the wrong type"),
                })
        }
        let f = |name: &str| -> Result<&Float64Array, TrialError> { cast(get(name)?, name, &p) };
        let draw = cast::<UInt32Array>(get("draw_id")?, "draw_id", &p)?;
        let id = cast::<UInt64Array>(get("patient_id")?, "patient_id", &p)?;
        let arm = cast::<StringArray>(get("arm")?, "arm", &p)?;
        let sex = cast::<StringArray>(get("sex")?, "sex", &p)?;
        let observed = cast::<BooleanArray>(get("observed")?, "observed", &p)?;
        let (visit, age, zls, zfn) = (
            f("visit_day")?,
            f("age_years")?,
            f("bmd_z_lumbar_spine")?,
            f("bmd_z_femoral_neck")?,
        );
        let u = [f("u_hip")?, f("u_vertebral")?, f("u_any")?];
        let outs: Vec<&Float64Array> = OUTCOMES.iter().map(|o| f(o)).collect::<Result<_, _>>()?;
        for i in 0..b.num_rows() {
            if draw.is_null(i) || id.is_null(i) {
                return Err(data(format!("row {i}: empty id")));
            }
            let row = PatientRow {
                draw_id: draw.value(i),
                patient_id: id.value(i),
                arm: arm.value(i).to_string(),
                visit_day: visit.value(i),
                observed: observed.value(i),
                sex: if sex.value(i) == "male" {
                    Sex::Male
                } else {
                    Sex::Female
                },
                age_years: age.value(i),
                bmd_z_lumbar_spine: zls.value(i),
                bmd_z_femoral_neck: zfn.value(i),
                u_fracture: [u[0].value(i), u[1].value(i), u[2].value(i)],
                outcomes: std::array::from_fn(|k| outs[k].value(i)),
            };
            each(&row)?;
        }
    }
    Ok(())
}
