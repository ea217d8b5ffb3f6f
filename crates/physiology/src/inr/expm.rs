//! The matrix exponential of the small constant-coefficient linear systems the INR course
//! advances exactly (PK chains with a constant input, warfarin PK).

pub(crate) type M4 = [[f64; 4]; 4];

/// exp(a) of a 4×4 matrix: scaling and squaring with an 18-term Taylor series.
pub(crate) fn expm(a: &M4) -> M4 {
    let norm = a
        .iter()
        .map(|r| r.iter().map(|x| x.abs()).sum::<f64>())
        .fold(0.0, f64::max);
    let squarings = if norm > 0.5 {
        (norm / 0.5).log2().ceil() as u32
    } else {
        0
    };
    let scale = 0.5f64.powi(squarings as i32);
    let mut s = [[0.0; 4]; 4];
    for i in 0..4 {
        for j in 0..4 {
            s[i][j] = a[i][j] * scale;
        }
    }
    let mut result = identity();
    let mut term = identity();
    for n in 1..=18 {
        term = mul(&term, &s);
        for row in term.iter_mut() {
            for x in row.iter_mut() {
                *x /= n as f64;
            }
        }
        for i in 0..4 {
            for j in 0..4 {
                result[i][j] += term[i][j];
            }
        }
    }
    for _ in 0..squarings {
        result = mul(&result, &result);
    }
    result
}

fn identity() -> M4 {
    let mut m = [[0.0; 4]; 4];
    for (i, row) in m.iter_mut().enumerate() {
        row[i] = 1.0;
    }
    m
}

fn mul(a: &M4, b: &M4) -> M4 {
    let mut m = [[0.0; 4]; 4];
    for i in 0..4 {
        for j in 0..4 {
            m[i][j] = (0..4).map(|k| a[i][k] * b[k][j]).sum();
        }
    }
    m
}

pub(crate) fn apply(m: &M4, x: [f64; 4]) -> [f64; 4] {
    let mut y = [0.0; 4];
    for i in 0..4 {
        y[i] = (0..4).map(|k| m[i][k] * x[k]).sum();
    }
    y
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expm_matches_scalar_exponentials_and_a_chain_by_hand() {
        // Diagonal: exp(diag) = diag(exp).
        let mut a = [[0.0; 4]; 4];
        a[0][0] = -2.0;
        a[1][1] = 0.7;
        let e = expm(&a);
        assert!((e[0][0] - (-2.0f64).exp()).abs() < 1e-13);
        assert!((e[1][1] - 0.7f64.exp()).abs() < 1e-13);
        assert!((e[2][2] - 1.0).abs() < 1e-15);
        // Two-compartment chain with equal rates k: x1 = x0 e^{-kt}, x2 = k t x0 e^{-kt}.
        let (k, t) = (1.3, 2.0);
        let mut b = [[0.0; 4]; 4];
        b[0][0] = -k * t;
        b[1][0] = k * t;
        b[1][1] = -k * t;
        let e = expm(&b);
        assert!((e[1][0] - k * t * (-k * t).exp()).abs() < 1e-12);
    }
}
