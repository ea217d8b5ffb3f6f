//! The INR model (issue 14): calibration reproduced, validation reported with its misses, the
//! reduction checked against the full Wajima 2009 model, and bad input refused.
//!
//! Oracles: the Schurgers 2004 inequalities (data/calibration/inr.toml), the validation studies'
//! published values (data/validation/inr.toml), and runs of the full Wajima 2009 model
//! (BIOMD0000000340, scipy LSODA) by k2bone's literature helper, recorded in docs/model/inr.md §6.

use k2bone_physiology::inr::calibrate::{fit_pool, validate, EvidenceSet};
use k2bone_physiology::inr::{
    derived_vka_inhibition, Anchor, InrModel, InrParamFile, RangeFlag, VkDaily, VkDose, Vka,
    DISCLAIMER, STEP_H,
};
use k2bone_physiology::Vehicle;
use k2bone_units::Vitamer;

fn daily(vitamer: Vitamer, ug: f64, vehicle: Vehicle, days: u32, hour: f64) -> Vec<VkDose> {
    (0..days)
        .map(|d| VkDose {
            time_h: f64::from(d) * 24.0 + hour,
            vitamer,
            ug,
            vehicle,
        })
        .collect()
}

#[test]
fn refitting_reproduces_the_shipped_pool_and_schurgers_2004() {
    let model = InrModel::default();
    let fit = fit_pool(&model, &EvidenceSet::shipped_calibration()).unwrap();
    let p = InrParamFile::shipped().params;
    // The shipped values are this fit's, rounded to 6 significant digits.
    for (fitted, shipped) in [
        (fit.pool_ug_per_day, p.pool_ug_per_day),
        (fit.pool_low_ug_per_day, p.pool_low_ug_per_day),
        (fit.pool_high_ug_per_day, p.pool_high_ug_per_day),
    ] {
        assert!(
            (fitted / shipped - 1.0).abs() < 1e-5,
            "{fitted} vs {shipped}"
        );
    }
    // Schurgers 2004: 100 ug/d K1 not significant (S04-4), 150 ug/d significant (S04-2), for
    // the central margin 0.2 INR (A-inr-2).
    assert!(fit.fall_not_significant < 0.2, "{fit:?}");
    assert!(fit.fall_significant >= 0.2, "{fit:?}");
    // The interval's ends meet the margin's ends: at the low pool 100 ug/d falls by exactly
    // the high margin, at the high pool 150 ug/d by exactly the low margin.
    let cal = &EvidenceSet::shipped_calibration().studies[0];
    let at = |q: f64| {
        let m = InrModel::new(
            p.with_pool(q),
            model.k_params().clone(),
            model.table().clone(),
        );
        cal.simulate(&m.unwrap()).unwrap()
    };
    let low = at(p.pool_low_ug_per_day);
    let high = at(p.pool_high_ug_per_day);
    assert!((2.0 - low[1].0 - 0.3).abs() < 1e-3, "{low:?}");
    assert!((2.0 - high[2].0 - 0.1).abs() < 1e-3, "{high:?}");
    // The INR falls step by step (50, 100, 150 ug/d).
    let mid = cal.simulate(&model).unwrap();
    assert!(
        mid[0].0 < 2.0 && mid[1].0 < mid[0].0 && mid[2].0 < mid[1].0,
        "{mid:?}"
    );
}

#[test]
fn validation_is_reported_with_its_misses_without_refitting() {
    let model = InrModel::default();
    let margin = EvidenceSet::shipped_calibration().margin.unwrap();
    let v = validate(&model, &EvidenceSet::shipped_validation(), margin).unwrap();
    let study = |id: &str| v.studies.iter().find(|s| s.id == id).unwrap();
    // Theuwissen 2013 (T13-2): -40 % +- 10 points declared; the model predicts a smaller fall,
    // a MISS of about 3 points at the point pool (docs/model/inr.md §7), while the pool interval
    // reaches the observed value.
    let t = study("theuwissen2013-mk7-steps");
    assert!(t.predicted < -0.2 && t.predicted > -0.4, "{t:?}");
    let m = t.miss.expect("documented miss");
    assert!(m > 0.0 && m < 0.05, "{t:?}");
    assert!(
        t.predicted_low <= -0.40 && t.predicted_high > -0.40,
        "{t:?}"
    );
    // Vegetable-mix study (V-1): 2.43 -> 2.08; within the reported SD 0.46 (weak), a strict
    // MISS beyond the SE 0.094 of about 0.2 INR.
    let g = study("vegetable-mix-warfarin");
    assert!(g.miss.is_none(), "{g:?}");
    let sm = g.strict_miss.expect("documented strict miss");
    assert!(sm > 0.1 && sm < 0.3, "{g:?}");
    assert!(g.predicted < 2.43, "the fall has the right sign: {g:?}");
    // Sensitivity (never used for pass/miss): K1 from food absorbed like a supplement brings the
    // prediction closer to the observed 2.08.
    assert!((g.predicted_food_k1_f1 - 2.08).abs() < (g.predicted - 2.08).abs());
    // Direction checks: Khan 2004 and Franco 2004 falls agree; Nakajima 2021's "no change" at
    // 46 ug/d MK-7 from natto does not (the model follows Theuwissen 2013 instead).
    let check = |id: &str| v.checks.iter().find(|c| c.id == id).unwrap();
    assert!(check("khan2004-slope").agrees);
    assert!(check("franco2004-enriched-diet").agrees);
    let n = check("nakajima2021-low-mk7-natto");
    assert!(!n.agrees && n.change.0 < -0.2, "{n:?}");
    assert_eq!(v.disclaimer, DISCLAIMER);
}

/// The full Wajima model at 4 mg/day warfarin (INR 2.05, all factors at 0.293) with its vitamin K
/// input raised by 10 %, 30 % and 100 % for 7 days gave INR 1.96, 1.82 and 1.48 on day 7 (full
/// PT-test read-out). In the full model part of the extra input fills the slow peripheral vitamin K
/// compartment (return time 1/(k21/Vc) = 1/0.000508 h = 82 days), so within a week plasma vitamin K
/// rises by only rise × d_VK/(d_VK + k12) = rise × 0.2052/0.2639 [derived]. The reduced model,
/// whose vitamin K PK is k2bone's own, gets that same rise of hepatic supply from a K1 infusion
/// (a dose every 15 min) sized to the calibrated pool.
#[test]
fn reduced_model_follows_the_full_wajima_model_after_a_vitamin_k_step() {
    let model = InrModel::default();
    let q = model.params().pool_ug_per_day;
    for (rise, full_day7) in [(0.1, 1.96), (0.3, 1.82), (1.0, 1.48)] {
        let plasma_rise = rise * 0.2052 / (0.2052 + 0.0587);
        let per_step = plasma_rise * q * STEP_H / 24.0;
        let doses: Vec<VkDose> = (0..(7.0 * 24.0 / STEP_H) as usize)
            .map(|i| VkDose {
                time_h: i as f64 * STEP_H,
                vitamer: Vitamer::K1,
                ug: per_step,
                vehicle: Vehicle::Oil,
            })
            .collect();
        let c = model
            .course(
                &Anchor {
                    inr: 2.05,
                    usual: vec![],
                },
                &doses,
                &Vka::Unchanged,
                168.0,
                24.0,
            )
            .unwrap();
        let day7 = c.points[7].inr;
        // 1.5 %: the geometric-mean read-out's error against the full PT test (measured here:
        // 1.965, 1.820, 1.482, within 0.3 %).
        assert!(
            (day7 / full_day7 - 1.0).abs() < 0.015,
            "+{rise}: {day7} vs {full_day7}"
        );
    }
    // Steady state of a sustained +30 %: f = 0.293 x 1.3 = 0.381, INR 1.77 (full model).
    let s = model
        .steady_state(
            &Anchor {
                inr: 2.05,
                usual: vec![],
            },
            &[VkDaily {
                vitamer: Vitamer::K1,
                ug_per_day: 0.3 * q,
                vehicle: Vehicle::Oil,
            }],
        )
        .unwrap();
    assert!((s.inr - 1.77).abs() < 0.03, "{s:?}");
}

#[test]
fn the_anchor_derives_the_inhibition_and_warfarin_doses_move_the_inr() {
    let model = InrModel::default();
    // Wajima at 4 mg/day: INR 2.05 with factors at 0.293, i.e. 1 - I = 0.293 on the baseline diet.
    let i = derived_vka_inhibition(model.table(), 2.05).unwrap();
    assert!((i - (1.0 - 0.293)).abs() < 0.01, "{i}");
    assert!(derived_vka_inhibition(model.table(), 0.9).is_err());
    let anchor = Anchor {
        inr: 2.05,
        usual: vec![],
    };
    let warfarin = |daily: Vec<f64>| Vka::Warfarin {
        anchor_mg_per_day: 4.0,
        daily_mg: daily,
        hour: 18.0,
    };
    // The anchor dose kept: the INR stays at the anchor (within-day swings of I only).
    let same = model
        .course(&anchor, &[], &warfarin(vec![]), 24.0 * 20.0, 24.0)
        .unwrap();
    assert!(
        same.points.iter().all(|p| (p.inr - 2.05).abs() < 0.05),
        "{:?}",
        same.points
    );
    // Doubling to 8 mg/day: steady 1 - I falls from 0.34/(0.34 + 0.833) = 0.290 to
    // 0.34/(0.34 + 1.667) = 0.169 (mean concentration dose/(24 ke Vd), Wajima's PK), so f goes
    // 0.293 -> 0.171: INR about 2.9 after 60 days.
    let double = model
        .course(&anchor, &[], &warfarin(vec![8.0; 60]), 24.0 * 60.0, 24.0)
        .unwrap();
    let end = double.points.last().unwrap().inr;
    let expect = model.table().inr(0.293 * 0.169 / 0.290);
    assert!((end / expect - 1.0).abs() < 0.04, "{end} vs {expect}");
    // Unchanged antagonist and no diet change: exactly the anchor.
    let none = model
        .course(&anchor, &[], &Vka::Unchanged, 48.0, 24.0)
        .unwrap();
    assert!(none.points.iter().all(|p| (p.inr - 2.05).abs() < 1e-12));
}

#[test]
fn natto_twice_a_week_on_warfarin_lowers_the_predicted_inr_and_flags_the_cap() {
    let model = InrModel::default();
    // Two 40 g servings of natto (400 ug MK-7 each, NIH ODS 1000 ug/100 g) on days 1 and 4, on a
    // usual diet without natto, from a stable INR 2.5.
    let doses = [0.0, 3.0].map(|d| VkDose {
        time_h: d * 24.0 + 8.0,
        vitamer: Vitamer::Mk7,
        ug: 400.0,
        vehicle: Vehicle::Food,
    });
    let c = model
        .course(
            &Anchor {
                inr: 2.5,
                usual: vec![],
            },
            &doses,
            &Vka::Unchanged,
            24.0 * 14.0,
            6.0,
        )
        .unwrap();
    let lowest = c.points.iter().map(|p| p.inr).fold(f64::INFINITY, f64::min);
    assert!(lowest < 2.0, "lowest {lowest}");
    assert!(c
        .points
        .iter()
        .all(|p| p.inr_low <= p.inr && p.inr <= p.inr_high));
    // Steady natto every day (400 ug/d MK-7): far beyond the pool, the factors are capped.
    let s = model
        .steady_state(
            &Anchor {
                inr: 2.5,
                usual: vec![],
            },
            &[VkDaily {
                vitamer: Vitamer::Mk7,
                ug_per_day: 400.0,
                vehicle: Vehicle::Food,
            }],
        )
        .unwrap();
    assert!(s.capped && (s.inr - 1.0).abs() < 1e-9, "{s:?}");
    let daily_natto = daily(Vitamer::Mk7, 400.0, Vehicle::Food, 28, 8.0);
    let c = model
        .course(
            &Anchor {
                inr: 2.5,
                usual: vec![],
            },
            &daily_natto,
            &Vka::Unchanged,
            24.0 * 28.0,
            24.0,
        )
        .unwrap();
    assert!(
        c.flags
            .iter()
            .any(|f| matches!(f, RangeFlag::FactorsCapped { .. })),
        "{:?}",
        c.flags
    );
    // MK-9 has no PK compartment: reported as not modelled, never silently dropped.
    let mk9 = [VkDose {
        time_h: 1.0,
        vitamer: Vitamer::Mk9,
        ug: 5.0,
        vehicle: Vehicle::Food,
    }];
    let c = model
        .course(
            &Anchor {
                inr: 2.5,
                usual: vec![],
            },
            &mk9,
            &Vka::Unchanged,
            24.0,
            1.0,
        )
        .unwrap();
    assert_eq!(c.not_modelled_ug, vec![(Vitamer::Mk9, 5.0)]);
}

#[test]
fn the_usual_diet_from_a_stretch_of_doses_keeps_the_steady_inr_at_the_anchor() {
    let model = InrModel::default();
    // Two weeks: spinach-level K1 from food every day, plus a 10 ug MK-7 tablet on days 1-7.
    let mut doses = daily(Vitamer::K1, 120.0, Vehicle::Food, 14, 19.0);
    doses.extend(daily(Vitamer::Mk7, 10.0, Vehicle::Tablet, 7, 8.0));
    let first_week = VkDaily::mean_of(&doses, 0.0, 168.0);
    assert_eq!(first_week.len(), 2);
    let k1 = first_week
        .iter()
        .find(|u| u.vitamer == Vitamer::K1)
        .unwrap();
    assert!((k1.ug_per_day - 120.0).abs() < 1e-12);
    let anchor = Anchor {
        inr: 2.5,
        usual: first_week.clone(),
    };
    // Eating the usual week steadily: exactly the anchor.
    assert!((model.steady_state(&anchor, &first_week).unwrap().inr - 2.5).abs() < 1e-12);
    // Dropping the MK-7 in week 2 (steady): 10 ug x 7.5 = 75 K1-ug less of a 454.5 pool, INR up.
    let week2 = VkDaily::mean_of(&doses, 168.0, 336.0);
    let s = model.steady_state(&anchor, &week2).unwrap();
    let f0 = model.table().fraction(2.5).unwrap();
    let expect = model
        .table()
        .inr(f0 * (1.0 - 75.0 / model.params().pool_ug_per_day));
    assert!((s.inr - expect).abs() < 1e-9 && s.inr > 2.5, "{s:?}");
    assert!(s.inr_low <= s.inr && s.inr <= s.inr_high && s.disclaimer == DISCLAIMER);
    assert!(VkDaily::mean_of(&doses, 10.0, 10.0).is_empty());
}

#[test]
fn bad_input_is_refused_naming_the_field_and_the_range() {
    let model = InrModel::default();
    let a = |inr: f64| Anchor { inr, usual: vec![] };
    let err = |r: Result<_, k2bone_physiology::inr::InrError>| {
        r.map(|_: k2bone_physiology::inr::InrCourse| ())
            .unwrap_err()
            .to_string()
    };
    assert!(err(model.course(&a(0.9), &[], &Vka::Unchanged, 24.0, 1.0)).contains("anchor INR"));
    assert!(err(model.course(&a(7.5), &[], &Vka::Unchanged, 24.0, 1.0)).contains("INR <= 6"));
    let neg = [VkDose {
        time_h: 1.0,
        vitamer: Vitamer::K1,
        ug: -5.0,
        vehicle: Vehicle::Food,
    }];
    assert!(err(model.course(&a(2.5), &neg, &Vka::Unchanged, 24.0, 1.0)).contains("dose 1 (K1"));
    let late = [VkDose {
        time_h: 30.0,
        vitamer: Vitamer::K1,
        ug: 5.0,
        vehicle: Vehicle::Food,
    }];
    assert!(err(model.course(&a(2.5), &late, &Vka::Unchanged, 24.0, 1.0)).contains("time_h"));
    assert!(err(model.course(&a(2.5), &[], &Vka::Unchanged, 24.0, 0.1)).contains("every_h"));
    assert!(err(model.course(&a(2.5), &[], &Vka::Unchanged, f64::NAN, 1.0)).contains("hours"));
    let big = Vka::Warfarin {
        anchor_mg_per_day: 80.0,
        daily_mg: vec![],
        hour: 18.0,
    };
    assert!(err(model.course(&a(2.5), &[], &big, 24.0, 1.0)).contains("warfarin"));
    let usual = Anchor {
        inr: 2.5,
        usual: vec![VkDaily {
            vitamer: Vitamer::K1,
            ug_per_day: f64::INFINITY,
            vehicle: Vehicle::Food,
        }],
    };
    assert!(model
        .steady_state(&usual, &[])
        .unwrap_err()
        .to_string()
        .contains("usual intake 1"));
}
