//! The closed sets of choices of a meta-analysis, with metafor's names: the effect-size
//! measure (`escalc(measure=)`), the τ² estimator (`rma(method=)`) and the inference test
//! (`rma(test=)`). Each parses from its metafor label (case-insensitive) and prints back as it.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::EvidenceError;

macro_rules! labelled_enum {
    ($(#[$doc:meta])* $name:ident, $what:literal, { $($(#[$vdoc:meta])* $variant:ident => $label:literal $(| $alias:literal)*),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
        pub enum $name {
            $($(#[$vdoc])* #[serde(rename = $label)] $variant),+
        }

        impl $name {
            /// Every variant, in documentation order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The metafor label.
            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }
        }

        #[cfg(feature = "clap")]
        impl clap::ValueEnum for $name {
            fn value_variants<'a>() -> &'a [Self] {
                $name::ALL
            }

            fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
                Some(match self {
                    $($name::$variant => clap::builder::PossibleValue::new($label)$(.alias($alias))*),+
                })
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.label())
            }
        }

        impl FromStr for $name {
            type Err = EvidenceError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                let up = s.trim().to_ascii_uppercase();
                $(
                    if up == $label.to_ascii_uppercase() $(|| up == $alias.to_ascii_uppercase())* {
                        return Ok($name::$variant);
                    }
                )+
                Err(EvidenceError::UnknownOption {
                    what: $what.to_string(),
                    value: s.to_string(),
                    available: [$($label),+].join(", "),
                })
            }
        }
    };
}

labelled_enum!(
    /// Effect-size measure, as metafor's `escalc(measure=...)`.
    Measure, "measure", {
        /// Raw mean difference `m1i - m2i`.
        MD => "MD",
        /// Standardised mean difference (Hedges' g, exact bias correction, large-sample variance).
        SMD => "SMD",
        /// Log odds ratio.
        OR => "OR",
        /// Log risk ratio.
        RR => "RR",
        /// Risk difference.
        RD => "RD",
        /// Precomputed `yi`, `vi` (generic outcome).
        GEN => "GEN",
    }
);

impl Measure {
    /// True for measures analysed on the log scale and reported back-transformed (OR, RR).
    pub fn is_ratio(self) -> bool {
        matches!(self, Measure::OR | Measure::RR)
    }
}

labelled_enum!(
    /// Heterogeneity (τ²) estimator, as metafor's `rma(method=...)`.
    Tau2Method, "method", {
        /// Fixed effect / equal effects (inverse variance, τ² = 0); metafor "FE" or "EE".
        FE => "FE" | "EE",
        /// DerSimonian–Laird.
        DL => "DL",
        /// Restricted maximum likelihood (Fisher scoring).
        REML => "REML",
        /// Maximum likelihood (Fisher scoring).
        ML => "ML",
        /// Paule–Mandel.
        PM => "PM",
        /// Hedges (Hedges–Olkin, variance-component).
        HE => "HE",
        /// Sidik–Jonkman.
        SJ => "SJ",
        /// Empirical Bayes (Morris).
        EB => "EB",
    }
);

impl Tau2Method {
    /// True for the fixed-effect model (no τ²).
    pub fn is_fixed(self) -> bool {
        self == Tau2Method::FE
    }
}

labelled_enum!(
    /// Inference for the model coefficients, as metafor's `rma(test=...)`.
    Test, "test", {
        /// Wald z tests and normal-based CIs.
        Z => "z",
        /// Knapp–Hartung: scaled variances, t with k − p df, F for QM.
        Knha => "knha" | "HKSJ",
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_round_trip_and_errors_list_choices() {
        for m in Tau2Method::ALL {
            assert_eq!(m.label().parse::<Tau2Method>().unwrap(), *m);
        }
        assert_eq!("ee".parse::<Tau2Method>().unwrap(), Tau2Method::FE);
        assert_eq!("KNHA".parse::<Test>().unwrap(), Test::Knha);
        let err = "XYZ".parse::<Measure>().unwrap_err().to_string();
        assert!(err.contains("MD, SMD, OR, RR, RD, GEN"), "{err}");
    }
}
