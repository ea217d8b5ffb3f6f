//! Weighted least squares for meta-analytic models: the design matrix $X$ ($k \times p$), the
//! inverse $(X^\top W X)^{-1}$ by Cholesky, and the projection
//! $P = W - W X (X^\top W X)^{-1} X^\top W$ from which every τ² estimator and the Q statistics are
//! built (metafor's `.invcalc` and its `P` matrices; Viechtbauer 2005, J Educ Behav Stat 30:261).
//! $p$ is small (a handful), so plain row-major `Vec<f64>` is enough for $p \times p$; $P$ itself
//! is never formed as a $k \times k$ matrix (see [`Projection`]).

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

    /// The projection $P = W - W X (X^\top W X)^{-1} X^\top W$ for weights `w`, held implicitly
    /// (the weights, the design and the $p \times p$ inverse): memory and every operation are
    /// $O(k p^2)$, never $k \times k$, so a meta-analysis of 100,000 studies costs what 100 fits
    /// of 1,000 do.
    pub fn projection(&self, w: &[f64]) -> Result<Projection<'_>, EvidenceError> {
        let fit = self.wls(w, &vec![0.0; self.k])?;
        Ok(Projection {
            x: self,
            w: w.to_vec(),
            inv: fit.inv,
        })
    }
}

/// $P = W - W X A X^\top W$ with $A = (X^\top W X)^{-1}$, never formed as a $k \times k$ matrix.
///
/// $P y = W r$ with the weighted least-squares residuals $r = y - X\hat\beta$, and
/// $y^\top P y = r^\top W r$ (the residual form, free of the cancellation in
/// $y^\top W y - \hat\beta^\top X^\top W y$). Entries: $P_{ij} = w_i\delta_{ij} - w_i w_j h_{ij}$,
/// $h_{ij} = x_i^\top A x_j$.
#[derive(Debug, Clone)]
pub struct Projection<'a> {
    x: &'a Design,
    w: Vec<f64>,
    inv: Vec<f64>,
}

impl Projection<'_> {
    /// $A x_i$.
    fn ax(&self, i: usize) -> Vec<f64> {
        let p = self.x.p;
        let row = &self.x.x[i * p..(i + 1) * p];
        (0..p)
            .map(|a| (0..p).map(|b| self.inv[a * p + b] * row[b]).sum())
            .collect()
    }

    /// Leverage-type $h_{ii} = x_i^\top A x_i$.
    fn h(&self, i: usize) -> f64 {
        let p = self.x.p;
        let row = &self.x.x[i * p..(i + 1) * p];
        self.ax(i).iter().zip(row).map(|(a, b)| a * b).sum()
    }

    /// Diagonal entry $P_{ii} = w_i - w_i^2 h_{ii}$.
    pub fn diag(&self, i: usize) -> f64 {
        let w = self.w[i];
        w - self.h(i) * w * w
    }

    /// $\mathrm{tr}(P)$.
    pub fn trace(&self) -> f64 {
        (0..self.x.k).map(|i| self.diag(i)).sum()
    }

    /// The weighted least-squares residuals $r = y - X\hat\beta$.
    fn residuals(&self, y: &[f64]) -> Vec<f64> {
        let (k, p) = (self.x.k, self.x.p);
        let mut xtwy = vec![0.0; p];
        for (i, (wi, yi)) in self.w.iter().zip(y).enumerate() {
            for (a, s) in xtwy.iter_mut().enumerate() {
                *s += wi * self.x.at(i, a) * yi;
            }
        }
        let beta: Vec<f64> = (0..p)
            .map(|a| (0..p).map(|b| self.inv[a * p + b] * xtwy[b]).sum())
            .collect();
        (0..k)
            .map(|i| y[i] - (0..p).map(|j| self.x.at(i, j) * beta[j]).sum::<f64>())
            .collect()
    }

    /// $P y = W r$.
    pub fn mul_vec(&self, y: &[f64]) -> Vec<f64> {
        let r = self.residuals(y);
        r.iter().zip(&self.w).map(|(r, w)| w * r).collect()
    }

    /// $y^\top P y = \sum_i w_i r_i^2$.
    pub fn quad(&self, y: &[f64]) -> f64 {
        let r = self.residuals(y);
        r.iter().zip(&self.w).map(|(r, w)| w * r * r).sum()
    }

    /// $\sum_{ij} P_{ij}^2 a_i b_j$ (`None` for a vector of ones), e.g. $\mathrm{tr}(PP)$ with
    /// `(None, None)` and $\mathrm{tr}(PVPV)$ with `(Some(v), Some(v))`.
    ///
    /// The diagonal terms are squared entries; the off-diagonal ones, $w_i^2 w_j^2 a_i b_j
    /// h_{ij}^2$, are summed in one forward pass over $i$ with the running $p \times p$ sums
    /// $L^{(c)}_i = \sum_{j<i} w_j^2 c_j x_j x_j^\top$: the pairs $j < i$ give
    /// $w_i^2 a_i\, z_i^\top L^{(b)}_i z_i$ and the pairs $j > i$ (swapped) give
    /// $w_i^2 b_i\, z_i^\top L^{(a)}_i z_i$, with $z_i = A x_i$. No difference of large sums
    /// is taken, so the accuracy is that of the entries themselves.
    pub fn sum_sq(&self, a: Option<&[f64]>, b: Option<&[f64]>) -> f64 {
        let (k, p) = (self.x.k, self.x.p);
        let at = |c: Option<&[f64]>, i: usize| c.map_or(1.0, |c| c[i]);
        let mut la = vec![0.0; p * p];
        let mut lb = vec![0.0; p * p];
        let mut total = 0.0;
        for i in 0..k {
            let (ai, bi, wi) = (at(a, i), at(b, i), self.w[i]);
            let z = self.ax(i);
            let form = |l: &[f64]| -> f64 {
                (0..p)
                    .map(|r| z[r] * (0..p).map(|c| l[r * p + c] * z[c]).sum::<f64>())
                    .sum()
            };
            // Products grouped as (w a)(w …) so that a tiny weight times a huge a (w = 1/v,
            // a = v) does not under- and then overflow.
            let pii = self.diag(i);
            let (wa, wb) = (wi * ai, wi * bi);
            total += (pii * ai) * (pii * bi) + wa * (wi * form(&lb)) + wb * (wi * form(&la));
            let row = &self.x.x[i * p..(i + 1) * p];
            let (wwa, wwb) = (wi * wa, wi * wb);
            for r in 0..p {
                for c in 0..p {
                    let xx = row[r] * row[c];
                    la[r * p + c] += xx * wwa;
                    lb[r * p + c] += xx * wwb;
                }
            }
        }
        total
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

/// Inverse and log-determinant of a symmetric positive-definite matrix (Cholesky); `None` when a
/// pivot is not positive or loses all but 12 digits of its diagonal entry (numerically singular).
pub fn cholesky_inverse(a: &[f64], n: usize) -> Option<(Vec<f64>, f64)> {
    let mut l = vec![0.0; n * n];
    for i in 0..n {
        for j in 0..=i {
            let mut s = a[i * n + j];
            for m in 0..j {
                s -= l[i * n + m] * l[j * n + m];
            }
            if i == j {
                // Rank test relative to the column's own scale (so columns of very different
                // magnitude, e.g. an intercept and SEs of 1e100, are not mistaken for collinear).
                if s <= 1e-12 * a[i * n + i].abs() || s <= 0.0 || !s.is_finite() {
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

    /// The dense $P$, entry by entry, as the reference for the implicit one.
    fn dense(d: &Design, w: &[f64]) -> Vec<f64> {
        let (k, p) = (d.k, d.p);
        let inv = d.wls(w, &vec![0.0; k]).unwrap().inv;
        let mut pm = vec![0.0; k * k];
        for i in 0..k {
            for j in 0..k {
                let h: f64 = (0..p)
                    .flat_map(|a| (0..p).map(move |b| (a, b)))
                    .map(|(a, b)| d.at(i, a) * inv[a * p + b] * d.at(j, b))
                    .sum();
                pm[i * k + j] = f64::from(u8::from(i == j)) * w[i] - w[i] * w[j] * h;
            }
        }
        pm
    }

    fn design3() -> Design {
        Design {
            k: 5,
            p: 2,
            x: vec![1.0, 0.1, 1.0, 0.5, 1.0, 2.0, 1.0, -1.0, 1.0, 0.3],
            names: vec![],
            intercept: true,
        }
    }

    #[test]
    fn projection_annihilates_design_columns() {
        let d = design3();
        let w = [1.0, 2.0, 0.5, 3.0, 0.01];
        let pm = d.projection(&w).unwrap();
        let col: Vec<f64> = (0..5).map(|i| d.at(i, 1)).collect();
        for v in pm.mul_vec(&col) {
            assert!(v.abs() < 1e-12);
        }
    }

    #[test]
    fn implicit_projection_matches_the_dense_matrix() {
        let d = design3();
        let (k, w) = (5, [1.0, 2.0, 0.5, 3.0, 10.0]);
        let (y, a, b) = (
            [0.3, -0.2, 1.1, 0.0, 0.7],
            [0.1, 0.2, 0.3, 0.4, 0.5],
            [2.0, 1.0, 0.5, 0.25, 3.0],
        );
        let pm = d.projection(&w).unwrap();
        let dn = dense(&d, &w);
        let rel = |x: f64, r: f64| (x - r).abs() <= 1e-12 * r.abs().max(1e-300);
        let py: Vec<f64> = (0..k)
            .map(|i| (0..k).map(|j| dn[i * k + j] * y[j]).sum())
            .collect();
        for (x, r) in pm.mul_vec(&y).iter().zip(&py) {
            assert!((x - r).abs() < 1e-10, "{x} {r}");
        }
        let quad: f64 = (0..k).map(|i| y[i] * py[i]).sum();
        assert!(rel(pm.quad(&y), quad), "{} {quad}", pm.quad(&y));
        let tr: f64 = (0..k).map(|i| dn[i * k + i]).sum();
        assert!(rel(pm.trace(), tr));
        let ss = |a: &[f64], b: &[f64]| -> f64 {
            (0..k)
                .flat_map(|i| (0..k).map(move |j| (i, j)))
                .map(|(i, j)| dn[i * k + j].powi(2) * a[i] * b[j])
                .sum()
        };
        let ones = [1.0; 5];
        assert!(rel(pm.sum_sq(None, None), ss(&ones, &ones)));
        assert!(rel(pm.sum_sq(Some(&a), Some(&b)), ss(&a, &b)));
        assert!(rel(pm.sum_sq(None, Some(&b)), ss(&ones, &b)));
    }
}
