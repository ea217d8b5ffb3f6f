//! One test per rule of k2bone_diet::safety::RULES. Oracles: the thresholds of the cited studies
//! (Theuwissen 2013: MK-7 10 ug/d; Schurgers 2004: K1 150 ug/d; highest trial doses) applied by
//! hand to small logs whose intake follows from the table (natto MK-7 1000 ug/100 g, spinach
//! K1 482.9 ug/100 g).

use k2bone_diet::log::parse_csv;
use k2bone_diet::report::build;
use k2bone_diet::safety::{Anticoagulant, Person, SafetyFlag, Severity, RULES};
use k2bone_diet::FoodDb;
use k2bone_store::Store;

fn flags(person: &Person, text: &str) -> Vec<SafetyFlag> {
    let db = FoodDb::open(&mut Store::in_memory().unwrap()).unwrap();
    let log = parse_csv(&db, "log.csv", text, false).unwrap();
    build(&db, &log, person).safety_flags
}

fn on(drug: Anticoagulant) -> Person {
    Person {
        anticoagulant: Some(drug),
        ..Person::default()
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
    assert!(!ids(&flags(&Person::default(), text)).contains(&"vka-supplement"));
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
fn rule_high_dose_flags_above_the_highest_trial_dose() {
    // 37 g natto = 370 ug MK-7 > 360 ug/d (Emaus 2010); 36 g = 360 ug is not above.
    assert!(ids(&flags(&Person::default(), "day,food,grams\n1,natto,37\n")).contains(&"high-dose"));
    assert!(
        !ids(&flags(&Person::default(), "day,food,grams\n1,natto,36\n")).contains(&"high-dose")
    );
    // MK-4 45 mg supplement is at, not above, the Japanese trial dose; 60 mg is above.
    let mk4 = |mg: u32| format!("day,food,grams,dose\n1,supplement:mk4,,{mg} mg\n");
    assert!(!ids(&flags(&Person::default(), &mk4(45))).contains(&"high-dose"));
    assert!(ids(&flags(&Person::default(), &mk4(60))).contains(&"high-dose"));
}

#[test]
fn rule_pregnancy_is_outside_the_evidence() {
    let p = Person {
        pregnant: true,
        ..Person::default()
    };
    let f = flags(&p, "day,food,grams\n1,natto,5\n");
    assert!(f
        .iter()
        .any(|f| f.rule == "pregnancy" && f.advice.contains("Outside the evidence")));
}

#[test]
fn rule_child_is_outside_the_evidence() {
    let p = Person {
        age_years: Some(12.0),
        ..Person::default()
    };
    assert!(ids(&flags(&p, "day,food,grams\n1,natto,5\n")).contains(&"child"));
    let adult = Person {
        age_years: Some(18.0),
        ..Person::default()
    };
    assert!(!ids(&flags(&adult, "day,food,grams\n1,natto,5\n")).contains(&"child"));
}
