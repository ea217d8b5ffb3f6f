//! One test per rule of k2bone_diet::safety::RULES. Oracles: the thresholds of the cited studies
//! (Theuwissen 2013: MK-7 10 ug/d; Schurgers 2004: K1 150 ug/d; highest trial doses) applied by
//! hand to small logs whose intake follows from the table (natto MK-7 1000 ug/100 g, spinach
//! K1 482.9 ug/100 g).

use k2bone_diet::log::parse_csv;
use k2bone_diet::report::build;
use k2bone_diet::safety::{Anticoagulant, SafetyFlag, SafetyProfile, Severity, RULES};
use k2bone_diet::FoodDb;
use k2bone_store::Store;

/// The shipped food table, seeded once for every test of this file (read-only).
fn db() -> &'static FoodDb {
    static DB: std::sync::OnceLock<FoodDb> = std::sync::OnceLock::new();
    DB.get_or_init(|| FoodDb::open(&mut Store::in_memory().unwrap()).unwrap())
}

fn flags(person: &SafetyProfile, text: &str) -> Vec<SafetyFlag> {
    let db = db();
    let log = parse_csv(db, "log.csv", text, false).unwrap();
    build(db, &log, person).safety_flags
}

fn on(drug: Anticoagulant) -> SafetyProfile {
    SafetyProfile {
        anticoagulant: Some(drug),
        ..SafetyProfile::default()
    }
}

fn ids(f: &[SafetyFlag]) -> Vec<&str> {
    f.iter().map(|f| f.rule).collect()
}

/// 14 days of `grams_w1` natto in week 1 and `grams_w2` in week 2.
fn two_weeks(grams_w1: f64, grams_w2: f64) -> String {
    let mut s = String::from("day,food,grams\n");
    for d in 1..=14 {
        s += &format!("{d},natto,{}\n", if d <= 7 { grams_w1 } else { grams_w2 });
    }
    s
}

#[test]
fn every_rule_has_a_source_and_advice() {
    for r in RULES {
        assert!(
            !r.source.is_empty() && !r.advice.is_empty() && !r.when.is_empty(),
            "{}",
            r.id
        );
    }
}

#[test]
fn rule_vka_supplement_flags_any_vitamin_k_supplement() {
    let text = "day,food,grams,dose\n1,natto,10,\n1,supplement:mk7,,10 ug\n";
    for drug in [
        Anticoagulant::Warfarin,
        Anticoagulant::Acenocoumarol,
        Anticoagulant::Phenprocoumon,
    ] {
        let f = flags(&on(drug), text);
        let s = f
            .iter()
            .find(|f| f.rule == "vka-supplement")
            .expect("flagged");
        assert_eq!(s.severity, Severity::Warning);
        assert!(s.source.contains("Theuwissen"));
    }
    // Without an anticoagulant, a supplement alone raises no VKA flag.
    assert!(!ids(&flags(&SafetyProfile::default(), text)).contains(&"vka-supplement"));
}

#[test]
fn rule_vka_weekly_change_grades_by_the_published_thresholds() {
    let warfarin = on(Anticoagulant::Warfarin);
    // Week 1: 2 g natto/day = 20 ug MK-7; week 2: 3 g = 30 ug. Change +10 ug/d MK-7 = the
    // Theuwissen 2013 threshold: warning.
    let f = flags(&warfarin, &two_weeks(2.0, 3.0));
    let w = f.iter().find(|f| f.rule == "vka-weekly-change").unwrap();
    assert_eq!(w.severity, Severity::Warning);
    assert!(w.finding.contains("MK-7 +10.0"), "{}", w.finding);
    // 2 g -> 2.5 g: +5 ug/d MK-7, below both thresholds, still a change: caution.
    let f = flags(&warfarin, &two_weeks(2.0, 2.5));
    assert_eq!(
        f.iter()
            .find(|f| f.rule == "vka-weekly-change")
            .unwrap()
            .severity,
        Severity::Caution
    );
    // The same intake every day: no weekly-change flag.
    assert!(!ids(&flags(&warfarin, &two_weeks(2.0, 2.0))).contains(&"vka-weekly-change"));
    // K1: spinach 20 g/day (96.58 ug) -> 52 g/day (251.108 ug): +154.5 >= 150 ug/d (Schurgers 2004).
    let mut s = String::from("day,food,grams\n");
    for d in 1..=14 {
        s += &format!("{d},spinach,{}\n", if d <= 7 { 20 } else { 52 });
    }
    let f = flags(&warfarin, &s);
    assert_eq!(
        f.iter()
            .find(|f| f.rule == "vka-weekly-change")
            .unwrap()
            .severity,
        Severity::Warning
    );
}

#[test]
fn rule_vka_stable_intake_is_always_shown_on_a_vka() {
    let f = flags(
        &on(Anticoagulant::Phenprocoumon),
        "day,food,grams\n1,natto,5\n",
    );
    let s = f.iter().find(|f| f.rule == "vka-stable-intake").unwrap();
    assert!(s.advice.contains("INR") && s.finding.contains("under two weeks"));
}

#[test]
fn rule_doac_not_vka_says_so_and_raises_no_vka_flag() {
    let text = "day,food,grams,dose\n1,natto,10,\n1,supplement:mk7,,100 ug\n";
    for drug in [
        Anticoagulant::Apixaban,
        Anticoagulant::Rivaroxaban,
        Anticoagulant::Dabigatran,
        Anticoagulant::Edoxaban,
    ] {
        let f = flags(&on(drug), text);
        assert_eq!(ids(&f), vec!["doac-not-vka"], "{drug}");
        assert!(f[0].finding.contains("not a vitamin K antagonist"));
    }
    assert!("Coumadin".parse::<Anticoagulant>().unwrap().is_vka());
    assert!("aspirin"
        .parse::<Anticoagulant>()
        .unwrap_err()
        .contains("apixaban"));
}

#[test]
fn rule_high_dose_flags_supplements_above_the_highest_trial_dose_and_never_food() {
    // MK-7 supplement 370 ug > 360 ug/d (Emaus 2010); 360 ug is not above.
    let mk7 = |ug: u32| format!("day,food,grams,dose\n1,supplement:mk7,,{ug} ug\n");
    assert!(ids(&flags(&SafetyProfile::default(), &mk7(370))).contains(&"high-dose"));
    assert!(!ids(&flags(&SafetyProfile::default(), &mk7(360))).contains(&"high-dose"));
    // MK-4 45 mg supplement is at, not above, the Japanese trial dose; 60 mg is above.
    let mk4 = |mg: u32| format!("day,food,grams,dose\n1,supplement:mk4,,{mg} mg\n");
    assert!(!ids(&flags(&SafetyProfile::default(), &mk4(45))).contains(&"high-dose"));
    assert!(ids(&flags(&SafetyProfile::default(), &mk4(60))).contains(&"high-dose"));
    // Issue 14: half a pack of natto (40 g = 400 ug MK-7, above 360) without an anticoagulant
    // raises no alarm: food portions never fire the rule, and no other rule fires either.
    assert!(flags(&SafetyProfile::default(), "day,food,grams\n1,natto,40\n").is_empty());
}

#[test]
fn rule_vka_natto_flags_natto_in_any_amount() {
    // 1 g natto = 10 ug MK-7 (NIH ODS 1000 ug/100 g), Theuwissen 2013's lowest relevant dose;
    // even 0.5 g is flagged: the rule is "natto in any amount".
    for grams in ["0.5", "1", "40"] {
        let f = flags(
            &on(Anticoagulant::Warfarin),
            &format!("day,food,grams\n1,natto,{grams}\n"),
        );
        let n = f
            .iter()
            .find(|f| f.rule == "vka-natto")
            .expect("natto flagged");
        assert_eq!(n.severity, Severity::Warning);
        assert!(
            n.finding.contains("natto") && n.finding.contains("ug MK-7"),
            "{}",
            n.finding
        );
        assert!(n.source.contains("Theuwissen") && n.source.contains("NIH ODS"));
    }
    let f = flags(
        &on(Anticoagulant::Acenocoumarol),
        "day,food,grams\n1,fermented soybeans,1\n",
    );
    assert!(ids(&f).contains(&"vka-natto"), "aliases count too");
    // Not a VKA: no natto flag.
    assert!(!ids(&flags(
        &on(Anticoagulant::Apixaban),
        "day,food,grams\n1,natto,40\n"
    ))
    .contains(&"vka-natto"));
    assert!(!ids(&flags(
        &SafetyProfile::default(),
        "day,food,grams\n1,natto,40\n"
    ))
    .contains(&"vka-natto"));
}

/// Severity of the food-source flag for `grams` of `food` on warfarin, `None` when it does not fire.
fn source_flag(food: &str, grams: f64) -> Option<(Severity, String)> {
    flags(
        &on(Anticoagulant::Warfarin),
        &format!("day,food,grams\n1,{food},{grams}\n"),
    )
    .into_iter()
    .find(|f| f.rule == "vka-food-source")
    .map(|f| (f.severity, f.finding))
}

#[test]
fn rule_vka_food_source_k1_thresholds_150_and_100() {
    // Raw spinach K1 482.9 ug/100 g (SR28 11457).
    // 150 ug/d (Schurgers 2004): 31.1 g = 150.2 ug -> warning; 31.0 g = 149.7 ug -> caution.
    let (s, finding) = source_flag("Spinach raw", 31.1).unwrap();
    assert_eq!(s, Severity::Warning);
    assert!(
        finding.contains("Spinach, raw") && finding.contains("K1 150 ug"),
        "{finding}"
    );
    assert_eq!(
        source_flag("Spinach raw", 31.0).unwrap().0,
        Severity::Caution
    );
    // 100 ug/d (vegetable-mix study V-1; Khan 2004): 20.8 g = 100.4 ug -> caution; 20.7 g = 99.96
    // ug -> nothing.
    assert_eq!(
        source_flag("Spinach raw", 20.8).unwrap().0,
        Severity::Caution
    );
    assert_eq!(source_flag("Spinach raw", 20.7), None);
    // The rule is per food: two foods of 80 ug each do not fire it (the day-swing rule looks at
    // totals).
    let two = "day,food,grams\n1,Spinach raw,16.6\n1,Kale raw,11.4\n";
    assert!(!ids(&flags(&on(Anticoagulant::Warfarin), two)).contains(&"vka-food-source"));
}

#[test]
fn rule_vka_food_source_mk7_thresholds_10_and_20() {
    use k2bone_diet::log::{DayIntake, DietLog};
    use k2bone_diet::{Intake, Nutrient};
    use k2bone_units::Vitamer;
    // A food with MK-7 other than natto (none ships: natto is the only MK-7 food), built by hand.
    let day = |mk7: f64, unsplit: f64| {
        let mut i = Intake::new();
        i.add(Nutrient::Vitamer(Vitamer::Mk7), mk7);
        i.add(Nutrient::K2Unsplit, unsplit);
        DayIntake {
            day: "1".into(),
            grams: 30.0,
            foods: i.clone(),
            supplements: Intake::new(),
            contributions: vec![("Cheese X".into(), 30.0, i)],
        }
    };
    let fire = |mk7: f64, unsplit: f64| {
        k2bone_diet::safety::check(
            &on(Anticoagulant::Warfarin),
            &DietLog::default(),
            &[day(mk7, unsplit)],
        )
        .into_iter()
        .find(|f| f.rule == "vka-food-source")
    };
    // MK-7 10 ug/d: clinically relevant in >= 40 % (Theuwissen 2013) -> warning; 9.9 -> nothing.
    let f = fire(10.0, 0.0).unwrap();
    assert_eq!(f.severity, Severity::Warning);
    assert!(f.finding.contains(">= 40 %"), "{}", f.finding);
    assert!(fire(9.9, 0.0).is_none());
    // 20 ug/d: >= 60 % (Theuwissen 2013).
    assert!(fire(20.0, 0.0).unwrap().finding.contains(">= 60 %"));
    // K2 without a vitamer split is counted as MK-7 (A-diet-10) but only as a caution:
    // Gouda 75 ug/100 g x 30 g = 22.5 ug.
    let g = fire(0.0, 22.5).unwrap();
    assert_eq!(g.severity, Severity::Caution);
    assert!(g.finding.contains("counted as MK-7"), "{}", g.finding);
}

#[test]
fn rule_vka_day_swing_flags_4_day_means_100_and_150_above_the_usual_day() {
    // Seven days of 10 g spinach (48.29 ug K1), days 4 and 5 with X g more. Median day 48.29;
    // the worst 4-day mean holds both extra days: + 2 x 4.829 x X / 4 = 2.4145 X ug/d.
    // Caution from 100 (X >= 41.42), warning from 150 (X >= 62.13): Khan 2004 window,
    // Schurgers 2004 threshold.
    let week = |x: f64| {
        let mut s = String::from("day,food,grams\n");
        for d in 1..=7 {
            s += &format!(
                "{d},Spinach raw,{}\n",
                if d == 4 || d == 5 { 10.0 + x } else { 10.0 }
            );
        }
        s
    };
    let swing = |x: f64| {
        flags(&on(Anticoagulant::Warfarin), &week(x))
            .into_iter()
            .find(|f| f.rule == "vka-day-swing")
    };
    assert!(swing(41.0).is_none()); // 99.0
    let c = swing(42.0).unwrap(); // 101.4
    assert_eq!(c.severity, Severity::Caution);
    assert!(c.finding.contains("+101 ug/day"), "{}", c.finding);
    assert_eq!(swing(63.0).unwrap().severity, Severity::Warning); // 152.1
                                                                  // One week only: the week-to-week rule cannot see this, the day-swing rule does.
    assert!(!ids(&flags(&on(Anticoagulant::Warfarin), &week(63.0))).contains(&"vka-weekly-change"));
    // Without an anticoagulant nothing fires.
    assert!(flags(&SafetyProfile::default(), &week(63.0)).is_empty());
}

/// The case: a warfarin user's week with natto twice (40 g each: 400 ug MK-7 a serving,
/// a 114 ug/day average) and otherwise ordinary food.
const NATTO_WEEK: &str = "day,meal,food,amount
Mon,breakfast,natto,40 g
Mon,lunch,wholemeal bread,2 slices
Mon,dinner,chicken breast,3 oz
Tue,breakfast,oatmeal,1 cup
Tue,dinner,pasta,1 cup
Wed,breakfast,boiled egg,1 egg
Wed,dinner,rice,1 cup
Thu,breakfast,natto,40 g
Thu,dinner,cod,3 oz
Fri,breakfast,banana,1 banana
Fri,dinner,potato,1 potato
Sat,breakfast,milk,1 cup
Sat,dinner,steak,4 oz
Sun,breakfast,apple,1 apple
Sun,dinner,lentils,1 cup
";

#[test]
fn the_natto_week_warns_on_warfarin_and_raises_nothing_without_an_anticoagulant() {
    let on_warfarin = flags(&on(Anticoagulant::Warfarin), NATTO_WEEK);
    let natto: Vec<&SafetyFlag> = on_warfarin
        .iter()
        .filter(|f| f.rule == "vka-natto")
        .collect();
    assert_eq!(natto.len(), 2);
    for f in &natto {
        assert_eq!(f.severity, Severity::Warning);
        assert!(
            f.finding.contains("natto 40 g = 400 ug MK-7"),
            "{}",
            f.finding
        );
        assert!(f.source.contains("Theuwissen et al. 2013"));
    }
    // The swing within the week is seen as well.
    assert!(on_warfarin
        .iter()
        .any(|f| f.rule == "vka-day-swing" && f.severity == Severity::Warning));
    // The same week without an anticoagulant: no flag at all.
    assert!(flags(&SafetyProfile::default(), NATTO_WEEK).is_empty());
}
#[test]
fn rule_pregnancy_is_outside_the_evidence() {
    let p = SafetyProfile {
        pregnant: true,
        ..SafetyProfile::default()
    };
    let f = flags(&p, "day,food,grams\n1,natto,5\n");
    assert!(f
        .iter()
        .any(|f| f.rule == "pregnancy" && f.advice.contains("Outside the evidence")));
}

#[test]
fn rule_child_is_outside_the_evidence() {
    let p = SafetyProfile {
        age_years: Some(12.0),
        ..SafetyProfile::default()
    };
    assert!(ids(&flags(&p, "day,food,grams\n1,natto,5\n")).contains(&"child"));
    let adult = SafetyProfile {
        age_years: Some(18.0),
        ..SafetyProfile::default()
    };
    assert!(!ids(&flags(&adult, "day,food,grams\n1,natto,5\n")).contains(&"child"));
}
