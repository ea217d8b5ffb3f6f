//! Parameters of the Peterson–Riggs / OpenBoneMin model, one struct per spec section.
//!
//! Names are the source names (spec §4), the link to the papers and to BioModels
//! BIOMD0000000613; each carries its unit in its doc string. The shipped values are
//! `data/model/calcium-bone-params.toml` (OpenBoneMin `inst/OpenBoneMin.cpp`, Peterson & Riggs,
//! Bone 2010;46:49–63 and CPT:PSP 2012;1:e14), embedded at compile time, so
//! [`Params::default`] needs no file. [`Params::from_toml_str`] reads a user's file with the
//! same layout; unknown keys, missing keys and negative values are errors that name the key.

use serde::{Deserialize, Serialize};

/// Declares a parameter section: a struct of `f64` fields named as in the spec, each with its
/// unit, plus name-based access used for validation, overrides and population variability.
macro_rules! param_section {
    ($(#[$m:meta])* $name:ident { $($field:ident : $unit:literal),* $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
        #[serde(deny_unknown_fields)]
        #[allow(non_snake_case)]
        pub struct $name {
            $(#[doc = $unit] pub $field: f64,)*
        }

        impl $name {
            /// `(name, unit, value)` of every parameter in this section.
            pub fn entries(&self) -> Vec<(&'static str, &'static str, f64)> {
                vec![$((stringify!($field), $unit, self.$field)),*]
            }

            /// Mutable access by name; `None` if the name is not in this section.
            pub fn get_mut(&mut self, name: &str) -> Option<&mut f64> {
                match name {
                    $(stringify!($field) => Some(&mut self.$field),)*
                    _ => None,
                }
            }
        }
    };
}

param_section!(
    /// Calcium: bone exchange, kidney, gut (spec §4.1).
    CalciumParams {
        V1: "L, ECF/plasma distribution volume",
        CaDay: "mmol/day, baseline plasma <-> exchangeable bone Ca flux",
        FracJ14: "-, osteoclast-dependent fraction of bone -> plasma Ca flux",
        J14OCmax: "-, Emax of osteoclast effect on bone Ca release",
        J14OCgam: "-, Hill coefficient of that effect",
        FracJ15: "-, HAp-dependent fraction of plasma -> bone Ca flux",
        MOCratioGam: "-, exponent of RANK-RANKL per osteoclast on Ca release",
        k14a: "1/h, Qbone -> Q rate constant",
        HApMRT: "h, mean residence time of HAp",
        T16: "-, Emax ratio of PTH on active renal Ca reabsorption",
        Reabs50: "mM, Ca for half-maximal active reabsorption",
        T7: "-, max calcitriol effect in renal Ca excretion factor",
        T9: "pM, calcitriol EC50 for the renal factor",
        maxTmESTkid: "-, estrogen effect on max renal Ca reabsorption",
        OralCa: "mmol/h, oral calcium intake",
        T28: "mmol/h, max of the calcitriol-dependent absorption term T31",
        T310: "mmol/h, baseline T31 (back-solves T29)",
        T81: "-, half-saturation constant in gut absorption",
        T87: "1/h, passive gut Ca absorption rate",
        T77: "-, max fraction of oral Ca entering the gut pool",
        T80: "-, Hill coefficient of R in T85",
        T33: "1/h, min rate of R turnover",
        T34: "1/h, max rate of R turnover",
        T35: "pM, calcitriol EC50 for R turnover",
        CaPOgam: "-, Hill coefficient of calcitriol on R",
    }
);

param_section!(
    /// Phosphate (spec §4.2).
    PhosphateParams {
        OralPhos: "mmol/h, oral phosphate intake",
        F12: "-, oral phosphate bioavailability",
        T46: "mM, renal phosphate threshold",
        T52: "1/h, gut phosphate absorption rate constant",
        T49: "L/h, ECF -> intracellular phosphate clearance",
        T55: "1/h, intracellular -> ECF phosphate rate constant",
        PhosEff0: "-, phosphate effect on 1-alpha-hydroxylase at zero phosphate",
        PhosEff50: "mM, phosphate EC50 for that effect",
        PhosEffGam: "-, Hill coefficient of that effect",
        PO4inhPTHgam: "-, exponent of phosphate inhibition of PTH on 1-alpha-OHase (0 = off)",
    }
);

param_section!(
    /// PTH, parathyroid gland and calcitriol (spec §4.3).
    PthVitdParams {
        kout: "1/h, PTH elimination",
        T58: "pmol/h, max PTH secretion (low Ca)",
        T59: "-, Hill coefficient of Ca on PTH secretion",
        T61: "pmol/h, min PTH secretion (high Ca)",
        T70: "1/h, gland pool S rate constant",
        T71: "1/pM, slope of the calcitriol-vs-threshold tanh switch",
        ScaEffGam: "-, exponent of Ca on the gland threshold",
        PTout: "1/h, gland capacity PTmax turnover",
        CtriolMax: "-, max calcitriol effect on gland capacity input",
        CtriolMin: "-, min calcitriol effect on gland capacity input",
        CtriolPTgam: "-, Hill coefficient of that effect",
        T64: "1/h, 1-alpha-hydroxylase turnover",
        T65: "pmol/h^2, max 1-alpha-hydroxylase synthesis",
        T67: "pM, PTH EC50 on 1-alpha-hydroxylase synthesis",
        AlphOHgam: "-, Hill coefficient of PTH on 1-alpha-hydroxylase",
        T69: "1/h, calcitriol elimination",
        IPTHint: "pmol/h, declared but unused in OpenBoneMin",
        IPTHinf: "pmol/h, declared but unused in OpenBoneMin",
    }
);

param_section!(
    /// Bone cells, TGF-beta, RANK/RANKL/OPG, osteoblast intracellular signalling (spec §4.4).
    BoneParams {
        OBtot0: "pM, baseline total active osteoblasts",
        FracOBfast: "-, baseline fraction of osteoblasts in the fast pool",
        kb: "1/h, baseline osteoblast elimination",
        Frackb: "-, slow pool's share of kbprime",
        Pic0: "pM, baseline active TGF-beta",
        Da: "1/h, osteoclast apoptosis/turnover",
        kO: "1/h, OPG elimination",
        opgPTH50: "pM, PTH constant in OPG production",
        k1: "1/(pM h), OPG-RANKL association",
        k2: "1/h, OPG-RANKL dissociation",
        k3: "1/(pM h), RANK-RANKL association",
        k4: "1/h, RANK-RANKL dissociation",
        koutL: "1/h, RANKL elimination",
        koutRNK: "1/h, RANK elimination",
        kinRNKgam: "-, exponent of active TGF-beta on RANK production",
        EmaxLpth: "-, Emax of PTH on RANKL production",
        OsteoEffectGam: "-, exponent of osteoblasts on RANKL production",
        E0RANKL: "-, osteoclast elimination multiplier at zero RANK-RANKL",
        EmaxL: "-, osteoclast elimination multiplier at saturating RANK-RANKL",
        LsurvOCgam: "-, Hill coefficient of RANK-RANKL on osteoclast survival",
        LsurvOCCgam: "-, declared but unused",
        E0Meff: "-, osteoclast production multiplier at zero RANK-RANKL",
        EmaxMeffOC: "-, Emax of RANK-RANKL on osteoclast production",
        kinOCgam: "-, Hill coefficient of RANK-RANKL on osteoclast production",
        koutTGF0: "1/h, baseline latent TGF-beta activation",
        koutTGFGam: "-, self-exponent of latent TGF-beta on its release",
        OCtgfGAM: "-, exponent of osteoclasts on latent TGF-beta release",
        OBtgfGAM: "-, exponent of osteoblasts on latent TGF-beta deposition",
        EmaxPicROB: "-, TGF-beta -> pre-osteoblast production, Emax",
        PicROBgam: "-, TGF-beta -> pre-osteoblast production, Hill coefficient",
        FracPicROB: "-, TGF-beta -> pre-osteoblast production, baseline fraction",
        EmaxPicOB: "-, TGF-beta -> pre-osteoblast differentiation, Emax",
        PicOBgam: "-, TGF-beta -> pre-osteoblast differentiation, Hill coefficient",
        FracPicOB: "-, TGF-beta -> pre-osteoblast differentiation, baseline fraction",
        EmaxPicOC: "-, TGF-beta -> osteoclast apoptosis, Emax",
        PicOCgam: "-, TGF-beta -> osteoclast apoptosis, Hill coefficient",
        FracPicOC: "-, TGF-beta -> osteoclast apoptosis, baseline fraction",
        MultPicOBkb: "-, TGF-beta -> osteoblast apoptosis, multiplier",
        FracPic0kb: "-, TGF-beta -> osteoblast apoptosis, baseline fraction",
        PicOBgamkb: "-, TGF-beta -> osteoblast apoptosis, Hill coefficient",
        E0RUNX2kbEffFACT: "-, max osteoblast elimination multiplier (no RUNX2 protection)",
        RUNkbMaxFact: "-, max RUNX2 protection (fraction of the above)",
        RUNkbGAM: "-, Hill coefficient of RUNX2 on osteoblast survival",
        RUNX20: "-, baseline RUNX2 signal",
        RX2Kout0: "1/h, baseline RUNX2 elimination",
        E0rx2Kout: "1/h, RUNX2 elimination at zero PTH",
        EmaxPTHRX2x: "1/h, Emax of PTH on RUNX2 elimination",
        E0crebKin: "-, CREB production multiplier at zero PTH",
        EmaxPTHcreb: "-, Emax of PTH on CREB production",
        crebKout: "1/h, CREB elimination",
        bcl2Kout: "1/h, Bcl-2 elimination",
    }
);

param_section!(
    /// Estrogen, age and GFR decline, inactive by default (spec §4.5).
    ModifierParams {
        ESTON: "-, 1 switches estrogen dynamics on",
        koutEST: "1/h, estrogen turnover",
        menoDUR: "h, duration of the menopausal transition",
        ageGAM: "-, exponent of age on estrogen production (negative)",
        age50: "-, max fractional loss of estrogen production at menopause",
        ageENTER: "h, age at simulation start",
        ageDONE: "h, age at the end of the menopausal transition",
        tgfbGAM: "-, estrogen exponent on latent TGF-beta production",
        tgfbactGAM: "-, estrogen exponent on TGF-beta activation",
        robGAM: "-, estrogen exponent on pre-osteoblast production",
        E2scalePicB1: "-, estrogen exponent on osteoblast apoptosis",
        obGAM: "-, declared but unused",
        GFRtau: "years, time over which GFR declines",
        GFRdelta: "mL/min, total GFR decline (0 = off)",
    }
);

param_section!(
    /// BMD sub-model, Peterson & Riggs 2012 (spec §4.6).
    BmdParams {
        koutBMDls: "1/h, lumbar-spine BMD turnover (generic calibration)",
        koutBMDlsDEN: "1/h, lumbar-spine BMD turnover (denosumab calibration)",
        koutBMDfnBAS: "1/h, femoral-neck BMD turnover",
        gamOB: "-, exponent of the osteoblast ratio on BMD formation",
        gamOCls: "-, exponent of the osteoclast ratio on lumbar-spine resorption",
        gamOClsDEN: "-, same, denosumab calibration",
        gamOCfnBAS: "-, same, femoral neck",
    }
);

param_section!(
    /// Teriparatide PK (spec §4.7).
    TeriparatideParams {
        TERICL: "L/h, absorption numerator (k = TERICL/TERIVC)",
        TERIVC: "L, teriparatide volume",
        TERIKA: "1/h, elimination of the dead-end TERICENT state",
        TERIVD: "-, declared but unused",
        TERIF: "-, SC bioavailability",
        MW_g_per_mol: "g/mol, molar mass used for dose conversion",
    }
);

param_section!(
    /// Denosumab PK/PD (spec §4.7).
    DenosumabParams {
        DENKA: "1/h, SC absorption",
        DENF: "-, SC bioavailability",
        DENVC: "mL, central volume",
        DENVP: "mL, peripheral volume",
        DENCL: "mL/h, linear clearance",
        DENQ: "mL/h, inter-compartmental clearance",
        DENVMAX: "ng/h, Michaelis-Menten max elimination",
        DENKM: "ng/mL, Michaelis-Menten constant",
        kdenosl: "1/(pM h), denosumab-RANKL second-order removal",
        MW_g_per_mol: "g/mol, molar mass (DENMOL pM = DENCP ng/mL / MW * 1e6)",
    }
);

param_section!(
    /// Generic PK block of OpenBoneMin: feeds nothing and is not wired (spec §2).
    GenericPkParams {
        PKKA: "1/h", PKVC: "L", PKQ1: "L/h", PKQ2: "L/h", PKVP1: "L", PKVP2: "L",
        PKCL: "L/h", PKVMAX: "amount/h", PKKM: "concentration",
    }
);

param_section!(
    /// Declared in the source, referenced by no equation (spec §4.8); kept for traceability.
    UnusedParams { T43: "-", T45: "-", T84: "-", ETHN: "-", BMI: "kg/m^2" }
);

/// Every parameter of the core model, grouped as in the spec.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Params {
    pub calcium: CalciumParams,
    pub phosphate: PhosphateParams,
    pub pth_vitd: PthVitdParams,
    pub bone: BoneParams,
    pub modifiers: ModifierParams,
    pub bmd: BmdParams,
    pub teriparatide: TeriparatideParams,
    pub denosumab: DenosumabParams,
    #[serde(default)]
    pub generic_pk: Option<GenericPkParams>,
    #[serde(default)]
    pub unused: Option<UnusedParams>,
}

/// Parameters that may be negative (exponents of a decline); every other one must be >= 0.
const MAY_BE_NEGATIVE: &[&str] = &["ageGAM"];

impl Params {
    /// `(section, name, unit, value)` of every wired parameter.
    pub fn entries(&self) -> Vec<(&'static str, &'static str, &'static str, f64)> {
        let mut out = Vec::new();
        let mut push = |section: &'static str, e: Vec<(&'static str, &'static str, f64)>| {
            out.extend(e.into_iter().map(|(n, u, v)| (section, n, u, v)));
        };
        push("calcium", self.calcium.entries());
        push("phosphate", self.phosphate.entries());
        push("pth_vitd", self.pth_vitd.entries());
        push("bone", self.bone.entries());
        push("modifiers", self.modifiers.entries());
        push("bmd", self.bmd.entries());
        push("teriparatide", self.teriparatide.entries());
        push("denosumab", self.denosumab.entries());
        out
    }

    /// Sets a parameter by its spec name (e.g. `"kb"` or `"denosumab.DENKA"`), checking it.
    pub fn set(&mut self, name: &str, value: f64) -> Result<(), crate::ModelError> {
        let (section, key) = match name.split_once('.') {
            Some((s, k)) => (Some(s), k),
            None => (None, name),
        };
        let slot = [
            ("calcium", self.calcium.get_mut(key)),
            ("phosphate", self.phosphate.get_mut(key)),
            ("pth_vitd", self.pth_vitd.get_mut(key)),
            ("bone", self.bone.get_mut(key)),
            ("modifiers", self.modifiers.get_mut(key)),
            ("bmd", self.bmd.get_mut(key)),
            ("teriparatide", self.teriparatide.get_mut(key)),
            ("denosumab", self.denosumab.get_mut(key)),
        ]
        .into_iter()
        .filter(|(s, slot)| slot.is_some() && section.is_none_or(|want| want == *s))
        .map(|(_, slot)| slot)
        .next()
        .flatten();
        match slot {
            Some(slot) => {
                check_value(key, value)?;
                *slot = value;
                Ok(())
            }
            None => Err(crate::ModelError::UnknownParameter {
                name: name.to_string(),
            }),
        }
    }

    /// Checks every value: finite, and non-negative unless it is an exponent of decline.
    pub fn validate(&self) -> Result<(), crate::ModelError> {
        for (_, name, _, value) in self.entries() {
            check_value(name, value)?;
        }
        Ok(())
    }
}

fn check_value(name: &str, value: f64) -> Result<(), crate::ModelError> {
    let ok = value.is_finite() && (value >= 0.0 || MAY_BE_NEGATIVE.contains(&name));
    if ok {
        Ok(())
    } else {
        Err(crate::ModelError::BadValue {
            name: name.to_string(),
            value,
            accepted: if MAY_BE_NEGATIVE.contains(&name) {
                "a finite number".into()
            } else {
                "a finite number >= 0".into()
            },
        })
    }
}
