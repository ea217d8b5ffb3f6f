//! The state vector of the calcium–bone model: one table lists every state once.
//!
//! Indices, CSV column names and (later) SBML species ids all come from [`STATES`]. Names and
//! units follow spec §3. The four states of OpenBoneMin's generic PK block (`PKGUT`, `PKCENT`,
//! `PKPER1`, `PKPER2`) feed nothing and are left out (spec §2), so the core has 39 states.

/// Declares the state enum and its table in one place.
macro_rules! states {
    ($($id:ident : $unit:literal, $meaning:literal;)*) => {
        /// Index of a state in the core state vector.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[allow(clippy::upper_case_acronyms)]
        #[repr(usize)]
        pub enum StateId { $($id,)* }

        /// Name, unit and meaning of every state, in vector order.
        pub const STATES: &[StateInfo] = &[
            $(StateInfo { id: StateId::$id, name: stringify!($id), unit: $unit, meaning: $meaning },)*
        ];
    };
}

/// What the table says about one state.
#[derive(Debug, Clone, Copy)]
pub struct StateInfo {
    pub id: StateId,
    /// The spec's name, used as CSV header and SBML id.
    pub name: &'static str,
    pub unit: &'static str,
    pub meaning: &'static str,
}

states! {
    PTH: "pmol", "circulating PTH amount (plasma)";
    S: "-", "parathyroid gland secretory pool";
    PTmax: "-", "parathyroid gland maximal capacity";
    B: "pmol", "circulating calcitriol amount";
    AOH: "pmol/h", "renal 1-alpha-hydroxylase activity";
    P: "mmol", "extracellular (plasma) calcium amount";
    ECCPhos: "mmol", "extracellular phosphate amount";
    T: "mmol", "gut calcium pool awaiting absorption";
    R: "-", "calcitriol-dependent gut Ca absorption capacity";
    HAp: "-", "hydroxyapatite (relative)";
    PhosGut: "mmol", "gut phosphate pool";
    IntraPO: "mmol", "intracellular phosphate";
    OC: "pM", "active osteoclasts";
    ROB1: "pM", "responding (pre-)osteoblasts";
    L: "pM", "free RANKL";
    RNK: "pM", "free RANK";
    O: "pM", "free OPG";
    Q: "mmol", "immediately exchangeable bone calcium";
    Qbone: "mmol", "non-immediately exchangeable bone calcium";
    RX2: "-", "RUNX2 (osteoblast intracellular)";
    CREB: "-", "CREB (osteoblast intracellular)";
    BCL2: "-", "Bcl-2 (osteoblast intracellular)";
    TERISC: "pmol", "teriparatide subcutaneous depot";
    TERICENT: "pmol", "teriparatide central bookkeeping (dead end)";
    DENSC: "ng", "denosumab subcutaneous depot";
    DENCENT: "ng", "denosumab central";
    DENPER: "ng", "denosumab peripheral";
    UCA: "mmol", "cumulative urinary calcium";
    TGFB: "pM-eq", "latent TGF-beta (bone matrix)";
    TGFBact: "pM", "active TGF-beta";
    OBfast: "pM", "active osteoblasts, fast-apoptosis pool";
    OBslow: "pM", "active osteoblasts, slow-apoptosis pool";
    M: "pM", "RANK-RANKL complex";
    N: "pM", "OPG-RANKL complex";
    EST: "-", "estrogen relative to premenopausal";
    BMDls: "-", "lumbar-spine BMD relative to baseline (generic calibration)";
    BMDlsDEN: "-", "lumbar-spine BMD relative to baseline (denosumab calibration)";
    BMDfn: "-", "femoral-neck BMD relative to baseline";
    GFR: "L/h", "glomerular filtration rate";
}

/// Number of states of the core model.
pub const N_CORE: usize = STATES.len();

/// OpenBoneMin states that exist in the parameter file but are not part of k2bone's core.
pub const DROPPED_STATES: &[&str] = &["PKGUT", "PKCENT", "PKPER1", "PKPER2"];

impl StateId {
    /// Position in the state vector.
    pub const fn idx(self) -> usize {
        self as usize
    }

    /// The spec's name.
    pub fn name(self) -> &'static str {
        STATES[self.idx()].name
    }

    /// Looks a state up by its spec name.
    pub fn from_name(name: &str) -> Option<StateId> {
        STATES.iter().find(|s| s.name == name).map(|s| s.id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_order_matches_enum_and_names_are_unique() {
        for (i, s) in STATES.iter().enumerate() {
            assert_eq!(s.id.idx(), i, "{}", s.name);
            assert_eq!(StateId::from_name(s.name), Some(s.id));
        }
        assert_eq!(N_CORE, 39);
        let mut names: Vec<_> = STATES.iter().map(|s| s.name).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), N_CORE);
    }
}
