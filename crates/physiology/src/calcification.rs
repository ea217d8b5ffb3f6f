//! Vascular calcification index (docs/model/vitamin-k.md §5): an index that is 1 at the start
//! and grows at a baseline rate, faster with a higher Ca×PO4 product and with more
//! uncarboxylated MGP (carboxylated MGP inhibits calcification):
//! $$ \dot{CI} = r_0 \left(\frac{Ca\,P}{Ca_0 P_0}\right)^{\gamma_{CaP}}
//!    U_{MGP}^{\gamma_{MGP}}, $$
//! where $U_{MGP}$ is circulating dp-ucMGP relative to baseline (state `ucMGP_rel`).
//! Every constant here is an assumption (docs/assumptions.md): read the index as a direction,
//! not a prediction.

use crate::kparams::KParams;
use crate::scalar::Scalar;

use k2bone_units::HOURS_PER_YEAR;

/// d(CI)/dt per hour.
pub fn derivative<T: Scalar>(p: &KParams, caxp_rel: T, uc_rel: T) -> T {
    caxp_rel.powf(p.ci_caxp_gamma)
        * uc_rel.powf(p.ci_mgp_gamma)
        * (p.ci_growth_per_year / HOURS_PER_YEAR)
}
