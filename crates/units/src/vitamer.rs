//! Vitamin K vitamers and the other substances k2bone doses, with molar masses.
//!
//! Molar masses are computed from the molecular formulas (PubChem) with the IUPAC standard atomic
//! weights (C 12.011, H 1.008, O 15.999; Prohaska et al. 2022, Pure Appl Chem 94:573). Menaquinone-n
//! has n isoprene units on the 2-methyl-1,4-naphthoquinone ring: C(11+5n) H(8+8n) O2, so MK-4 is
//! C31H40O2 (444.7 g/mol, PubChem CID 5282367) and MK-7 is C46H64O2 (649.0 g/mol, CID 5287554).
//! These agree with the masses implied by Sato et al. 2012 (420 µg = 945 nmol MK-4, 647 nmol
//! MK-7; `k2_pharmacology.md` §1).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

const C: f64 = 12.011;
const H: f64 = 1.008;
const O: f64 = 15.999;

/// One form of vitamin K. Phylloquinone (K1) comes from plants; menaquinones (K2, MK-n) from
/// animal foods (MK-4) and bacterial fermentation (MK-5 … MK-10).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Vitamer {
    /// Phylloquinone, C31H46O2.
    K1,
    Mk4,
    Mk5,
    Mk6,
    Mk7,
    Mk8,
    Mk9,
    Mk10,
}

impl Vitamer {
    /// Every vitamer, K1 first.
    pub const ALL: [Vitamer; 8] = [
        Vitamer::K1,
        Vitamer::Mk4,
        Vitamer::Mk5,
        Vitamer::Mk6,
        Vitamer::Mk7,
        Vitamer::Mk8,
        Vitamer::Mk9,
        Vitamer::Mk10,
    ];

    /// The menaquinones (vitamin K2).
    pub const K2: [Vitamer; 7] = [
        Vitamer::Mk4,
        Vitamer::Mk5,
        Vitamer::Mk6,
        Vitamer::Mk7,
        Vitamer::Mk8,
        Vitamer::Mk9,
        Vitamer::Mk10,
    ];

    /// Number of isoprene units in the side chain (K1: 4, with one double bond; MK-n: n).
    pub fn isoprene_units(self) -> u32 {
        match self {
            Vitamer::K1 | Vitamer::Mk4 => 4,
            Vitamer::Mk5 => 5,
            Vitamer::Mk6 => 6,
            Vitamer::Mk7 => 7,
            Vitamer::Mk8 => 8,
            Vitamer::Mk9 => 9,
            Vitamer::Mk10 => 10,
        }
    }

    /// True for the menaquinones.
    pub fn is_k2(self) -> bool {
        self != Vitamer::K1
    }

    /// Molecular formula as (C, H, O) atom counts.
    pub fn formula(self) -> (u32, u32, u32) {
        match self {
            Vitamer::K1 => (31, 46, 2),
            mk => {
                let n = mk.isoprene_units();
                (11 + 5 * n, 8 + 8 * n, 2)
            }
        }
    }

    /// Molar mass in g/mol (= µg/µmol = ng/nmol).
    pub fn molar_mass_g_per_mol(self) -> f64 {
        let (c, h, o) = self.formula();
        f64::from(c) * C + f64::from(h) * H + f64::from(o) * O
    }

    /// Short key used in files and JSON: `k1`, `mk4` … `mk10`.
    pub fn key(self) -> &'static str {
        match self {
            Vitamer::K1 => "k1",
            Vitamer::Mk4 => "mk4",
            Vitamer::Mk5 => "mk5",
            Vitamer::Mk6 => "mk6",
            Vitamer::Mk7 => "mk7",
            Vitamer::Mk8 => "mk8",
            Vitamer::Mk9 => "mk9",
            Vitamer::Mk10 => "mk10",
        }
    }

    /// Display name: `K1`, `MK-4` … `MK-10`.
    pub fn label(self) -> &'static str {
        match self {
            Vitamer::K1 => "K1",
            Vitamer::Mk4 => "MK-4",
            Vitamer::Mk5 => "MK-5",
            Vitamer::Mk6 => "MK-6",
            Vitamer::Mk7 => "MK-7",
            Vitamer::Mk8 => "MK-8",
            Vitamer::Mk9 => "MK-9",
            Vitamer::Mk10 => "MK-10",
        }
    }
}

impl fmt::Display for Vitamer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

impl FromStr for Vitamer {
    type Err = String;
    /// Accepts `k1`, `K1`, `phylloquinone`, `mk4`, `MK-4`, `mk-7`, `menaquinone-7` …
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim().to_ascii_lowercase().replace(['-', '_', ' '], "");
        let v = match t.as_str() {
            "k1" | "phylloquinone" | "vitamink1" => Vitamer::K1,
            "mk4" | "menaquinone4" | "menatetrenone" => Vitamer::Mk4,
            "mk5" | "menaquinone5" => Vitamer::Mk5,
            "mk6" | "menaquinone6" => Vitamer::Mk6,
            "mk7" | "menaquinone7" => Vitamer::Mk7,
            "mk8" | "menaquinone8" => Vitamer::Mk8,
            "mk9" | "menaquinone9" => Vitamer::Mk9,
            "mk10" | "menaquinone10" => Vitamer::Mk10,
            _ => {
                return Err(format!(
                    "unknown vitamin K form '{s}'; expected one of k1, mk4, mk5, mk6, mk7, mk8, mk9, mk10"
                ))
            }
        };
        Ok(v)
    }
}

/// Molar mass of elemental calcium, g/mol: the IUPAC 2021 standard atomic weight.
pub const CALCIUM_G_PER_MOL: f64 = 40.078;

/// Anything k2bone doses by mass: a vitamin K vitamer, vitamin D3 or calcium.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
pub enum Substance {
    Vitamer(Vitamer),
    /// Cholecalciferol, C27H44O (PubChem CID 5280795).
    VitaminD3,
    /// Elemental calcium.
    Calcium,
}

impl Substance {
    /// Molar mass in g/mol.
    pub fn molar_mass_g_per_mol(self) -> f64 {
        match self {
            Substance::Vitamer(v) => v.molar_mass_g_per_mol(),
            Substance::VitaminD3 => 27.0 * C + 44.0 * H + O,
            Substance::Calcium => CALCIUM_G_PER_MOL,
        }
    }

    /// International units per µg, where the substance has an IU: vitamin D3 has 40 IU/µg
    /// (1 IU = 0.025 µg cholecalciferol; NIH Office of Dietary Supplements, Vitamin D fact
    /// sheet). Vitamin K and calcium have no IU.
    pub fn iu_per_ug(self) -> Option<f64> {
        match self {
            Substance::VitaminD3 => Some(40.0),
            _ => None,
        }
    }

    /// Display name.
    pub fn label(self) -> &'static str {
        match self {
            Substance::Vitamer(v) => v.label(),
            Substance::VitaminD3 => "vitamin D3",
            Substance::Calcium => "calcium",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn molar_masses_match_pubchem() {
        // PubChem computed molecular weights (2.2, PubChem release 2021.05.07).
        for (v, pubchem) in [
            (Vitamer::K1, 450.7),
            (Vitamer::Mk4, 444.6),
            (Vitamer::Mk7, 649.0),
            (Vitamer::Mk9, 785.2),
        ] {
            let m = v.molar_mass_g_per_mol();
            assert!((m - pubchem).abs() < 0.1, "{v}: {m} vs {pubchem}");
        }
        assert!((Substance::VitaminD3.molar_mass_g_per_mol() - 384.6).abs() < 0.1);
    }

    #[test]
    fn sato_2012_doses_in_nmol() {
        // Sato 2012: 420 µg MK-4 = 945 nmol, 420 µg MK-7 = 647 nmol.
        let mk4 = 420.0 / Vitamer::Mk4.molar_mass_g_per_mol() * 1000.0;
        let mk7 = 420.0 / Vitamer::Mk7.molar_mass_g_per_mol() * 1000.0;
        assert!((mk4 - 945.0).abs() < 1.0, "{mk4}");
        assert!((mk7 - 647.0).abs() < 1.0, "{mk7}");
    }

    #[test]
    fn vitamer_names_round_trip() {
        for v in Vitamer::ALL {
            assert_eq!(v.key().parse::<Vitamer>().unwrap(), v);
            assert_eq!(v.label().parse::<Vitamer>().unwrap(), v);
        }
        assert!("mk11".parse::<Vitamer>().unwrap_err().contains("mk10"));
    }
}
