//! Every shipped example/template parses and builds; the two built-in studies have the
//! designs they describe (checked against hand-written dose times and amounts); the resolved
//! TOML re-parses to the same plan.

use k2bone_diet::FoodDb;
use k2bone_scenario::templates::TEMPLATES;
use k2bone_scenario::{Plan, Scenario};

fn foods() -> FoodDb {
    let mut store = k2bone_store::Store::in_memory().unwrap();
    FoodDb::open(&mut store).unwrap()
}

fn examples_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/scenarios")
}

fn plan_of(name: &str, db: &FoodDb) -> (Scenario, Plan) {
    let path = examples_dir().join(format!("{name}.toml"));
    let s = Scenario::from_file(&path).unwrap_or_else(|e| panic!("{name}: {e}"));
    let p = s.build(Some(db)).unwrap_or_else(|e| panic!("{name}: {e}"));
    (s, p)
}

#[test]
fn every_template_parses_builds_and_is_the_file_in_examples() {
    let db = foods();
    for t in TEMPLATES {
        let on_disk =
            std::fs::read_to_string(examples_dir().join(format!("{}.toml", t.name))).unwrap();
        assert_eq!(
            on_disk, t.toml,
            "{} embedded text differs from the file",
            t.name
        );
        let (s, p) = plan_of(t.name, &db);
        assert!(s.arms.len() >= 2, "{}: {} arms", t.name, s.arms.len());
        assert_eq!(p.arms.len(), s.arms.len());
        // Every arm but the untreated reference doses something.
        assert!(
            p.arms.iter().skip(1).all(|a| !a.doses.is_empty()),
            "{}",
            t.name
        );
        assert!(
            p.arms[0].doses.is_empty(),
            "{}: first arm is the reference",
            t.name
        );
        assert!(p.grid_h.len() > 10);
    }
}

#[test]
fn the_minimal_file_is_three_lines_and_adds_a_placebo_arm() {
    let t = k2bone_scenario::templates::template("minimal").unwrap();
    assert_eq!(t.toml.lines().count(), 3);
    let s = Scenario::from_str(t.toml, "minimal.toml").unwrap();
    assert_eq!(s.arms[0].name, "placebo");
    assert!(s.arms[0].added_control);
    let p = s.build(None).unwrap();
    // 3 years (1,095 days) of one daily dose.
    assert_eq!(p.arms[1].doses.len(), 1095);
    assert_eq!(p.arms[1].doses[0].time_h, 8.0);
}

#[test]
fn builtin_studies_have_the_designs_they_describe() {
    // Written out by hand from the studies' descriptions: a woman whose model clock starts at
    // 41 (`ageENTER`) and ages to the study age untreated; doses at 08:00, three daily doses at
    // 08:00, 16:00 and 24:00; weekly output.
    let db = foods();
    let mk7 = k2bone_physiology::Agent::parse("mk7").unwrap();
    let nmol_180ug = mk7.to_canonical(180.0, "ug").unwrap();
    let (_, p) = plan_of("mk7-180-3y", &db);
    assert_eq!(p.burn_in_h, (60.0 - 41.0) * 8760.0);
    assert_eq!(p.grid_h, k2bone_sim::grid(1095.0 * 24.0, 168.0));
    assert_eq!(p.model.core().params().modifiers.ESTON, 1.0);
    let names: Vec<&str> = p.arms.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(
        names,
        ["placebo", "mk7-180", "placebo+d3+ca", "mk7-180+d3+ca"]
    );
    let arm = &p.arms[1];
    assert_eq!(arm.doses.len(), 1095);
    for (day, d) in arm.doses.iter().enumerate() {
        assert_eq!(
            (d.time_h, d.drug, d.amount),
            (day as f64 * 24.0 + 8.0, mk7, nmol_180ug)
        );
    }
    // D3 800 IU = 20 ug and calcium 500 mg, daily, in both D3 arms.
    assert_eq!(p.arms[2].doses.len(), 2 * 1095);
    assert_eq!(p.arms[3].doses.len(), 3 * 1095);

    let (_, p) = plan_of("mk4-vs-mk7", &db);
    assert_eq!(p.burn_in_h, (65.0 - 41.0) * 8760.0);
    let mk4 = &p.arms[1];
    assert_eq!(mk4.doses.len(), 3 * 730);
    let times: Vec<f64> = mk4.doses.iter().take(4).map(|d| d.time_h).collect();
    assert_eq!(times, [8.0, 16.0, 24.0, 32.0]);
    let nmol_15mg = k2bone_physiology::Agent::parse("mk4")
        .unwrap()
        .to_canonical(15.0, "mg")
        .unwrap();
    assert!(mk4.doses.iter().all(|d| d.amount == nmol_15mg));
}

#[test]
fn resolved_toml_round_trips_to_the_same_plan() {
    let db = foods();
    for t in TEMPLATES {
        let (s, p) = plan_of(t.name, &db);
        let text = s.to_resolved_toml();
        let s2 = Scenario::from_str(&text, "resolved.toml")
            .unwrap_or_else(|e| panic!("{}: {e}\n{text}", t.name));
        assert_eq!(s2.person, s.person, "{}", t.name);
        assert_eq!(s2.simulation, s.simulation, "{}", t.name);
        let p2 = s2.build(Some(&db)).unwrap();
        assert_eq!(p2.burn_in_h, p.burn_in_h);
        assert_eq!(p2.grid_h, p.grid_h);
        for (a, b) in p2.arms.iter().zip(&p.arms) {
            assert_eq!(a.name, b.name, "{}", t.name);
            let key =
                |d: &k2bone_sim::DoseEvent<k2bone_physiology::Agent>| (d.time_h, d.drug, d.amount);
            assert_eq!(
                a.doses.iter().map(key).collect::<Vec<_>>(),
                b.doses.iter().map(key).collect::<Vec<_>>(),
                "{}/{}",
                t.name,
                a.name
            );
        }
    }
}

#[test]
fn person_fields_reach_the_model() {
    let s = Scenario::from_str(
        "schema = 1\n[person]\nsex = \"male\"\nage_years = 70\ncalcium_intake = \"1.5 g/day\"\nd25 = \"20 ng/mL\"\n[arms.d3]\nd3 = \"1000 IU daily\"\n",
        "t.toml",
    )
    .unwrap();
    let p = s.build(None).unwrap();
    let core = p.model.core().params();
    assert_eq!(core.modifiers.ESTON, 0.0);
    // 1500 mg/d / 40.078 g/mol / 24 h = 1.5595 mmol/h.
    assert!((core.calcium.OralCa - 1500.0 / 40.078 / 24.0).abs() < 1e-12);
    // 20 ng/mL x 1000/400.64 = 49.92 nmol/L.
    assert!((p.model.person().d25_nmol_l - 49.920127).abs() < 1e-5);
    assert_eq!(p.burn_in_h, 29.0 * 8760.0);
    // 1000 IU D3 = 25 ug, daily for 3 years.
    assert_eq!(p.arms[1].doses.len(), 1095);
    assert!((p.arms[1].doses[0].amount - 25.0).abs() < 1e-12);
}

#[test]
fn a_diet_log_becomes_food_doses_repeated_weekly() {
    let db = foods();
    let (_, p) = plan_of("natto-twice-weekly", &db);
    let natto = &p.arms[1];
    // Natto (MK-7 1000 ug/100 g, NIH ODS via data/foods) on Mon and Thu at breakfast: 40 g =
    // 400 ug MK-7 twice a week: 52 weeks x 2, plus day 364, a Monday.
    let mk7: Vec<_> = natto
        .doses
        .iter()
        .filter(|d| {
            matches!(
                d.drug,
                k2bone_physiology::Agent::VitaminK {
                    vitamer: k2bone_units::Vitamer::Mk7,
                    ..
                }
            )
        })
        .collect();
    assert_eq!(mk7.len(), 105, "{}", mk7.len());
    let nmol_400ug = k2bone_physiology::Agent::parse("mk7:food")
        .unwrap()
        .to_canonical(400.0, "ug")
        .unwrap();
    assert!((mk7[0].amount - nmol_400ug).abs() < 1e-9 * nmol_400ug);
    assert!(
        (mk7[1].time_h - mk7[0].time_h - 72.0).abs() < 1e-9,
        "Mon to Thu"
    );
    // The log's calcium from food is dosed with it: natto has 217 mg/100 g (SR28 16113,
    // data/foods/usda_calcium_vitamin_d.csv), so Monday's 40 g at breakfast is 86.8 mg of
    // calcium at the same time as its MK-7; its vitamin D is an SR28 "assumed zero" (0.0), so
    // no D3 dose is made for it.
    let calcium = |t: f64| {
        natto
            .doses
            .iter()
            .filter(|d| {
                d.time_h == t
                    && d.drug == k2bone_physiology::Agent::Core(k2bone_physiology::Drug::Calcium)
            })
            .map(|d| d.amount)
            .sum::<f64>()
    };
    assert!((calcium(mk7[0].time_h) - 86.8).abs() < 1e-9);
    assert!(!natto
        .doses
        .iter()
        .any(|d| d.time_h == mk7[0].time_h && d.drug == k2bone_physiology::Agent::VitaminD3));
    // The arm without a diet log gets no calcium doses.
    assert!(!p.arms[0]
        .doses
        .iter()
        .any(|d| matches!(d.drug, k2bone_physiology::Agent::Core(_))));
}

#[test]
fn a_stable_inr_anchors_the_warfarin_scenario() {
    let db = foods();
    let (s, p) = plan_of("warfarin-steady-intake", &db);
    let table = k2bone_physiology::inr::InrTable::shipped();
    // The inhibition is derived from the INR: 1 - g^-1(2.5) (A-inr-13), not asked for.
    let want = k2bone_physiology::inr::derived_vka_inhibition(&table, 2.5).unwrap();
    assert_eq!(
        s.person.anticoagulant,
        k2bone_scenario::Anticoagulant::Warfarin {
            inr: 2.5,
            recycling_inhibition: want
        }
    );
    assert!((p.model.person().vka_inhibition - want).abs() < 1e-15);
    // Read back through the table, the derived inhibition gives the INR again.
    assert!((table.inr(1.0 - want) - 2.5).abs() < 1e-9);
    assert_eq!(p.anchor_inr, Some(2.5));
    // The resolved scenario writes the INR, so it parses back to the same person.
    let again = Scenario::from_str(&s.to_resolved_toml(), "resolved").unwrap();
    assert_eq!(again.person.anticoagulant, s.person.anticoagulant);
}
