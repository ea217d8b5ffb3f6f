//! The vitamin K trial database as use cases (`k2bone evidence`): list, show and import trial
//! rows, pool one outcome over the database ([`analyze`]), and re-run a published K2
//! meta-analysis beside its published result ([`reproduce`]). The database lives in the given
//! directory, else `K2BONE_DATA`, else the user data directory, seeded on first use.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use k2bone_evidence::{
    escalc, fit, subgroups, FitOptions, Measure, StudyData, SubgroupAnalysis, Test,
};
use k2bone_report::disclaimer::DISCLAIMER;
use k2bone_store::Store;
use k2bone_trialdb::pooling::{default_measure, label, pool, Excluded, PoolSelection, BY_COLUMNS};
use k2bone_trialdb::published::{find, parse_published, reproduce as rerun, shipped_published};
use k2bone_trialdb::published::{PublishedAnalysis, Reproduction};
use k2bone_trialdb::trial_db::{import_csv, list, open_trials, outcomes, study, TrialFilter};
use k2bone_trialdb::TrialRow;

use crate::error::{read_input, Context};
use crate::meta::{Pooled, PoolingMethod};
use crate::plots::{forest_plot, model_label};
use crate::{AppError, AppResult};

/// The opened trial database.
pub struct TrialDb {
    store: Store,
}

impl TrialDb {
    /// Opens (and on first use seeds) the database in `dir`, else the default directory.
    pub fn open(dir: Option<&Path>) -> AppResult<TrialDb> {
        let dir = dir
            .map(Path::to_path_buf)
            .unwrap_or_else(k2bone_store::data_dir);
        let context = format!("opening the trial database in {}", dir.display());
        let mut store = Store::open_in(&dir).context(&context)?;
        open_trials(&mut store).context(&context)?;
        Ok(TrialDb { store })
    }

    /// Where the database file is.
    pub fn path(&self) -> &Path {
        self.store.path()
    }

    /// Trial rows matching `filter` (`evidence list`).
    pub fn list(&self, filter: &TrialFilter) -> AppResult<TrialRows> {
        Ok(TrialRows::new(list(self.store.conn(), filter)?))
    }

    /// Every row of one study (`evidence show`).
    pub fn show(&self, study_id: &str) -> AppResult<StudyRows> {
        let rows = TrialRows::new(study(self.store.conn(), study_id)?);
        Ok(StudyRows {
            study_id: rows.rows[0].study_id.clone(),
            rows: rows.rows,
            not_poolable: rows.not_poolable,
        })
    }

    /// Imports a trials CSV: all rows or none (`evidence import`).
    pub fn import(&mut self, file: &Path) -> AppResult<Imported> {
        let text = read_input(file)?;
        let n = import_csv(self.store.conn_mut(), &text, &file.display().to_string())?;
        Ok(Imported {
            rows: n,
            file: file.to_path_buf(),
            database: self.store.path().to_path_buf(),
        })
    }
}

/// Trial rows (`evidence list --format json`).
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct TrialRows {
    pub rows: Vec<TrialRow>,
    pub count: usize,
    /// Per row: why it cannot be pooled, or none when it can.
    #[serde(skip)]
    pub not_poolable: Vec<Option<String>>,
}

impl TrialRows {
    fn new(rows: Vec<TrialRow>) -> TrialRows {
        let not_poolable = rows
            .iter()
            .map(|r| k2bone_trialdb::pooling::study_data(r).err())
            .collect();
        TrialRows {
            count: rows.len(),
            rows,
            not_poolable,
        }
    }
}

/// The rows of one study (`evidence show --format json`).
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct StudyRows {
    pub study_id: String,
    pub rows: Vec<TrialRow>,
    #[serde(skip)]
    pub not_poolable: Vec<Option<String>>,
}

/// An import.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Imported {
    pub rows: usize,
    pub file: PathBuf,
    pub database: PathBuf,
}

/// One outcome pooled over the database.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AnalyzeRequest {
    pub outcome: String,
    /// Time point, months (default: each study's latest).
    pub timepoint_months: Option<f64>,
    /// Default: MD for continuous outcomes, OR for fractures.
    pub measure: Option<Measure>,
    pub method: PoolingMethod,
    pub test: Test,
    /// Subgroups by a trial column (see `k2bone_trialdb::pooling::BY_COLUMNS`).
    pub by: Option<String>,
    /// Forest plot file (.svg or .png).
    pub plot: Option<PathBuf>,
    pub exclude_integrity_concerns: bool,
    /// Keep trials with an active comparator (left out by default).
    pub include_active: bool,
}

/// A pooled outcome (`evidence analyze --format json`).
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct EvidenceAnalysis {
    pub outcome: String,
    pub timepoint_months: Option<f64>,
    pub measure: Measure,
    pub method: String,
    pub test: Test,
    pub k: usize,
    #[serde(flatten)]
    pub pooled: Pooled,
    pub studies: Vec<PooledTrial>,
    pub excluded: Vec<Excluded>,
    /// Conversions made (SE → SD).
    pub conversions: Vec<String>,
    pub subgroups: Option<SubgroupAnalysis>,
    pub disclaimer: String,
    /// The `rma` fit (heterogeneity of the random-effects model, for text reports).
    #[serde(skip)]
    pub fit: Option<Box<k2bone_evidence::MetaFit>>,
    /// The model in words, e.g. "tau^2 estimator REML, z".
    #[serde(skip)]
    pub model: String,
}

/// One trial of a pooled outcome.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct PooledTrial {
    pub study_id: String,
    pub yi: f64,
    pub vi: f64,
    pub weight_pct: f64,
    pub timepoint_months: f64,
    pub k_form: String,
    pub control: String,
    pub integrity_concern: bool,
    pub source: String,
    #[serde(skip)]
    pub year: i64,
}

fn or_dash<T: std::fmt::Display>(v: Option<T>) -> String {
    v.map(|x| x.to_string()).unwrap_or_else(|| "-".into())
}

/// Pools one outcome over the database.
pub fn analyze(db: &TrialDb, a: &AnalyzeRequest) -> AppResult<EvidenceAnalysis> {
    let known = outcomes(db.store.conn())?;
    if !known.iter().any(|o| o.eq_ignore_ascii_case(&a.outcome)) {
        return Err(AppError::bad_input(format!(
            "--outcome {}: no rows for this outcome{} (outcomes in the database: {})",
            a.outcome,
            k2bone_units::fuzzy::hint(&a.outcome, known.iter().map(String::as_str)),
            known.join(", ")
        )));
    }
    let measure = a.measure.unwrap_or_else(|| default_measure(&a.outcome));
    a.method.check(measure)?;
    if let Some(by) = a.by.as_deref().filter(|b| !BY_COLUMNS.contains(b)) {
        return Err(AppError::bad_input(format!(
            "--by {by}: accepted columns are {}",
            BY_COLUMNS.join(", ")
        )));
    }
    let rows = list(db.store.conn(), &TrialFilter::default())?;
    let p = pool(
        &rows,
        &PoolSelection {
            outcome: a.outcome.clone(),
            timepoint_months: a.timepoint_months,
            include_active: a.include_active,
            exclude_integrity: a.exclude_integrity_concerns,
            studies: None,
        },
    );
    if p.studies.len() < 2 {
        let names: Vec<String> = p.studies.iter().map(|s| s.study.clone()).collect();
        let mut msg = format!(
            "--outcome {}: a meta-analysis needs at least 2 poolable studies; {} poolable ({})\nnot poolable:",
            a.outcome,
            p.studies.len(),
            if names.is_empty() { "none".to_string() } else { names.join(", ") }
        );
        for e in &p.excluded {
            msg.push_str(&format!(
                "\n  {} ({} mo): {}",
                e.study_id,
                or_dash(e.timepoint_months),
                e.reason
            ));
        }
        return Err(AppError::bad_input(msg));
    }
    let effects = escalc(measure, &p.studies).context(&a.outcome)?;
    let opts = FitOptions {
        method: a.method.tau2(),
        test: a.test,
        level: 95.0,
        tau2_ci: true,
    };
    let main = fit(&effects, &opts)?;
    let tables: Vec<_> = p
        .studies
        .iter()
        .filter_map(|s| match s.data {
            StudyData::Binary(t) => Some((s.study.clone(), t)),
            _ => None,
        })
        .collect();
    let binary = a.method.binary_fit(measure, &tables, 95.0)?;
    let by = match &a.by {
        Some(col) => {
            let labels: Vec<String> = p
                .rows
                .iter()
                .map(|r| label(r, col).unwrap_or_default())
                .collect();
            Some(subgroups(&effects, &labels, &opts)?)
        }
        None => None,
    };
    let model = model_label(&main, binary.as_ref());
    if let Some(path) = &a.plot {
        let title = format!("{} — {model}", a.outcome);
        let plot = forest_plot(
            &title,
            measure,
            &effects,
            &main,
            by.as_ref(),
            binary.as_ref(),
        );
        k2bone_report::forest::forest(&plot, path)
            .context(format!("writing the forest plot {}", path.display()))?;
    }
    let b = binary.as_ref();
    Ok(EvidenceAnalysis {
        outcome: a.outcome.clone(),
        timepoint_months: a.timepoint_months,
        measure,
        method: a.method.label().to_string(),
        test: a.test,
        k: main.k,
        pooled: Pooled::of(&main, b),
        studies: effects
            .iter()
            .zip(&main.weights_pct)
            .zip(&p.rows)
            .map(|((e, w), r)| PooledTrial {
                study_id: e.study.clone(),
                yi: e.yi,
                vi: e.vi,
                weight_pct: *w,
                timepoint_months: r.timepoint_months,
                k_form: r.k_form.clone(),
                control: r.control.clone(),
                integrity_concern: r.integrity_concern,
                source: r.source.clone(),
                year: r.year,
            })
            .collect(),
        excluded: p.excluded,
        conversions: p.conversions,
        subgroups: by,
        disclaimer: DISCLAIMER.to_string(),
        fit: Some(Box::new(main)),
        model: match b {
            Some(b) => b.method.clone(),
            None => model,
        },
    })
}

/// The published analyses: the shipped `data/evidence/published.toml` or a file.
pub fn published(file: Option<&Path>) -> AppResult<PublishedList> {
    let analyses = match file {
        Some(p) => parse_published(&read_input(p)?, &p.display().to_string())?,
        None => shipped_published()?,
    };
    Ok(PublishedList { analyses })
}

/// The published analyses (`evidence reproduce --list --format json`).
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct PublishedList {
    pub analyses: Vec<PublishedAnalysis>,
}

/// A re-run beside the published result (`evidence reproduce NAME --format json`).
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Reproduced {
    pub name: String,
    pub published: PublishedAnalysis,
    pub exclude_integrity_concerns: bool,
    pub result: Reproduction,
    pub disclaimer: String,
}

/// Re-runs the published analysis `name` from the database.
pub fn reproduce(
    db: &TrialDb,
    list: &PublishedList,
    name: &str,
    exclude_integrity_concerns: bool,
) -> AppResult<Reproduced> {
    let a = find(&list.analyses, name)?;
    let rows = k2bone_trialdb::trial_db::list(db.store.conn(), &TrialFilter::default())?;
    let result = rerun(a, &rows, exclude_integrity_concerns)?;
    Ok(Reproduced {
        name: a.name.clone(),
        published: a.clone(),
        exclude_integrity_concerns,
        result,
        disclaimer: DISCLAIMER.to_string(),
    })
}
