//! The exporter's guards and its naming, on small models written for the purpose: a branch
//! on a value is refused (the SBML would hold one side), `select_gt` becomes `piecewise`, a
//! branch on a parameter in plain f64 code is refused, and two parameters with the same value
//! keep their own names.

use k2bone_physiology::Scalar;
use k2bone_sbml::model::{Input, Quantity};
use k2bone_sbml::trace::Sym;
use k2bone_sbml::{export, ExportError, ExportSpec, SbmlModel};
use num_dual::DualStruct;

#[derive(Clone, Copy, PartialEq)]
enum Rhs {
    /// `dy = -a*y + b` with a = b (values equal, names must not mix).
    Linear,
    /// `if y > 1 { -y } else { y }` by reading the value.
    ReadsValue,
    /// The same with `select_gt`.
    Select,
    /// `if a > 2.0 { a*y } else { y }` in f64, with `a` = 2 exactly: a nudge flips it.
    ParamBranch,
    /// `dy = -(a*b) y`, the product computed in f64.
    Product,
}

#[derive(Clone)]
struct Toy {
    rhs: Rhs,
    a: f64,
    b: f64,
}

fn q(id: &str) -> Quantity {
    Quantity {
        id: id.into(),
        unit: "1/h".into(),
        meaning: String::new(),
    }
}

impl SbmlModel for Toy {
    type Drug = u8;
    fn model_id(&self) -> &'static str {
        "toy"
    }
    fn model_name(&self) -> &'static str {
        "toy"
    }
    fn state_list(&self) -> Vec<Quantity> {
        vec![Quantity {
            id: "y".into(),
            unit: "nmol".into(),
            meaning: String::new(),
        }]
    }
    fn output_list(&self) -> Vec<Quantity> {
        Vec::new()
    }
    fn initial_state(&self) -> Vec<f64> {
        vec![2.0]
    }
    fn trace_rhs(&self, _t_h: f64, y: &[Sym], dy: &mut [Sym]) {
        let y = y[0];
        dy[0] = match self.rhs {
            Rhs::Linear => -(y * self.a) + self.b,
            Rhs::ReadsValue => {
                if y.re() > 1.0 {
                    -y
                } else {
                    y
                }
            }
            Rhs::Select => y.select_gt(1.0, || -y, || y),
            Rhs::ParamBranch => {
                if self.a > 2.0 {
                    y * self.a
                } else {
                    y
                }
            }
            Rhs::Product => y * -(self.a * self.b),
        };
    }
    fn trace_outputs(&self, _y: &[Sym], _out: &mut [Sym]) {}
    fn trace_bolus(&self, _drug: u8, amount: Sym, y: &mut [Sym]) {
        y[0] += amount;
    }
    fn drug_label(&self, _drug: u8) -> (String, &'static str) {
        ("x".into(), "nmol")
    }
    fn inputs(&self) -> Vec<Input> {
        vec![
            Input {
                q: q("a"),
                value: self.a,
            },
            Input {
                q: q("b"),
                value: self.b,
            },
        ]
    }
    fn with_input(&self, i: usize, value: f64) -> Result<Self, String> {
        let mut t = self.clone();
        match i {
            0 => t.a = value,
            _ => t.b = value,
        }
        Ok(t)
    }
    fn dependents(&self) -> Vec<(String, f64)> {
        Vec::new()
    }
}

fn toy(rhs: Rhs) -> Toy {
    Toy {
        rhs,
        a: 2.0,
        b: 2.0,
    }
}

fn rate_rule(xml: &str) -> &str {
    let start = xml.find("<rateRule").unwrap();
    let end = xml[start..].find("</rateRule>").unwrap();
    &xml[start..start + end]
}

#[test]
fn equal_values_keep_their_own_names() {
    let s = export(&toy(Rhs::Linear), &ExportSpec::default()).unwrap();
    let rule = rate_rule(&s.xml);
    // -a*y + b: `a` under the minus, `b` added; a swap would give -b*y + a.
    let a = rule.find("<ci>a</ci>").expect("a by name");
    let b = rule.find("<ci>b</ci>").expect("b by name");
    assert!(a < b, "{rule}");
    assert!(
        rule.contains("<apply><minus/><apply><times/><ci>y</ci><ci>a</ci></apply></apply>"),
        "{rule}"
    );
    assert!(
        s.xml
            .contains("<parameter id=\"a\" value=\"2.0\" units=\"u_1_per_h\" constant=\"true\"/>"),
        "{}",
        s.xml
    );
}

#[test]
fn reading_a_value_is_refused_and_select_becomes_piecewise() {
    let err = export(&toy(Rhs::ReadsValue), &ExportSpec::default()).unwrap_err();
    assert!(matches!(err, ExportError::ValueRead { .. }), "{err}");
    assert!(err.to_string().contains("select_gt"), "{err}");
    let s = export(&toy(Rhs::Select), &ExportSpec::default()).unwrap();
    assert!(rate_rule(&s.xml).contains("<piecewise>"), "{}", s.xml);
}

#[test]
fn a_branch_on_a_parameter_in_f64_is_refused() {
    let err = export(&toy(Rhs::ParamBranch), &ExportSpec::default()).unwrap_err();
    assert!(
        matches!(&err, ExportError::ShapeChanged { input } if input == "a"),
        "{err}"
    );
}

#[test]
fn a_product_computed_in_f64_is_a_composite_that_names_its_inputs() {
    let s = export(&toy(Rhs::Product), &ExportSpec::default()).unwrap();
    assert_eq!(s.counts.composite_parameters, 1, "{:?}", s.counts);
    assert!(
        s.xml
            .contains("name=\"computed by k2bone from a, b\" value=\"-4.0\""),
        "{}",
        s.xml
    );
}
