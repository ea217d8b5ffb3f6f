//! The number type the right-hand side is written in, so one function gives both values
//! (`f64`) and exact Jacobian-vector products (forward-mode dual numbers, `num_dual::Dual64`).

use num_dual::{DualNum, DualStruct};

/// `f64` or a forward-mode dual number over `f64`.
pub trait Scalar: DualNum<Primitive = f64> + DualStruct<Real = f64> + Copy {}

impl<T: DualNum<Primitive = f64> + DualStruct<Real = f64> + Copy> Scalar for T {}

/// Hill function `x^g / (x^g + ec50^g)`, with `ec50_g = ec50^g` precomputed by the caller.
#[inline]
pub fn hill<T: Scalar>(x: T, ec50_g: f64, g: f64) -> T {
    let xg = x.powf(g);
    xg / (xg + ec50_g)
}

/// `max(0, x)`, the source's non-smooth clamp (spec §8 quirk 1).
#[inline]
pub fn clamp0<T: Scalar>(x: T) -> T {
    if x.re() > 0.0 {
        x
    } else {
        T::from(0.0)
    }
}

/// A constant in the scalar type.
#[inline]
pub fn c<T: Scalar>(x: f64) -> T {
    T::from(x)
}
