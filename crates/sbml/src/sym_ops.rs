//! The arithmetic of [`Sym`]: the traits `num_dual::DualNum` asks for, each recording a node.
//! Anything that needs a value (comparisons, `is_zero`, `signum`, …) is a [`Sym::read`].

use std::cmp::Ordering;
use std::fmt;
use std::iter::{Product, Sum};
use std::ops::{
    Add, AddAssign, Div, DivAssign, Mul, MulAssign, Neg, Rem, RemAssign, Sub, SubAssign,
};

use num_dual::{DualNum, DualStruct, Mappable};
use num_traits::{FromPrimitive, Inv, Num, One, Signed, Zero};

use crate::trace::{Func, Node, Sym};

macro_rules! binop {
    ($Tr:ident, $m:ident, $TrA:ident, $ma:ident, $node:ident, $op:tt) => {
        impl $Tr for Sym {
            type Output = Sym;
            fn $m(self, rhs: Sym) -> Sym {
                Sym::binary(Node::$node, self, rhs, self.re $op rhs.re)
            }
        }
        impl<'r> $Tr<&'r Sym> for Sym {
            type Output = Sym;
            fn $m(self, rhs: &'r Sym) -> Sym {
                self.$m(*rhs)
            }
        }
        impl $Tr<f64> for Sym {
            type Output = Sym;
            fn $m(self, rhs: f64) -> Sym {
                self.$m(Sym::constant(rhs))
            }
        }
        impl $TrA for Sym {
            fn $ma(&mut self, rhs: Sym) {
                *self = (*self).$m(rhs);
            }
        }
        impl $TrA<f64> for Sym {
            fn $ma(&mut self, rhs: f64) {
                *self = (*self).$m(rhs);
            }
        }
    };
}
binop!(Add, add, AddAssign, add_assign, Add, +);
binop!(Sub, sub, SubAssign, sub_assign, Sub, -);
binop!(Mul, mul, MulAssign, mul_assign, Mul, *);
binop!(Div, div, DivAssign, div_assign, Div, /);

impl Rem for Sym {
    type Output = Sym;
    fn rem(self, rhs: Sym) -> Sym {
        Sym::unsupported("% (remainder)", self, self.re % rhs.re)
    }
}
impl<'r> Rem<&'r Sym> for Sym {
    type Output = Sym;
    fn rem(self, rhs: &'r Sym) -> Sym {
        self % *rhs
    }
}
impl Rem<f64> for Sym {
    type Output = Sym;
    fn rem(self, rhs: f64) -> Sym {
        Sym::unsupported("% (remainder)", self, self.re % rhs)
    }
}
impl RemAssign for Sym {
    fn rem_assign(&mut self, rhs: Sym) {
        *self = *self % rhs;
    }
}
impl RemAssign<f64> for Sym {
    fn rem_assign(&mut self, rhs: f64) {
        *self = *self % rhs;
    }
}

impl Neg for Sym {
    type Output = Sym;
    fn neg(self) -> Sym {
        Sym::unary(Node::Neg, self, -self.re)
    }
}

impl Inv for Sym {
    type Output = Sym;
    fn inv(self) -> Sym {
        self.recip()
    }
}

impl Zero for Sym {
    fn zero() -> Sym {
        Sym::constant(0.0)
    }
    fn is_zero(&self) -> bool {
        self.read("is_zero") == 0.0
    }
}

impl One for Sym {
    fn one() -> Sym {
        Sym::constant(1.0)
    }
}

impl Num for Sym {
    type FromStrRadixErr = <f64 as Num>::FromStrRadixErr;
    fn from_str_radix(s: &str, radix: u32) -> Result<Sym, Self::FromStrRadixErr> {
        f64::from_str_radix(s, radix).map(Sym::constant)
    }
}

impl Signed for Sym {
    fn abs(&self) -> Sym {
        Sym::func(Func::Abs, *self, self.re.abs())
    }
    fn abs_sub(&self, other: &Sym) -> Sym {
        Sym::unsupported("abs_sub", *self, (self.re - other.re).max(0.0))
    }
    fn signum(&self) -> Sym {
        Sym::constant(self.read("signum").signum())
    }
    fn is_positive(&self) -> bool {
        self.read("is_positive") > 0.0
    }
    fn is_negative(&self) -> bool {
        self.read("is_negative") < 0.0
    }
}

impl Sum for Sym {
    fn sum<I: Iterator<Item = Sym>>(mut iter: I) -> Sym {
        match iter.next() {
            Some(first) => iter.fold(first, |a, b| a + b),
            None => Sym::zero(),
        }
    }
}

impl Product for Sym {
    fn product<I: Iterator<Item = Sym>>(mut iter: I) -> Sym {
        match iter.next() {
            Some(first) => iter.fold(first, |a, b| a * b),
            None => Sym::one(),
        }
    }
}

impl FromPrimitive for Sym {
    fn from_i64(n: i64) -> Option<Sym> {
        Some(Sym::constant(n as f64))
    }
    fn from_u64(n: u64) -> Option<Sym> {
        Some(Sym::constant(n as f64))
    }
    fn from_f64(n: f64) -> Option<Sym> {
        Some(Sym::constant(n))
    }
}

impl From<f64> for Sym {
    fn from(x: f64) -> Sym {
        Sym::constant(x)
    }
}

impl DualStruct for Sym {
    type Real = f64;
    type Inner = f64;
    fn re(&self) -> f64 {
        self.read("re()")
    }
    fn from_inner(inner: &f64) -> Sym {
        Sym::constant(*inner)
    }
}

impl Mappable<Sym> for Sym {
    type Output<O> = O;
    fn map_dual<M: Fn(Sym) -> O, O>(self, f: M) -> O {
        f(self)
    }
}

impl fmt::Display for Sym {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "sym#{}({})", self.id, self.re)
    }
}

impl PartialEq for Sym {
    fn eq(&self, other: &Sym) -> bool {
        self.read("==") == other.read("==")
    }
}
impl PartialOrd for Sym {
    fn partial_cmp(&self, other: &Sym) -> Option<Ordering> {
        self.read("comparison")
            .partial_cmp(&other.read("comparison"))
    }
}
impl PartialEq<f64> for Sym {
    fn eq(&self, other: &f64) -> bool {
        self.read("==") == *other
    }
}
impl PartialOrd<f64> for Sym {
    fn partial_cmp(&self, other: &f64) -> Option<Ordering> {
        self.read("comparison").partial_cmp(other)
    }
}

macro_rules! funcs {
    ($($m:ident => $f:ident),* $(,)?) => {$(
        fn $m(&self) -> Sym {
            Sym::func(Func::$f, *self, self.re.$m())
        }
    )*};
}
macro_rules! unsupported {
    ($($m:ident),* $(,)?) => {$(
        fn $m(&self) -> Sym {
            Sym::unsupported(stringify!($m), *self, f64::NAN)
        }
    )*};
}

impl DualNum for Sym {
    type Primitive = f64;
    const NDERIV: usize = 0;
    type InnerDual = f64;

    fn from_re(re: f64) -> Sym {
        Sym::constant(re)
    }
    fn scale(self, factor: &f64) -> Sym {
        self * *factor
    }
    fn recip(&self) -> Sym {
        Sym::constant(1.0) / *self
    }
    fn powi(&self, n: i32) -> Sym {
        Sym::unary(|a| Node::Powi(a, n), *self, self.re.powi(n))
    }
    fn powf(&self, n: f64) -> Sym {
        Sym::binary(Node::Pow, *self, Sym::constant(n), self.re.powf(n))
    }
    fn powd(&self, exp: Sym) -> Sym {
        Sym::binary(Node::Pow, *self, exp, self.re.powf(exp.re))
    }
    fn exp2(&self) -> Sym {
        Sym::binary(Node::Pow, Sym::constant(2.0), *self, self.re.exp2())
    }
    fn exp_m1(&self) -> Sym {
        self.exp() - 1.0
    }
    fn ln_1p(&self) -> Sym {
        (*self + 1.0).ln()
    }
    fn log(&self, base: f64) -> Sym {
        self.ln() / Sym::constant(base).ln()
    }
    fn sin_cos(&self) -> (Sym, Sym) {
        (self.sin(), self.cos())
    }
    fn atan2(&self, other: Sym) -> Sym {
        Sym::unsupported("atan2", *self, self.re.atan2(other.re))
    }
    fn mul_add(&self, a: Sym, b: Sym) -> Sym {
        *self * a + b
    }
    funcs!(
        sqrt => Sqrt, cbrt => Cbrt, exp => Exp, ln => Ln, log2 => Log2, log10 => Log10,
        sin => Sin, cos => Cos, tan => Tan, asin => Asin, acos => Acos, atan => Atan,
        sinh => Sinh, cosh => Cosh, tanh => Tanh, asinh => Asinh, acosh => Acosh, atanh => Atanh,
    );
    unsupported!(sph_j0, sph_j1, sph_j2);
}
