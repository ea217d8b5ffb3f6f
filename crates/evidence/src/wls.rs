//! Weighted least squares for meta-analytic models: the design matrix $X$ ($k \times p$), the
//! inverse $(X^\top W X)^{-1}$ by Cholesky, and the projection
//! $P = W - W X (X^\top W X)^{-1} X^\top W$ from which every τ² estimator and the Q statistics are
//! built (metafor's `.invcalc` and its `P` matrices; Viechtbauer 2005, J Educ Behav Stat 30:261).
//! Dimensions are small (p ≤ a handful), so plain row-major `Vec<f64>` is enough.

use crate::EvidenceError;

/// A $k \times p$ design matrix (row-major) with column names.
#[derive(Debug, Clone, PartialEq)]
pub struct Design {
    /// Number of rows (studies).
    pub k: usize,
    /// Number of columns (coefficients).
    pub p: usize,
    /// Row-major entries.
    pub x: Vec<f64>,
    /// Column names (`intrcpt` first when there is an intercept).
    pub names: Vec<String>,
    /// True if the first column is the intercept.
    pub intercept: bool,
}

impl Design {
    /// The intercept-only design of `k` studies.
    pub fn intercept_only(k: usize) -> Self {
        Design {
            k,
            p: 1,
            x: vec![1.0; k],
            names: vec!["intrcpt".into()],
            intercept: true,
        }
    }

    /// Entry (i, j).
    #[inline]
    pub fn at(&self, i: usize, j: usize) -> f64 {
        self.x[i * self.p + j]
    }

    /// The design restricted to the given rows.
    pub fn rows(&self, keep: &[usize]) -> Design {
        let mut x = Vec::with_capacity(keep.len() * self.p);
        for &i in keep {
            x.extend_from_slice(&self.x[i * self.p..(i + 1) * self.p]);
        }
        Design {
            k: keep.len(),
            p: self.p,
            x,
            names: self.names.clone(),
            intercept: self.intercept,
        }
    }

    /// $\hat\beta$, $(X^\top W X)^{-1}$ and $\log\det(X^\top W X)$ for weights `w`.
    pub fn wls(&self, w: &[f64], y: &[f64]) -> Result<Wls, EvidenceError> {
        let p = self.p;
        let mut xtwx = vec![0.0; p * p];
        let mut xtwy = vec![0.0; p];
        for i in 0..self.k {
            let row = &self.x[i * p..(i + 1) * p];
            for a in 0..p {
                let wa = w[i] * row[a];
                xtwy[a] += wa * y[i];
                for b in 0..=a {
                    xtwx[a * p + b] += wa * row[b];
                }
            }
        }
        for a in 0..p {
            for b in 0..a {
                xtwx[b * p + a] = xtwx[a * p + b];
            }
        }
        let (inv, logdet) = cholesky_inverse(&xtwx, p).ok_or_else(|| {
            EvidenceError::Numerical(
                "the model matrix is not of full rank (a moderator is constant or collinear with others)".into(),
            )
        })?;
        let beta = (0..p)
            .map(|a| (0..p).map(|b| inv[a * p + b] * xtwy[b]).sum())
            .collect();
        Ok(Wls { beta, inv, logdet })
    }

    /// The projection $P = W - W X (X^\top W X)^{-1} X^\top W$ ($k \times k$, row-major).
    pub fn projection(&self, w: &[f64]) -> Result<Vec<f64>, EvidenceError> {
        let (k, p) = (self.k, self.p);
        let fit = self.wls(w, &vec![0.0; k])?;
        // B = W X A (k × p); P = W - B X' W.
        let mut b = vec![0.0; k * p];
        for i in 0..k {
            for c in 0..p {
                let mut s = 0.0;
                for d in 0..p {
                    s += self.at(i, d) * fit.inv[d * p + c];
                }
                b[i * p + c] = w[i] * s;
            }
        }
        let mut pm = vec![0.0; k * k];
        for i in 0..k {
            for j in 0..=i {
                let mut s = 0.0;
                for c in 0..p {
                    s += b[i * p + c] * self.at(j, c);
                }
                let v = if i == j { w[i] - s * w[j] } else { -s * w[j] };
                pm[i * k + j] = v;
                pm[j * k + i] = v;
            }
        }
        Ok(pm)
    }
}

/// Result of a weighted least-squares fit.
#[derive(Debug, Clone)]
pub struct Wls {
    /// Coefficients.
    pub beta: Vec<f64>,
    /// $(X^\top W X)^{-1}$, row-major $p \times p$.
    pub inv: Vec<f64>,
    /// $\log\det(X^\top W X)$.
    pub logdet: f64,
}

/// Inverse and log-determinant of a symmetric positive-definite matrix (Cholesky).
pub fn cholesky_inverse(a: &[f64], n: usize) -> Option<(Vec<f64>, f64)> {
    let mut l = vec![0.0; n * n];
    let scale = (0..n)
        .map(|i| a[i * n + i].abs())
        .fold(0.0, f64::max)
        .max(f64::MIN_POSITIVE);
    for i in 0..n {
        for j in 0..=i {
            let mut s = a[i * n + j];
            for m in 0..j {
                s -= l[i * n + m] * l[j * n + m];
            }
            if i == j {
                if s <= 1e-12 * scale {
                    return None;
                }
                l[i * n + i] = s.sqrt();
            } else {
                l[i * n + j] = s / l[j * n + j];
            }
        }
    }
    let logdet = 2.0 * (0..n).map(|i| l[i * n + i].ln()).sum::<f64>();
    // Invert L, then A^{-1} = L^{-T} L^{-1}.
    let mut li = vec![0.0; n * n];
    for i in 0..n {
        li[i * n + i] = 1.0 / l[i * n + i];
        for j in 0..i {
            let mut s = 0.0;
            for m in j..i {
                s -= l[i * n + m] * li[m * n + j];
            }
            li[i * n + j] = s / l[i * n + i];
        }
    }
    let mut inv = vec![0.0; n * n];
    for i in 0..n {
        for j in 0..=i {
            let s: f64 = (i..n).map(|m| li[m * n + i] * li[m * n + j]).sum();
            inv[i * n + j] = s;
            inv[j * n + i] = s;
        }
    }
    Some((inv, logdet))
}

/// $y^\top P y$ for a symmetric $k \times k$ matrix `pm`.
pub fn quad(pm: &[f64], y: &[f64]) -> f64 {
    let k = y.len();
    (0..k)
        .map(|i| y[i] * (0..k).map(|j| pm[i * k + j] * y[j]).sum::<f64>())
        .sum()
}

/// $P y$.
pub fn mul_vec(pm: &[f64], y: &[f64]) -> Vec<f64> {
    let k = y.len();
    (0..k)
        .map(|i| (0..k).map(|j| pm[i * k + j] * y[j]).sum())
        .collect()
}

/// Trace of a $k \times k$ matrix.
pub fn trace(pm: &[f64], k: usize) -> f64 {
    (0..k).map(|i| pm[i * k + i]).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inverse_of_spd_matrix() {
        let a = [4.0, 2.0, 2.0, 3.0];
        let (inv, logdet) = cholesky_inverse(&a, 2).unwrap();
        let det: f64 = 8.0;
        assert!((logdet - det.ln()).abs() < 1e-14);
        assert!((inv[0] - 3.0 / 8.0).abs() < 1e-14 && (inv[1] + 2.0 / 8.0).abs() < 1e-14);
    }

    #[test]
    fn projection_annihilates_design_columns() {
        let d = Design {
            k: 3,
            p: 2,
            x: vec![1.0, 0.1, 1.0, 0.5, 1.0, 2.0],
            names: vec![],
            intercept: true,
        };
        let w = [1.0, 2.0, 0.5];
        let pm = d.projection(&w).unwrap();
        let col: Vec<f64> = (0..3).map(|i| d.at(i, 1)).collect();
        for v in mul_vec(&pm, &col) {
            assert!(v.abs() < 1e-12);
        }
    }
}
