//! Brent's root finder in the form R's `uniroot()` runs it (Brent 1973, *Algorithms for
//! Minimization without Derivatives*, ch. 4; the netlib `zeroin` that R's `R_zeroin2` follows).
//!
//! metafor finds the Paule–Mandel τ² and the Q-profile CI bounds with `uniroot(tol =
//! .Machine$double.eps^0.25)`, so its answers are the iterate where Brent's method stops, not the
//! exact root (they can differ from it by ~1e-5). Running the same iteration with the same
//! tolerance gives the same iterate, which is how this crate agrees with metafor to 1e-6 relative.

/// metafor's default `uniroot` tolerance, `.Machine$double.eps^0.25`.
pub const R_UNIROOT_TOL: f64 = 1.220_703_125e-4;

/// Finds a root of `f` in `[a, b]` given `fa = f(a)`, `fb = f(b)` of opposite signs.
/// Returns `None` when the iteration limit is reached.
pub fn zeroin<F: FnMut(f64) -> f64>(
    mut f: F,
    ax: f64,
    bx: f64,
    fa0: f64,
    fb0: f64,
    tol: f64,
    maxit: usize,
) -> Option<f64> {
    let (mut a, mut b) = (ax, bx);
    let (mut fa, mut fb) = (fa0, fb0);
    let (mut c, mut fc) = (a, fa);
    if fa == 0.0 {
        return Some(a);
    }
    if fb == 0.0 {
        return Some(b);
    }
    for _ in 0..=maxit {
        let prev_step = b - a;
        if fc.abs() < fb.abs() {
            a = b;
            b = c;
            c = a;
            fa = fb;
            fb = fc;
            fc = fa;
        }
        let tol_act = 2.0 * f64::EPSILON * b.abs() + tol / 2.0;
        let mut new_step = (c - b) / 2.0;
        if new_step.abs() <= tol_act || fb == 0.0 {
            return Some(b);
        }
        if prev_step.abs() >= tol_act && fa.abs() > fb.abs() {
            let cb = c - b;
            let (mut p, mut q);
            if a == c {
                let t1 = fb / fa;
                p = cb * t1;
                q = 1.0 - t1;
            } else {
                let qq = fa / fc;
                let t1 = fb / fc;
                let t2 = fb / fa;
                p = t2 * (cb * qq * (qq - t1) - (b - a) * (t1 - 1.0));
                q = (qq - 1.0) * (t1 - 1.0) * (t2 - 1.0);
            }
            if p > 0.0 {
                q = -q;
            } else {
                p = -p;
            }
            if p < 0.75 * cb * q - (tol_act * q).abs() / 2.0 && p < (prev_step * q / 2.0).abs() {
                new_step = p / q;
            }
        }
        if new_step.abs() < tol_act {
            new_step = if new_step > 0.0 { tol_act } else { -tol_act };
        }
        a = b;
        fa = fb;
        b += new_step;
        fb = f(b);
        if (fb > 0.0 && fc > 0.0) || (fb < 0.0 && fc < 0.0) {
            c = a;
            fc = fa;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_sqrt_two_within_tolerance() {
        let f = |x: f64| x * x - 2.0;
        let r = zeroin(f, 0.0, 2.0, f(0.0), f(2.0), 1e-12, 100).unwrap();
        assert!((r - 2f64.sqrt()).abs() < 1e-11);
    }
}
