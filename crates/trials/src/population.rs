//! Who is enrolled: covariates drawn from named distributions (or rows of a CSV of real
//! covariates), and between-patient variability (IIV) on named model parameters,
//! $\theta_i = \theta \, e^{\eta_i}$ with $\eta_i \sim N(0, \Omega)$, $\Omega = D R D$,
//! $D = \mathrm{diag}(\omega)$, $\omega = \sqrt{\ln(1 + CV^2)}$ and $R$ a correlation matrix.
//!
//! Every patient draws from their own random stream (ChaCha8, stream = patient id, key = the
//! trial seed), so a patient's covariates, variability, drop-out and fracture draws do not
//! depend on the order or the thread in which patients are simulated.

use std::path::Path;

use k2bone_physiology::fracture::Sex;
use nalgebra::DMatrix;
use rand_chacha::rand_core::{RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Deserialize;
use statrs::distribution::{ContinuousCDF, Normal};

use crate::TrialError;

/// A covariate's distribution.
#[derive(Debug, Clone, PartialEq)]
pub enum Dist {
    Fixed(f64),
    /// Normal, truncated to `[min, max]` by redrawing.
    Normal {
        mean: f64,
        sd: f64,
        min: f64,
        max: f64,
    },
    /// Log-normal with this median and coefficient of variation, truncated by redrawing.
    LogNormal {
        median: f64,
        cv: f64,
        min: f64,
        max: f64,
    },
    Uniform {
        min: f64,
        max: f64,
    },
}

/// How a covariate is written in a trial file: a number, or `{ dist = "...", ... }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub(crate) enum DistFile {
    Fixed(f64),
    Spec(DistSpec),
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct DistSpec {
    dist: String,
    mean: Option<f64>,
    sd: Option<f64>,
    median: Option<f64>,
    cv: Option<f64>,
    min: Option<f64>,
    max: Option<f64>,
}

/// One parameter with between-patient variability.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IivParam {
    /// A core parameter (`data/model/calcium-bone-params.toml`) or a vitamin K/D parameter
    /// (`data/model/vitamin-k-params.toml`).
    pub parameter: String,
    /// Coefficient of variation of the log-normal distribution (0 … 2).
    pub cv: f64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PopulationFile {
    sex: Option<SexFile>,
    age_years: Option<DistFile>,
    years_since_menopause: Option<DistFile>,
    d25_nmol_l: Option<DistFile>,
    calcium_intake_mg_per_day: Option<DistFile>,
    bmd_z_lumbar_spine: Option<DistFile>,
    bmd_z_femoral_neck: Option<DistFile>,
    /// Fraction of patients on a vitamin K antagonist.
    warfarin_fraction: Option<f64>,
    /// Their vitamin K recycling inhibition (0 … 0.99).
    warfarin_inhibition: Option<f64>,
    covariates_csv: Option<String>,
    #[serde(default)]
    variability: Vec<IivParam>,
    correlation: Option<Vec<Vec<f64>>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
enum SexFile {
    Name(String),
    Mix { female_fraction: f64 },
}

/// One patient's covariates.
#[derive(Debug, Clone, PartialEq)]
pub struct Covariates {
    pub sex: Sex,
    pub age_years: f64,
    /// Women only; `None` lets the model's clock be the age.
    pub years_since_menopause: Option<f64>,
    pub d25_nmol_l: f64,
    pub calcium_intake_mg_per_day: f64,
    pub bmd_z_lumbar_spine: f64,
    pub bmd_z_femoral_neck: f64,
    /// Vitamin K recycling inhibition by a VKA (0 = none).
    pub vka_inhibition: f64,
}

/// Where covariates come from.
#[derive(Debug, Clone)]
pub enum CovariateSource {
    Drawn(Box<DrawnCovariates>),
    /// Rows of a CSV, drawn with replacement.
    Table {
        origin: String,
        rows: Vec<Covariates>,
    },
}

/// Covariates drawn from distributions (independently: A-trial-1).
#[derive(Debug, Clone)]
pub struct DrawnCovariates {
    pub female_fraction: f64,
    pub age_years: Dist,
    pub years_since_menopause: Option<Dist>,
    pub d25_nmol_l: Dist,
    pub calcium_intake_mg_per_day: Dist,
    pub bmd_z_lumbar_spine: Dist,
    pub bmd_z_femoral_neck: Dist,
    pub warfarin_fraction: f64,
    pub warfarin_inhibition: f64,
}

/// The enrolled population.
#[derive(Debug, Clone)]
pub struct Population {
    pub covariates: CovariateSource,
    pub iiv: Vec<IivParam>,
    /// $D L$ with $L L^T = R$: $\eta = D L z$ for standard normal $z$.
    pub(crate) eta_factor: DMatrix<f64>,
}

/// Everything random about one patient.
#[derive(Debug, Clone, PartialEq)]
pub struct PatientDraw {
    pub covariates: Covariates,
    /// One $\eta$ per [`Population::iiv`] entry.
    pub eta: Vec<f64>,
    /// Day of drop-out (infinite: never).
    pub dropout_day: f64,
    /// Uniform draws for the hip, vertebral and any-site fracture events.
    pub u_fracture: [f64; 3],
}

/// A patient's random stream.
pub(crate) struct Stream(ChaCha8Rng);

impl Stream {
    pub fn new(seed: u64, stream: u64) -> Stream {
        let mut r = ChaCha8Rng::seed_from_u64(seed);
        r.set_stream(stream);
        Stream(r)
    }
    /// Uniform on (0, 1).
    pub fn uniform(&mut self) -> f64 {
        ((self.0.next_u64() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }
    pub fn normal(&mut self) -> f64 {
        Normal::standard().inverse_cdf(self.uniform())
    }
    fn draw(&mut self, d: &Dist, what: &str) -> Result<f64, TrialError> {
        let in_range = |v: f64, lo: f64, hi: f64| v >= lo && v <= hi;
        for _ in 0..10_000 {
            let (v, lo, hi) = match *d {
                Dist::Fixed(v) => return Ok(v),
                Dist::Uniform { min, max } => return Ok(min + (max - min) * self.uniform()),
                Dist::Normal { mean, sd, min, max } => (mean + sd * self.normal(), min, max),
                Dist::LogNormal {
                    median,
                    cv,
                    min,
                    max,
                } => (
                    median * ((1.0 + cv * cv).ln().sqrt() * self.normal()).exp(),
                    min,
                    max,
                ),
            };
            if in_range(v, lo, hi) {
                return Ok(v);
            }
        }
        Err(TrialError::Population(format!(
            "`{what}`: 10,000 draws fell outside [min, max]; widen the range or move the distribution"
        )))
    }
}

impl Population {
    pub(crate) fn from_file(
        f: PopulationFile,
        origin: &str,
        base: &Path,
    ) -> Result<Population, TrialError> {
        let bad = |field: &str, message: String| TrialError::Field {
            origin: origin.to_string(),
            field: format!("population.{field}"),
            message,
        };
        let dist = |field: &str,
                    d: &Option<DistFile>,
                    default: f64,
                    lo: f64,
                    hi: f64|
         -> Result<Dist, TrialError> {
            let d = match d {
                None => return Ok(Dist::Fixed(default)),
                Some(d) => parse_dist(d, lo, hi).map_err(|m| bad(field, m))?,
            };
            Ok(d)
        };
        let covariates = if let Some(csv) = &f.covariates_csv {
            let path = base.join(csv);
            CovariateSource::Table {
                origin: path.display().to_string(),
                rows: read_covariates(&path)?,
            }
        } else {
            let female_fraction = match &f.sex {
                None => 1.0,
                Some(SexFile::Name(s)) => match s.to_ascii_lowercase().as_str() {
                    "female" | "f" | "women" => 1.0,
                    "male" | "m" | "men" => 0.0,
                    _ => {
                        return Err(bad(
                            "sex",
                            format!(
                                "`{s}` (accepted: female, male, or {{ female_fraction = 0.6 }})"
                            ),
                        ))
                    }
                },
                Some(SexFile::Mix { female_fraction }) if (0.0..=1.0).contains(female_fraction) => {
                    *female_fraction
                }
                Some(SexFile::Mix { female_fraction }) => {
                    return Err(bad(
                        "sex",
                        format!("female_fraction = {female_fraction} (accepted: 0 … 1)"),
                    ))
                }
            };
            let warfarin_fraction = f.warfarin_fraction.unwrap_or(0.0);
            if !(0.0..=1.0).contains(&warfarin_fraction) {
                return Err(bad(
                    "warfarin_fraction",
                    format!("{warfarin_fraction} (accepted: 0 … 1)"),
                ));
            }
            let warfarin_inhibition = f.warfarin_inhibition.unwrap_or(0.5);
            let (vlo, vhi) = crate::patient::vka_inhibition_range();
            if f.warfarin_inhibition.is_some() && !(vlo..=vhi).contains(&warfarin_inhibition) {
                return Err(bad(
                    "warfarin_inhibition",
                    format!(
                        "{warfarin_inhibition} is out of range (accepted: {vlo:.3} … {vhi:.3}, the recycling inhibition of a stable INR of 1 to 6)"
                    ),
                ));
            }
            CovariateSource::Drawn(Box::new(DrawnCovariates {
                female_fraction,
                age_years: dist("age_years", &f.age_years, 60.0, 41.0, 95.0)?,
                years_since_menopause: match &f.years_since_menopause {
                    None => None,
                    Some(_) => Some(dist(
                        "years_since_menopause",
                        &f.years_since_menopause,
                        0.0,
                        0.0,
                        50.0,
                    )?),
                },
                d25_nmol_l: dist("d25_nmol_l", &f.d25_nmol_l, 75.0, 5.0, 250.0)?,
                calcium_intake_mg_per_day: dist(
                    "calcium_intake_mg_per_day",
                    &f.calcium_intake_mg_per_day,
                    964.0,
                    100.0,
                    3000.0,
                )?,
                bmd_z_lumbar_spine: dist(
                    "bmd_z_lumbar_spine",
                    &f.bmd_z_lumbar_spine,
                    0.0,
                    -5.0,
                    5.0,
                )?,
                bmd_z_femoral_neck: dist(
                    "bmd_z_femoral_neck",
                    &f.bmd_z_femoral_neck,
                    0.0,
                    -5.0,
                    5.0,
                )?,
                warfarin_fraction,
                warfarin_inhibition,
            }))
        };
        // Variability: names must be parameters of the model.
        let model = k2bone_physiology::BoneHealthModel::default();
        let _ = model.k_params();
        for (i, p) in f.variability.iter().enumerate() {
            let known = crate::patient::k_name(&p.parameter).is_some()
                || crate::patient::core_param(model.core().params(), &p.parameter).is_some();
            if !known {
                return Err(bad(
                    &format!("variability[{i}].parameter"),
                    format!(
                        "`{}` is not a model parameter (names as in data/model/calcium-bone-params.toml or vitamin-k-params.toml)",
                        p.parameter
                    ),
                ));
            }
            if !(p.cv > 0.0 && p.cv <= 2.0) {
                return Err(bad(
                    &format!("variability[{i}].cv"),
                    format!("{} (accepted: > 0, <= 2)", p.cv),
                ));
            }
        }
        let k = f.variability.len();
        let r = match &f.correlation {
            None => DMatrix::identity(k, k),
            Some(rows) => {
                if rows.len() != k || rows.iter().any(|r| r.len() != k) {
                    return Err(bad(
                        "correlation",
                        format!("must be {k} x {k}, one row per variability entry"),
                    ));
                }
                let m = DMatrix::from_fn(k, k, |i, j| rows[i][j]);
                for i in 0..k {
                    for j in 0..k {
                        let v = m[(i, j)];
                        let ok = if i == j {
                            v == 1.0
                        } else {
                            (-1.0..=1.0).contains(&v) && v == m[(j, i)]
                        };
                        if !ok {
                            return Err(bad(&format!("correlation[{i}][{j}]"), format!("{v}: a correlation matrix is symmetric with 1 on the diagonal and entries in [-1, 1]")));
                        }
                    }
                }
                m
            }
        };
        let l = r
            .clone()
            .cholesky()
            .ok_or_else(|| bad("correlation", "is not positive definite".into()))?
            .l();
        let d = DMatrix::from_diagonal(&nalgebra::DVector::from_iterator(
            k,
            f.variability
                .iter()
                .map(|p| (1.0 + p.cv * p.cv).ln().sqrt()),
        ));
        Ok(Population {
            covariates,
            iiv: f.variability,
            eta_factor: d * l,
        })
    }

    /// Draws patient `id`'s covariates, variability, drop-out and fracture uniforms.
    pub fn draw(
        &self,
        seed: u64,
        id: u64,
        dropout_per_year: f64,
    ) -> Result<PatientDraw, TrialError> {
        let mut s = Stream::new(seed, id);
        let covariates = match &self.covariates {
            CovariateSource::Table { rows, .. } => {
                let i = ((s.uniform() * rows.len() as f64) as usize).min(rows.len() - 1);
                rows[i].clone()
            }
            CovariateSource::Drawn(c) => {
                let DrawnCovariates {
                    female_fraction,
                    age_years,
                    years_since_menopause,
                    d25_nmol_l,
                    calcium_intake_mg_per_day,
                    bmd_z_lumbar_spine,
                    bmd_z_femoral_neck,
                    warfarin_fraction,
                    warfarin_inhibition,
                } = &**c;
                let sex = if s.uniform() < *female_fraction {
                    Sex::Female
                } else {
                    Sex::Male
                };
                let age = s.draw(age_years, "age_years")?;
                let ysm = match years_since_menopause {
                    Some(d) if sex == Sex::Female => Some(s.draw(d, "years_since_menopause")?),
                    Some(d) => {
                        s.draw(d, "years_since_menopause")?; // keep the stream aligned
                        None
                    }
                    None => None,
                };
                Covariates {
                    sex,
                    age_years: age,
                    years_since_menopause: ysm,
                    d25_nmol_l: s.draw(d25_nmol_l, "d25_nmol_l")?,
                    calcium_intake_mg_per_day: s
                        .draw(calcium_intake_mg_per_day, "calcium_intake_mg_per_day")?,
                    bmd_z_lumbar_spine: s.draw(bmd_z_lumbar_spine, "bmd_z_lumbar_spine")?,
                    bmd_z_femoral_neck: s.draw(bmd_z_femoral_neck, "bmd_z_femoral_neck")?,
                    vka_inhibition: if s.uniform() < *warfarin_fraction {
                        *warfarin_inhibition
                    } else {
                        0.0
                    },
                }
            }
        };
        let k = self.iiv.len();
        let z = nalgebra::DVector::from_iterator(k, (0..k).map(|_| s.normal()));
        let eta: Vec<f64> = (&self.eta_factor * z).iter().copied().collect();
        let dropout_day = if dropout_per_year > 0.0 {
            let rate_per_day = -(1.0 - dropout_per_year).ln() / k2bone_units::DAYS_PER_YEAR;
            -s.uniform().ln() / rate_per_day
        } else {
            s.uniform();
            f64::INFINITY
        };
        let u_fracture = [s.uniform(), s.uniform(), s.uniform()];
        Ok(PatientDraw {
            covariates,
            eta,
            dropout_day,
            u_fracture,
        })
    }
}

fn parse_dist(d: &DistFile, lo: f64, hi: f64) -> Result<Dist, String> {
    let range = |v: f64| -> Result<f64, String> {
        if v.is_finite() && v >= lo && v <= hi {
            Ok(v)
        } else {
            Err(format!("{v} is out of range (accepted: {lo} … {hi})"))
        }
    };
    let s = match d {
        DistFile::Fixed(v) => return Ok(Dist::Fixed(range(*v)?)),
        DistFile::Spec(s) => s,
    };
    let need = |v: Option<f64>, name: &str| v.ok_or_else(|| format!("`{}` needs `{name}`", s.dist));
    let min = range(s.min.unwrap_or(lo))?;
    let max = range(s.max.unwrap_or(hi))?;
    if min >= max {
        return Err(format!("min = {min} must be below max = {max}"));
    }
    match s.dist.to_ascii_lowercase().as_str() {
        "normal" => {
            let sd = need(s.sd, "sd")?;
            if !(sd > 0.0 && sd.is_finite()) {
                return Err(format!("sd = {sd} (accepted: > 0)"));
            }
            Ok(Dist::Normal {
                mean: need(s.mean, "mean")?,
                sd,
                min,
                max,
            })
        }
        "lognormal" | "log-normal" => {
            let cv = need(s.cv, "cv")?;
            if !(cv > 0.0 && cv <= 3.0) {
                return Err(format!("cv = {cv} (accepted: > 0, <= 3)"));
            }
            Ok(Dist::LogNormal {
                median: range(need(s.median, "median")?)?,
                cv,
                min,
                max,
            })
        }
        "uniform" => Ok(Dist::Uniform {
            min: range(need(s.min, "min")?)?,
            max: range(need(s.max, "max")?)?,
        }),
        other => Err(format!(
            "unknown distribution `{other}` (accepted: normal, lognormal, uniform, or a number)"
        )),
    }
}

/// Reads a covariate table: `sex,age_years,years_since_menopause,d25_nmol_l,
/// calcium_intake_mg_per_day,bmd_z_lumbar_spine,bmd_z_femoral_neck,vka_inhibition`
/// (`years_since_menopause` may be empty).
pub fn read_covariates(path: &Path) -> Result<Vec<Covariates>, TrialError> {
    let origin = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| TrialError::Io {
        path: origin.clone(),
        message: e.to_string(),
    })?;
    parse_covariates(&text, &origin)
}

/// As [`read_covariates`], from text.
pub fn parse_covariates(text: &str, origin: &str) -> Result<Vec<Covariates>, TrialError> {
    const COLUMNS: [&str; 8] = [
        "sex",
        "age_years",
        "years_since_menopause",
        "d25_nmol_l",
        "calcium_intake_mg_per_day",
        "bmd_z_lumbar_spine",
        "bmd_z_femoral_neck",
        "vka_inhibition",
    ];
    let err = |line: usize, message: String| TrialError::Csv {
        origin: origin.to_string(),
        line,
        message,
    };
    let mut rdr = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = rdr
        .headers()
        .map_err(|e| err(1, e.to_string()))?
        .iter()
        .map(String::from)
        .collect();
    if headers != COLUMNS {
        return Err(err(1, format!("header must be `{}`", COLUMNS.join(","))));
    }
    // The scenario's accepted person ranges (docs/assumptions.md A-scen-4).
    let ranges = [
        (41.0, 95.0),
        (0.0, 50.0),
        (5.0, 250.0),
        (100.0, 3000.0),
        (-5.0, 5.0),
        (-5.0, 5.0),
        (0.0, 0.99),
    ];
    let vka = crate::patient::vka_inhibition_range();
    let mut rows = Vec::new();
    for (i, rec) in rdr.records().enumerate() {
        let line = i + 2;
        let rec = rec.map_err(|e| err(line, e.to_string()))?;
        let sex = match rec[0].to_ascii_lowercase().as_str() {
            "female" | "f" => Sex::Female,
            "male" | "m" => Sex::Male,
            s => return Err(err(line, format!("sex `{s}` (accepted: female, male)"))),
        };
        let mut v = [0.0; 7];
        for (j, slot) in v.iter_mut().enumerate() {
            let (name, column) = (COLUMNS[j + 1], j + 2);
            let cell = &rec[j + 1];
            if j == 1 && cell.is_empty() {
                *slot = f64::NAN;
                continue;
            }
            let x: f64 = cell.parse().map_err(|_| {
                err(
                    line,
                    format!("`{name}` = `{cell}` is not a number (column {column})"),
                )
            })?;
            let (lo, hi) = ranges[j];
            let ok = if name == "vka_inhibition" {
                x == 0.0 || (vka.0..=vka.1).contains(&x)
            } else {
                x >= lo && x <= hi
            };
            if !ok {
                let accepted = if name == "vka_inhibition" {
                    format!(
                        "0 (none) or {:.3} … {:.3}, the recycling inhibition of a stable INR of 1 to 6",
                        vka.0, vka.1
                    )
                } else {
                    format!("{lo} … {hi}")
                };
                return Err(err(
                    line,
                    format!(
                        "`{name}` = {x} is out of range (column {column}; accepted: {accepted})"
                    ),
                ));
            }
            *slot = x;
        }
        rows.push(Covariates {
            sex,
            age_years: v[0],
            years_since_menopause: (!v[1].is_nan() && sex == Sex::Female).then_some(v[1]),
            d25_nmol_l: v[2],
            calcium_intake_mg_per_day: v[3],
            bmd_z_lumbar_spine: v[4],
            bmd_z_femoral_neck: v[5],
            vka_inhibition: v[6],
        });
    }
    if rows.is_empty() {
        return Err(err(2, "the table has no rows".into()));
    }
    Ok(rows)
}
