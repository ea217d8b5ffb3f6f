//! What the simulator needs from a model: states, right-hand side, Jacobian-vector product,
//! outputs and how doses enter. Implemented by the physiology models and by the test models
//! with closed-form solutions in [`crate::test_models`].

use k2bone_physiology::{CalciumBoneModel, Drug, Inputs, OUTPUTS, STATES};

/// An ODE model the simulator can run. Time is in hours.
pub trait OdeModel {
    /// The drugs (or substances) the model can be dosed with.
    type Drug: Copy + std::fmt::Debug + PartialEq;
    /// Inputs that are not states (intake rates, infusions).
    type Inputs: Clone;

    fn n_states(&self) -> usize;
    /// State names, in vector order (CSV headers).
    fn state_names(&self) -> Vec<&'static str>;
    /// `(name, unit)` of the outputs computed from a state, beyond the states themselves.
    fn output_names(&self) -> Vec<(&'static str, &'static str)>;
    fn initial_state(&self) -> Vec<f64>;
    fn default_inputs(&self) -> Self::Inputs;
    fn rhs(&self, t_h: f64, y: &[f64], inputs: &Self::Inputs, dy: &mut [f64]);
    /// Derivatives of at least the model's upstream states, those nothing else feeds back into
    /// (the fast path, [`crate::FastSimulator`], integrates them on their own and calls this
    /// many times per simulated day). Other entries of `dy` may be left unchanged. The default
    /// is the full right-hand side.
    fn upstream_rhs(&self, t_h: f64, y: &[f64], inputs: &Self::Inputs, dy: &mut [f64]) {
        self.rhs(t_h, y, inputs, dy)
    }
    /// Exact Jacobian-vector product $J(y) v$.
    fn jvp(&self, t_h: f64, y: &[f64], v: &[f64], inputs: &Self::Inputs, out: &mut [f64]);
    fn outputs(&self, y: &[f64], out: &mut [f64]);
    /// Adds a bolus (amount in the drug's canonical unit) to the state.
    fn apply_bolus(&self, drug: Self::Drug, amount: f64, y: &mut [f64]);
    /// Starts (rate > 0) or stops (rate < 0) an infusion, canonical unit per hour.
    fn add_infusion(&self, drug: Self::Drug, rate_per_h: f64, inputs: &mut Self::Inputs);
    /// Resolves a drug name and an amount with its unit into the canonical amount.
    fn resolve_dose(
        &self,
        drug: &str,
        amount: f64,
        unit: &str,
    ) -> Result<(Self::Drug, f64), String>;
    /// Refuses an implausible amount (`amount` in `unit`, `canonical` as resolved) given within
    /// 24 h: the typo guard of the scenario reader. Models without such limits accept all.
    fn check_dose(
        &self,
        _drug: Self::Drug,
        _amount: f64,
        _unit: &str,
        _canonical: f64,
    ) -> Result<(), String> {
        Ok(())
    }
}

impl OdeModel for CalciumBoneModel {
    type Drug = Drug;
    type Inputs = Inputs;

    fn n_states(&self) -> usize {
        STATES.len()
    }
    fn state_names(&self) -> Vec<&'static str> {
        STATES.iter().map(|s| s.name).collect()
    }
    fn output_names(&self) -> Vec<(&'static str, &'static str)> {
        OUTPUTS.iter().map(|o| (o.name, o.unit)).collect()
    }
    fn initial_state(&self) -> Vec<f64> {
        CalciumBoneModel::initial_state(self)
    }
    fn default_inputs(&self) -> Inputs {
        CalciumBoneModel::default_inputs(self)
    }
    fn rhs(&self, t_h: f64, y: &[f64], inputs: &Inputs, dy: &mut [f64]) {
        self.rhs_generic(t_h, y, inputs, &k2bone_physiology::RateEffects::none(), dy)
    }
    fn jvp(&self, t_h: f64, y: &[f64], v: &[f64], inputs: &Inputs, out: &mut [f64]) {
        CalciumBoneModel::jvp(self, t_h, y, v, inputs, out)
    }
    fn outputs(&self, y: &[f64], out: &mut [f64]) {
        CalciumBoneModel::outputs(self, y, out)
    }
    fn apply_bolus(&self, drug: Drug, amount: f64, y: &mut [f64]) {
        CalciumBoneModel::apply_bolus(self, drug, amount, y)
    }
    fn add_infusion(&self, drug: Drug, rate_per_h: f64, inputs: &mut Inputs) {
        CalciumBoneModel::add_infusion(self, drug, rate_per_h, inputs)
    }
    fn check_dose(
        &self,
        drug: Drug,
        amount: f64,
        unit: &str,
        canonical: f64,
    ) -> Result<(), String> {
        k2bone_physiology::Agent::Core(drug).check_dose(amount, unit, canonical)
    }
    fn resolve_dose(&self, drug: &str, amount: f64, unit: &str) -> Result<(Drug, f64), String> {
        let d = Drug::parse(drug).map_err(|e| e.to_string())?;
        let a = d.to_canonical(amount, unit).map_err(|e| e.to_string())?;
        Ok((d, a))
    }
}

impl OdeModel for k2bone_physiology::BoneHealthModel {
    type Drug = k2bone_physiology::Agent;
    type Inputs = Inputs;

    fn n_states(&self) -> usize {
        k2bone_physiology::N_FULL
    }
    fn state_names(&self) -> Vec<&'static str> {
        STATES
            .iter()
            .map(|s| s.name)
            .chain(k2bone_physiology::EXT_STATES.iter().map(|s| s.0))
            .collect()
    }
    fn output_names(&self) -> Vec<(&'static str, &'static str)> {
        OUTPUTS
            .iter()
            .chain(k2bone_physiology::EXT_OUTPUTS)
            .map(|o| (o.name, o.unit))
            .collect()
    }
    fn initial_state(&self) -> Vec<f64> {
        k2bone_physiology::BoneHealthModel::initial_state(self)
    }
    fn default_inputs(&self) -> Inputs {
        k2bone_physiology::BoneHealthModel::default_inputs(self)
    }
    fn rhs(&self, t_h: f64, y: &[f64], inputs: &Inputs, dy: &mut [f64]) {
        k2bone_physiology::BoneHealthModel::rhs(self, t_h, y, inputs, dy)
    }
    fn upstream_rhs(&self, _t_h: f64, y: &[f64], inputs: &Inputs, dy: &mut [f64]) {
        k2bone_physiology::BoneHealthModel::upstream_rhs(self, y, inputs, dy)
    }
    fn jvp(&self, t_h: f64, y: &[f64], v: &[f64], inputs: &Inputs, out: &mut [f64]) {
        k2bone_physiology::BoneHealthModel::jvp(self, t_h, y, v, inputs, out)
    }
    fn outputs(&self, y: &[f64], out: &mut [f64]) {
        k2bone_physiology::BoneHealthModel::outputs(self, y, out)
    }
    fn apply_bolus(&self, agent: Self::Drug, amount: f64, y: &mut [f64]) {
        k2bone_physiology::BoneHealthModel::apply_bolus(self, agent, amount, y)
    }
    fn add_infusion(&self, agent: Self::Drug, rate_per_h: f64, inputs: &mut Inputs) {
        k2bone_physiology::BoneHealthModel::add_infusion(self, agent, rate_per_h, inputs)
    }
    fn check_dose(
        &self,
        agent: Self::Drug,
        amount: f64,
        unit: &str,
        canonical: f64,
    ) -> Result<(), String> {
        agent.check_dose(amount, unit, canonical)
    }
    fn resolve_dose(
        &self,
        drug: &str,
        amount: f64,
        unit: &str,
    ) -> Result<(Self::Drug, f64), String> {
        let a = k2bone_physiology::Agent::parse(drug).map_err(|e| e.to_string())?;
        let x = a.to_canonical(amount, unit).map_err(|e| e.to_string())?;
        Ok((a, x))
    }
}
