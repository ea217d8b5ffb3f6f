//! The number type the right-hand side is written in, so one function gives values (`f64`),
//! exact Jacobian-vector products (forward-mode dual numbers, `num_dual::Dual64`) and, in
//! `k2bone-sbml`, the expression graph that the SBML export writes.
//!
//! A branch on a value (`if x.re() > a`) is invisible to a tracer, which follows one side only;
//! write every such branch with [`Scalar::select_gt`] or [`Scalar::select_ge`], and build
//! time-dependent terms from [`Scalar::time`], so that a tracer records both sides and the
//! time dependence. The SBML exporter refuses a right-hand side that reads a value directly.

use num_dual::{Dual, Dual2, Dual3, DualNum, DualStruct, HyperDual, HyperHyperDual};

/// `f64` or a forward-mode dual number over `f64` (or the SBML exporter's tracer).
pub trait Scalar: DualNum<Primitive = f64> + DualStruct<Real = f64> + Copy {
    /// `above()` where `self > threshold`, else `below()`.
    #[inline]
    fn select_gt(
        self,
        threshold: f64,
        above: impl FnOnce() -> Self,
        below: impl FnOnce() -> Self,
    ) -> Self {
        if self.re() > threshold {
            above()
        } else {
            below()
        }
    }

    /// `above()` where `self >= threshold`, else `below()`.
    #[inline]
    fn select_ge(
        self,
        threshold: f64,
        above: impl FnOnce() -> Self,
        below: impl FnOnce() -> Self,
    ) -> Self {
        if self.re() >= threshold {
            above()
        } else {
            below()
        }
    }

    /// Model time `t_h` (hours) as a scalar: a constant for numbers, the time variable for a
    /// tracer.
    #[inline]
    fn time(t_h: f64) -> Self {
        Self::from(t_h)
    }
}

impl Scalar for f64 {}

macro_rules! dual_scalar {
    ($($ty:ident),*) => {$(
        impl<T: Scalar> Scalar for $ty<T> where
            $ty<T>: DualNum<Primitive = f64> + DualStruct<Real = f64> + Copy
        {
        }
    )*};
}
dual_scalar!(Dual, Dual2, Dual3, HyperDual, HyperHyperDual);

/// Hill function `x^g / (x^g + ec50_g)`, with `ec50_g = ec50^g` precomputed by the caller.
#[inline]
pub fn hill<T: Scalar>(x: T, ec50_g: f64, g: f64) -> T {
    let xg = x.powf(g);
    xg / (xg + ec50_g)
}

/// `max(0, x)`, the source's non-smooth clamp (spec §8 quirk 1).
#[inline]
pub fn clamp0<T: Scalar>(x: T) -> T {
    x.select_gt(0.0, || x, || T::from(0.0))
}

/// A constant in the scalar type.
#[inline]
pub fn c<T: Scalar>(x: f64) -> T {
    T::from(x)
}
