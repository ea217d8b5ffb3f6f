//! A bad parameter file gives a clear error that names the key (issue 2).

use k2bone_physiology::{CalciumBoneModel, SHIPPED_PARAMS_TOML};

fn load(text: &str) -> String {
    CalciumBoneModel::from_toml_str(text, "my-params.toml")
        .unwrap_err()
        .to_string()
}

#[test]
fn shipped_file_loads_and_equals_default() {
    let m = CalciumBoneModel::from_toml_str(SHIPPED_PARAMS_TOML, "shipped").unwrap();
    assert_eq!(m.params(), CalciumBoneModel::default().params());
}

#[test]
fn missing_key_is_named() {
    let text = SHIPPED_PARAMS_TOML.replace("\nkb = 0.000605516", "\n");
    let e = load(&text);
    assert!(
        e.contains("my-params.toml") && e.contains("missing field `kb`"),
        "{e}"
    );
}

#[test]
fn negative_rate_is_named_with_the_accepted_range() {
    let text = SHIPPED_PARAMS_TOML.replace("\nkout = 7.142857142857143", "\nkout = -7.1");
    let e = load(&text);
    assert!(e.contains("`kout` = -7.1") && e.contains(">= 0"), "{e}");
}

#[test]
fn unknown_parameter_is_named() {
    let text = SHIPPED_PARAMS_TOML.replace("\nkb = 0.000605516", "\nkb = 0.000605516\nkbb = 1.0");
    let e = load(&text);
    assert!(e.contains("unknown field `kbb`"), "{e}");
    // toml reports the line of the offending key.
    assert!(e.contains("line"), "{e}");
}

#[test]
fn unknown_state_gets_a_did_you_mean() {
    let text = SHIPPED_PARAMS_TOML.replace("\nQbone = 24900.0", "\nQbone = 24900.0\nQbon = 1.0");
    let e = load(&text);
    assert!(
        e.contains("unknown state `Qbon`") && e.contains("did you mean `Qbone`"),
        "{e}"
    );
}

#[test]
fn missing_initial_condition_is_named() {
    let text = SHIPPED_PARAMS_TOML.replace("\nQbone = 24900.0", "\n");
    assert!(load(&text).contains("initial_conditions.Qbone"));
}

#[test]
fn derived_initial_value_must_agree() {
    let text = SHIPPED_PARAMS_TOML.replace("\nAOH = 126.0", "\nAOH = 130.0");
    let e = load(&text);
    assert!(e.contains("`AOH`") && e.contains("B/10"), "{e}");
}

#[test]
fn impossible_ec50_is_named() {
    // FracPicOC > 1 makes (Pic0 - E0PicOC) negative: EC50PicOC has no real value.
    let text = SHIPPED_PARAMS_TOML.replace("FracPicOC = 0.878215", "FracPicOC = 1.5");
    let e = load(&text);
    assert!(e.contains("EC50PicOC"), "{e}");
}

#[test]
fn set_checks_name_and_value() {
    let m = CalciumBoneModel::default();
    assert!(m.with_param("kb", 7e-4).is_ok());
    assert!(m.with_param("denosumab.DENKA", 0.01).is_ok());
    assert!(m
        .with_param("kb", f64::NAN)
        .unwrap_err()
        .to_string()
        .contains("kb"));
    assert!(m
        .with_param("nope", 1.0)
        .unwrap_err()
        .to_string()
        .contains("unknown parameter `nope`"));
}
