//! Meta-analysis of a CSV of studies with metafor's conventions (`k2bone meta`): effect sizes by
//! `escalc`, the pooled model (`rma`, or Mantel–Haenszel / Peto for 2×2 tables), and on request
//! subgroups, meta-regression, leave-one-out, cumulative, Egger and trim-and-fill, plus forest and
//! funnel plots. The result is one typed document ([`MetaAnalysis`]).

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use k2bone_evidence::{
    cumulative, egger, egger_lm, escalc, fit, leave_one_out, mantel_haenszel, meta_regression,
    peto, read_csv, subgroups, trim_fill, BinaryFit, EggerTest, FitOptions, Measure, MetaFit,
    MetaRegression, SensitivityRow, SubgroupAnalysis, Tau2Ci, Tau2Method, Test, TrimFill,
};
use k2bone_report::disclaimer::DISCLAIMER;

use crate::error::{read_input, Context};
use crate::plots::{forest_plot, funnel_plot, model_title};
use crate::{AppError, AppResult};

/// How studies are pooled: an `rma` τ² estimator, or a fixed-effect method for 2×2 tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub enum PoolingMethod {
    FE,
    DL,
    REML,
    ML,
    PM,
    HE,
    SJ,
    EB,
    /// Mantel–Haenszel (2×2 tables: OR, RR, RD).
    MH,
    /// Peto's odds ratio (2×2 tables).
    PETO,
}

impl PoolingMethod {
    pub const ALL: [PoolingMethod; 10] = [
        PoolingMethod::FE,
        PoolingMethod::DL,
        PoolingMethod::REML,
        PoolingMethod::ML,
        PoolingMethod::PM,
        PoolingMethod::HE,
        PoolingMethod::SJ,
        PoolingMethod::EB,
        PoolingMethod::MH,
        PoolingMethod::PETO,
    ];

    /// The τ² estimator of the model (FE for the 2×2 methods, whose `rma` fit is reported beside).
    pub fn tau2(self) -> Tau2Method {
        match self {
            PoolingMethod::FE | PoolingMethod::MH | PoolingMethod::PETO => Tau2Method::FE,
            PoolingMethod::DL => Tau2Method::DL,
            PoolingMethod::REML => Tau2Method::REML,
            PoolingMethod::ML => Tau2Method::ML,
            PoolingMethod::PM => Tau2Method::PM,
            PoolingMethod::HE => Tau2Method::HE,
            PoolingMethod::SJ => Tau2Method::SJ,
            PoolingMethod::EB => Tau2Method::EB,
        }
    }

    /// "MH" or "PETO" for the 2×2 methods.
    pub fn binary(self) -> Option<&'static str> {
        match self {
            PoolingMethod::MH => Some("MH"),
            PoolingMethod::PETO => Some("PETO"),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        self.binary().unwrap_or_else(|| self.tau2().label())
    }

    /// Bad input unless the data fit the method (2×2 methods need OR/RR/RD; Peto needs OR).
    pub fn check(self, measure: Measure) -> AppResult<()> {
        match self.binary() {
            Some(m) if !matches!(measure, Measure::OR | Measure::RR | Measure::RD) => {
                Err(AppError::bad_input(format!(
                    "--method {m} needs 2x2 data: --measure OR, RR or RD"
                )))
            }
            Some("PETO") if measure != Measure::OR => Err(AppError::bad_input(
                "Peto's method pools odds ratios: use --measure OR",
            )),
            _ => Ok(()),
        }
    }

    /// Runs the 2×2 method on `tables`, if this is one.
    pub(crate) fn binary_fit(
        self,
        measure: Measure,
        tables: &[(String, k2bone_evidence::Table2x2)],
        level: f64,
    ) -> AppResult<Option<BinaryFit>> {
        Ok(match self {
            PoolingMethod::MH => Some(mantel_haenszel(measure, tables, level)?),
            PoolingMethod::PETO => Some(peto(tables, level)?),
            _ => None,
        })
    }
}

#[cfg(feature = "clap")]
impl clap::ValueEnum for PoolingMethod {
    fn value_variants<'a>() -> &'a [Self] {
        &PoolingMethod::ALL
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        let v = clap::builder::PossibleValue::new(self.label());
        Some(if *self == PoolingMethod::FE {
            v.alias("EE")
        } else {
            v
        })
    }
}

/// A CSV of studies: a file, or text named `name` in messages.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CsvInput {
    File(PathBuf),
    Text { csv: String, name: String },
}

/// A meta-analysis to run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct MetaRequest {
    pub data: CsvInput,
    pub measure: Measure,
    pub method: PoolingMethod,
    pub test: Test,
    /// Confidence level, %.
    pub level: f64,
    /// Column with subgroup labels.
    pub by: Option<String>,
    /// Moderator columns for a meta-regression.
    pub mods: Vec<String>,
    pub leave_one_out: bool,
    pub cumulative: bool,
    pub egger: bool,
    pub trimfill: bool,
    /// Forest plot file (.svg or .png).
    pub forest: Option<PathBuf>,
    /// Funnel plot file (.svg or .png).
    pub funnel: Option<PathBuf>,
}

/// A meta-analysis (`k2bone meta --format json`). Ratio measures are on the log scale, with
/// the back-transformed values in `back_transformed`. With MH or Peto, the pooled numbers are
/// that method's (fixed effect: τ² = 0, no prediction interval).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct MetaAnalysis {
    pub file: String,
    pub measure: Measure,
    pub method: String,
    pub test: Test,
    pub level: f64,
    pub k: usize,
    #[serde(flatten)]
    pub pooled: Pooled,
    pub zval: f64,
    pub tau2_se: Option<f64>,
    pub tau2_ci: Option<Tau2Ci>,
    pub q_df: usize,
    /// Degrees of freedom of the t tests (Knapp–Hartung), else none.
    pub df: Option<f64>,
    /// The Cochran–Mantel–Haenszel test (Mantel–Haenszel only).
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub cmh: Option<CmhTest>,
    pub studies: Vec<WeightedStudy>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub back_transformed: Option<BackTransformed>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subgroups: Option<SubgroupAnalysis>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub meta_regression: Option<MetaRegression>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub leave_one_out: Option<Vec<SensitivityRow>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cumulative: Option<Vec<SensitivityRow>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub egger: Option<EggerTests>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trimfill: Option<TrimFill>,
    pub disclaimer: String,
    /// The `rma` fit behind the numbers, for text reports.
    #[serde(skip)]
    pub detail: Option<Box<MetaDetail>>,
}

/// The pooled result as reported: the `rma` fit's, or for Mantel–Haenszel / Peto that method's
/// (fixed effect: τ² = 0, no prediction interval). Shared by `meta` and `evidence analyze`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Pooled {
    pub estimate: f64,
    pub se: f64,
    pub pvalue: f64,
    pub ci_lower: f64,
    pub ci_upper: f64,
    pub pi_lower: Option<f64>,
    pub pi_upper: Option<f64>,
    pub tau2: f64,
    pub i2: f64,
    pub h2: f64,
    pub q: f64,
    pub q_pvalue: f64,
}

impl Pooled {
    /// The reported numbers of `main`, replaced by `binary`'s where a 2×2 method was asked for.
    pub fn of(main: &MetaFit, binary: Option<&BinaryFit>) -> Pooled {
        match binary {
            Some(b) => Pooled {
                estimate: b.estimate,
                se: b.se,
                pvalue: b.pvalue,
                ci_lower: b.ci_lower,
                ci_upper: b.ci_upper,
                pi_lower: None,
                pi_upper: None,
                tau2: 0.0,
                i2: b.i2,
                h2: b.h2,
                q: b.q,
                q_pvalue: b.q_pvalue,
            },
            None => Pooled {
                estimate: main.estimate,
                se: main.se,
                pvalue: main.pvalue,
                ci_lower: main.ci_lower,
                ci_upper: main.ci_upper,
                pi_lower: main.pi_lower,
                pi_upper: main.pi_upper,
                tau2: main.tau2,
                i2: main.i2,
                h2: main.h2,
                q: main.q,
                q_pvalue: main.q_pvalue,
            },
        }
    }
}

/// The fits behind a [`MetaAnalysis`], for text reports (not serialised).
#[derive(Debug, Clone, PartialEq)]
pub struct MetaDetail {
    pub fit: k2bone_evidence::MetaFit,
    pub binary: Option<BinaryFit>,
}

/// Cochran–Mantel–Haenszel test.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CmhTest {
    pub cmh: Option<f64>,
    pub cmh_pvalue: Option<f64>,
}

/// One study with its effect size and weight.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct WeightedStudy {
    pub study: String,
    pub yi: f64,
    pub vi: f64,
    pub weight_pct: f64,
}

/// Pooled values on the ratio scale (OR, RR).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct BackTransformed {
    /// "odds ratio" or "risk ratio".
    pub scale: String,
    pub estimate: f64,
    pub ci_lower: f64,
    pub ci_upper: f64,
    pub pi_lower: Option<f64>,
    pub pi_upper: Option<f64>,
}

/// Egger's test both ways.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct EggerTests {
    /// metafor `regtest` (predictor sei, model rma).
    pub rma: EggerTest,
    /// The classic weighted regression (model lm).
    pub lm: EggerTest,
}

/// "odds ratio" or "risk ratio".
pub fn ratio_name(m: Measure) -> &'static str {
    if m == Measure::OR {
        "odds ratio"
    } else {
        "risk ratio"
    }
}

/// Runs the meta-analysis and writes the requested plots.
pub fn meta_analysis(req: &MetaRequest) -> AppResult<MetaAnalysis> {
    let (text, file) = match &req.data {
        CsvInput::File(p) => (read_input(p)?, p.display().to_string()),
        CsvInput::Text { csv, name } => (csv.clone(), name.clone()),
    };
    req.method.check(req.measure)?;
    if !(req.level > 0.0 && req.level < 100.0) {
        return Err(AppError::bad_input(format!(
            "--level {}: accepted range is 0 < level < 100 (percent)",
            req.level
        )));
    }
    let measure = req.measure;
    let data = read_csv(&text, measure).context(&file)?;
    let effects = escalc(measure, &data.rows).context(&file)?;
    if effects.len() < 2 {
        return Err(AppError::bad_input(format!(
            "{file}: a meta-analysis needs at least 2 studies, the file has {}",
            effects.len()
        )));
    }
    let opts = FitOptions {
        method: req.method.tau2(),
        test: req.test,
        level: req.level,
        tau2_ci: true,
    };
    let main = fit(&effects, &opts)?;
    let binary = req.method.binary_fit(measure, &data.tables(), req.level)?;
    let by = match &req.by {
        Some(col) => {
            let labels = data
                .column(col)
                .map_err(|e| AppError::bad_input(format!("{file}: --by: {e}")))?;
            Some(subgroups(&effects, &labels, &opts)?)
        }
        None => None,
    };
    let reg = if req.mods.is_empty() {
        None
    } else {
        let mods = req
            .mods
            .iter()
            .map(|m| data.moderator(m.trim()))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| AppError::bad_input(format!("{file}: --mods: {e}")))?;
        Some(meta_regression(&effects, &mods, &opts)?)
    };
    let loo = req
        .leave_one_out
        .then(|| leave_one_out(&effects, &opts))
        .transpose()?;
    let cum = req
        .cumulative
        .then(|| cumulative(&effects, &opts))
        .transpose()?;
    let eg = if req.egger {
        Some(EggerTests {
            rma: egger(&effects, &opts)?,
            lm: egger_lm(&effects, req.level)?,
        })
    } else {
        None
    };
    let tf = (req.trimfill || req.funnel.is_some())
        .then(|| trim_fill(&effects, &opts))
        .transpose()?;

    let stem = match &req.data {
        CsvInput::File(p) => p
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default(),
        CsvInput::Text { name, .. } => name.clone(),
    };
    if let Some(path) = &req.forest {
        let title = format!(
            "{stem} — {}",
            model_title(&main, binary.as_ref()).to_lowercase()
        );
        let plot = forest_plot(
            &title,
            measure,
            &effects,
            &main,
            by.as_ref(),
            binary.as_ref(),
        );
        k2bone_report::forest::forest(&plot, path).context("writing the forest plot")?;
    }
    if let Some(path) = &req.funnel {
        let plot = funnel_plot(&stem, measure, &effects, &main, tf.as_ref());
        k2bone_report::funnel::funnel(&plot, path).context("writing the funnel plot")?;
    }

    let studies = effects
        .iter()
        .zip(&main.weights_pct)
        .map(|(e, w)| WeightedStudy {
            study: e.study.clone(),
            yi: e.yi,
            vi: e.vi,
            weight_pct: *w,
        })
        .collect();
    let pooled = Pooled::of(&main, binary.as_ref());
    let back_transformed = measure.is_ratio().then(|| BackTransformed {
        scale: ratio_name(measure).to_string(),
        estimate: pooled.estimate.exp(),
        ci_lower: pooled.ci_lower.exp(),
        ci_upper: pooled.ci_upper.exp(),
        pi_lower: pooled.pi_lower.map(f64::exp),
        pi_upper: pooled.pi_upper.map(f64::exp),
    });
    let b = binary.as_ref();
    Ok(MetaAnalysis {
        file,
        measure,
        method: req.method.label().to_string(),
        test: req.test,
        level: req.level,
        k: main.k,
        pooled,
        zval: b.map_or(main.zval, |b| b.zval),
        tau2_se: if b.is_some() { None } else { main.tau2_se },
        tau2_ci: if b.is_some() { None } else { main.tau2_ci },
        q_df: b.map_or(main.q_df, |b| b.q_df),
        df: main.df,
        cmh: b.map(|b| CmhTest {
            cmh: b.cmh,
            cmh_pvalue: b.cmh_pvalue,
        }),
        studies,
        back_transformed,
        subgroups: by,
        meta_regression: reg,
        leave_one_out: loo,
        cumulative: cum,
        egger: eg,
        trimfill: if req.trimfill { tf } else { None },
        disclaimer: DISCLAIMER.to_string(),
        detail: Some(Box::new(MetaDetail { fit: main, binary })),
    })
}
