//! Drug pharmacokinetics of the core model (spec §4.7, §5.7, §5.8): teriparatide (SC depot,
//! first-order into plasma PTH) and denosumab (SC depot, two compartments, linear plus
//! Michaelis–Menten clearance; free RANKL removal). Dose unit conversions are in spec §6.

use crate::model::Ctx;
use crate::scalar::Scalar;
use crate::states::StateId as S;

/// What the drugs hand to the physiology.
pub(crate) struct DrugLinks<T> {
    /// Teriparatide entering plasma PTH, pmol/h.
    pub teripkin_pmol_per_h: T,
    /// Free denosumab, pM (molar mass 150 kDa).
    pub denmol_pm: T,
}

pub(crate) fn derivatives<T: Scalar>(x: &Ctx<'_, T>, dy: &mut [T]) -> DrugLinks<T> {
    let te = &x.p.teriparatide;
    let de = &x.p.denosumab;
    let teripkin = x.s(S::TERISC) * (te.TERICL / te.TERIVC);
    dy[S::TERISC.idx()] = -teripkin;
    dy[S::TERICENT.idx()] = teripkin - x.s(S::TERICENT) * te.TERIKA;

    let dencp = x.s(S::DENCENT) / de.DENVC;
    let denclnl = (dencp + de.DENKM).recip() * de.DENVMAX;
    dy[S::DENSC.idx()] = -(x.s(S::DENSC) * de.DENKA);
    dy[S::DENCENT.idx()] = x.s(S::DENSC) * de.DENKA + x.s(S::DENPER) * (de.DENQ / de.DENVP)
        - (denclnl + de.DENQ + de.DENCL) * x.s(S::DENCENT) / de.DENVC;
    dy[S::DENPER.idx()] =
        x.s(S::DENCENT) * (de.DENQ / de.DENVC) - x.s(S::DENPER) * (de.DENQ / de.DENVP);
    DrugLinks {
        teripkin_pmol_per_h: teripkin,
        denmol_pm: dencp * (1e6 / de.MW_g_per_mol),
    }
}
