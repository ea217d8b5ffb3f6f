//! What the exporter needs from a model, for the core ([`CalciumBoneModel`]) and the full
//! model ([`BoneHealthModel`]): its states and outputs, its code run on [`Sym`]s, and its named
//! inputs (parameters, baselines) with a way to change one, which is how [`crate::names`]
//! tells which input each constant of the trace is.

use k2bone_physiology::{
    Agent, BoneHealthModel, CalciumBoneModel, Drug, KParamFile, PersonInputs, EXT_OUTPUTS,
    EXT_STATES, K_PARAM_NAMES, OUTPUTS, STATES,
};

use crate::trace::Sym;

/// A named quantity: SBML id, unit as k2bone writes it, meaning.
#[derive(Debug, Clone, PartialEq)]
pub struct Quantity {
    pub id: String,
    pub unit: String,
    pub meaning: String,
}

/// A named input of the model with its value.
#[derive(Debug, Clone, PartialEq)]
pub struct Input {
    pub q: Quantity,
    pub value: f64,
}

/// A model the exporter can trace. Implemented by the core and the full model.
pub trait SbmlModel: Sized {
    type Drug: Copy + std::fmt::Debug + PartialEq;
    /// SBML model id.
    fn model_id(&self) -> &'static str;
    fn model_name(&self) -> &'static str;
    fn state_list(&self) -> Vec<Quantity>;
    fn output_list(&self) -> Vec<Quantity>;
    fn initial_state(&self) -> Vec<f64>;
    /// The right-hand side at model time `t_h` (the clock of the estrogen terms).
    fn trace_rhs(&self, t_h: f64, y: &[Sym], dy: &mut [Sym]);
    fn trace_outputs(&self, y: &[Sym], out: &mut [Sym]);
    fn trace_bolus(&self, drug: Self::Drug, amount: Sym, y: &mut [Sym]);
    /// SBML-id-safe name of a drug and the unit of its amounts.
    fn drug_label(&self, drug: Self::Drug) -> (String, &'static str);
    /// Parameters, baselines and person values, each changeable by [`SbmlModel::with_input`].
    fn inputs(&self) -> Vec<Input>;
    /// A copy with input `i` set to `value`; an error when the value is not accepted.
    fn with_input(&self, i: usize, value: f64) -> Result<Self, String>;
    /// Named constants computed from the inputs (derived constants, baselines of the
    /// extension), as `(id, value)`.
    fn dependents(&self) -> Vec<(String, f64)>;
}

/// `(name, value)` of every `f64` field of a value's `Debug` output (`Name { a: 1.0, .. }`).
/// Rust prints `f64` in the shortest form that reads back exactly, so this lists every field
/// of a struct of numbers with no list to keep in step with its definition.
pub(crate) fn debug_fields(v: &impl std::fmt::Debug, prefix: &str) -> Vec<(String, f64)> {
    let text = format!("{v:?}");
    let body = match (text.find('{'), text.rfind('}')) {
        (Some(a), Some(b)) if a < b => &text[a + 1..b],
        _ => return Vec::new(),
    };
    body.split(',')
        .filter_map(|kv| {
            let (k, v) = kv.split_once(':')?;
            let value: f64 = v.trim().parse().ok()?;
            Some((format!("{prefix}{}", k.trim()), value))
        })
        .collect()
}

fn core_inputs(m: &CalciumBoneModel) -> Vec<Input> {
    let mut out: Vec<Input> = m
        .params()
        .entries()
        .into_iter()
        .map(|(section, name, unit, value)| {
            let (u, meaning) = unit.split_once(',').unwrap_or((unit, ""));
            Input {
                q: Quantity {
                    id: name.to_string(),
                    unit: u.trim().to_string(),
                    meaning: format!("{} ({section})", meaning.trim()),
                },
                value,
            }
        })
        .collect();
    for (info, v) in STATES.iter().zip(m.baseline()) {
        out.push(Input {
            q: Quantity {
                id: format!("{}_0", info.name),
                unit: info.unit.to_string(),
                meaning: format!("baseline of {} ({})", info.name, info.meaning),
            },
            value: *v,
        });
    }
    out
}

fn core_with_input(m: &CalciumBoneModel, i: usize, value: f64) -> Result<CalciumBoneModel, String> {
    let entries = m.params().entries();
    if i < entries.len() {
        let (section, name, _, _) = entries[i];
        return m
            .with_param(&format!("{section}.{name}"), value)
            .map_err(|e| e.to_string());
    }
    let mut b = *m.baseline();
    let k = i - entries.len();
    if k >= b.len() {
        return Err(format!("no input {i}"));
    }
    b[k] = value;
    CalciumBoneModel::new(m.params().clone(), b).map_err(|e| e.to_string())
}

fn core_states() -> Vec<Quantity> {
    STATES
        .iter()
        .map(|s| Quantity {
            id: s.name.to_string(),
            unit: s.unit.to_string(),
            meaning: s.meaning.to_string(),
        })
        .collect()
}

fn output_quantities(list: &[k2bone_physiology::OutputInfo]) -> Vec<Quantity> {
    list.iter()
        .map(|o| Quantity {
            id: o.name.to_string(),
            unit: o.unit.to_string(),
            meaning: o.meaning.to_string(),
        })
        .collect()
}

fn drug_label(d: Drug) -> (String, &'static str) {
    (d.name().to_string(), d.canonical_unit())
}

impl SbmlModel for CalciumBoneModel {
    type Drug = Drug;
    fn model_id(&self) -> &'static str {
        "k2bone_core"
    }
    fn model_name(&self) -> &'static str {
        "k2bone calcium-bone core (Peterson-Riggs 2010 / OpenBoneMin)"
    }
    fn state_list(&self) -> Vec<Quantity> {
        core_states()
    }
    fn output_list(&self) -> Vec<Quantity> {
        output_quantities(OUTPUTS)
    }
    fn initial_state(&self) -> Vec<f64> {
        CalciumBoneModel::initial_state(self)
    }
    fn trace_rhs(&self, t_h: f64, y: &[Sym], dy: &mut [Sym]) {
        let none = k2bone_physiology::RateEffects::none();
        self.rhs_generic(t_h, y, &self.default_inputs(), &none, dy)
    }
    fn trace_outputs(&self, y: &[Sym], out: &mut [Sym]) {
        self.outputs_generic(y, out)
    }
    fn trace_bolus(&self, drug: Drug, amount: Sym, y: &mut [Sym]) {
        self.apply_bolus(drug, amount, y)
    }
    fn drug_label(&self, drug: Drug) -> (String, &'static str) {
        drug_label(drug)
    }
    fn inputs(&self) -> Vec<Input> {
        core_inputs(self)
    }
    fn with_input(&self, i: usize, value: f64) -> Result<Self, String> {
        core_with_input(self, i, value)
    }
    fn dependents(&self) -> Vec<(String, f64)> {
        debug_fields(self.derived(), "")
    }
}

/// Units and meanings of the extension's parameters, from the shipped file.
fn k_param_quantity(name: &str) -> Quantity {
    let shipped = KParamFile::shipped();
    let field = name.split_once('.').map_or(name, |(_, f)| f);
    let (unit, source) = shipped
        .entries
        .get(name)
        .map(|e| (e.unit.clone(), e.source.clone()))
        .unwrap_or_default();
    Quantity {
        id: field.to_string(),
        unit,
        meaning: format!("{name}; {source}"),
    }
}

impl SbmlModel for BoneHealthModel {
    type Drug = Agent;
    fn model_id(&self) -> &'static str {
        "k2bone_full"
    }
    fn model_name(&self) -> &'static str {
        "k2bone full model: calcium-bone core plus vitamin K, vitamin D and calcification"
    }
    fn state_list(&self) -> Vec<Quantity> {
        let mut s = core_states();
        s.extend(EXT_STATES.iter().map(|(n, u, m)| Quantity {
            id: n.to_string(),
            unit: u.to_string(),
            meaning: m.to_string(),
        }));
        s
    }
    fn output_list(&self) -> Vec<Quantity> {
        let mut o = output_quantities(OUTPUTS);
        o.extend(output_quantities(EXT_OUTPUTS));
        o
    }
    fn initial_state(&self) -> Vec<f64> {
        BoneHealthModel::initial_state(self)
    }
    fn trace_rhs(&self, t_h: f64, y: &[Sym], dy: &mut [Sym]) {
        self.rhs_generic(t_h, y, &self.default_inputs(), dy)
    }
    fn trace_outputs(&self, y: &[Sym], out: &mut [Sym]) {
        self.outputs_generic(y, out)
    }
    fn trace_bolus(&self, agent: Agent, amount: Sym, y: &mut [Sym]) {
        self.apply_bolus(agent, amount, y)
    }
    fn drug_label(&self, agent: Agent) -> (String, &'static str) {
        match agent {
            Agent::Core(d) => drug_label(d),
            Agent::VitaminK { .. } => (agent.name().replace(':', "_"), "nmol"),
            Agent::VitaminD3 => ("d3".to_string(), "ug"),
        }
    }
    fn inputs(&self) -> Vec<Input> {
        let mut out = core_inputs(self.core());
        for name in K_PARAM_NAMES {
            out.push(Input {
                q: k_param_quantity(name),
                value: self.k_params().get(name).expect("a listed name"),
            });
        }
        let p = self.person();
        out.push(Input {
            q: Quantity {
                id: "person_d25_nmol_l".into(),
                unit: "nmol/L".into(),
                meaning: "serum 25(OH)D at the start (the person)".into(),
            },
            value: p.d25_nmol_l,
        });
        out.push(Input {
            q: Quantity {
                id: "person_vka_inhibition".into(),
                unit: "-".into(),
                meaning: "inhibition of vitamin K recycling by a vitamin K antagonist".into(),
            },
            value: p.vka_inhibition,
        });
        out
    }
    fn with_input(&self, i: usize, value: f64) -> Result<Self, String> {
        let n_core = core_inputs(self.core()).len();
        let mut core = self.core().clone();
        let mut k = self.k_params().clone();
        let mut person: PersonInputs = *self.person();
        if i < n_core {
            core = core_with_input(self.core(), i, value)?;
        } else if i < n_core + K_PARAM_NAMES.len() {
            k.set(K_PARAM_NAMES[i - n_core], value)
                .map_err(|e| e.to_string())?;
        } else if i == n_core + K_PARAM_NAMES.len() {
            person.d25_nmol_l = value;
        } else if i == n_core + K_PARAM_NAMES.len() + 1 {
            person.vka_inhibition = value;
        } else {
            return Err(format!("no input {i}"));
        }
        BoneHealthModel::new(core, k, person).map_err(|e| e.to_string())
    }
    fn dependents(&self) -> Vec<(String, f64)> {
        let mut d = debug_fields(self.core().derived(), "");
        d.extend(debug_fields(self.ext_baseline(), "ext_"));
        for v in k2bone_physiology::PK_VITAMERS {
            let pk = self.pk(v).expect("PK vitamers have PK");
            let prefix = format!("{}_", v.key());
            d.extend(debug_fields(pk, &prefix));
            d.push((
                format!("{prefix}background_nmol_per_h"),
                pk.background_nmol_per_h(),
            ));
            let (g, l, a) = pk.baseline();
            d.push((format!("{prefix}gut_0"), g));
            d.push((format!("{prefix}lymph_0"), l));
            d.push((format!("{prefix}plasma_0"), a));
        }
        d
    }
}
