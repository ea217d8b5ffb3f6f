//! The bone response's loss rates refer to the turnover of the model's untreated woman of 60
//! (`shared.reference_oc_rel`, A-bone-1): that constant must be what the core gives her. The
//! oracle is the core itself (a steady state the R reference also reproduces).

use k2bone_calibration::bone::run_design;
use k2bone_physiology::bone_response::BoneParamFile;

#[test]
fn reference_oc_rel_is_the_woman_of_60() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("woman60.toml"),
        r#"schema = 1
title = "untreated woman of 60"
[person]
sex = "female"
age_years = 60
[simulation]
duration = "30 days"
output_every = "1 day"
[arms.untreated]
description = "nothing"
"#,
    )
    .unwrap();
    let run = run_design(dir.path(), "woman60").unwrap();
    let days = &run.arms[0].days;
    let reference = BoneParamFile::shipped().params.reference_oc_rel;
    for d in days {
        assert!(
            (d.oc_rel / reference - 1.0).abs() < 0.01,
            "OC/OC0 {} vs shared.reference_oc_rel {reference}",
            d.oc_rel
        );
    }
}
