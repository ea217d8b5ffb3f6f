//! Models with closed-form solutions, to check the solver and the dosing loop (diffsol's
//! `test_models` pattern): first-order decay, and one-compartment oral absorption (Bateman).

use crate::model::OdeModel;

/// The only "drug" of the test models.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TestDose;

/// $\dot y = -k y$; a bolus adds to `y`, an infusion adds a rate.
#[derive(Debug, Clone, Copy)]
pub struct ExponentialDecay {
    pub k_per_h: f64,
    pub y0: f64,
}

impl ExponentialDecay {
    /// Closed form with bolus doses `(time_h, amount)` and no infusions.
    pub fn exact(&self, t_h: f64, boluses: &[(f64, f64)]) -> f64 {
        let mut y = self.y0 * (-self.k_per_h * t_h).exp();
        for &(td, a) in boluses {
            if td <= t_h {
                y += a * (-self.k_per_h * (t_h - td)).exp();
            }
        }
        y
    }
}

impl OdeModel for ExponentialDecay {
    type Drug = TestDose;
    type Inputs = f64;
    fn n_states(&self) -> usize {
        1
    }
    fn state_names(&self) -> Vec<&'static str> {
        vec!["y"]
    }
    fn output_names(&self) -> Vec<(&'static str, &'static str)> {
        vec![]
    }
    fn initial_state(&self) -> Vec<f64> {
        vec![self.y0]
    }
    fn default_inputs(&self) -> f64 {
        0.0
    }
    fn rhs(&self, _t: f64, y: &[f64], rate: &f64, dy: &mut [f64]) {
        dy[0] = -self.k_per_h * y[0] + rate;
    }
    fn jvp(&self, _t: f64, _y: &[f64], v: &[f64], _rate: &f64, out: &mut [f64]) {
        out[0] = -self.k_per_h * v[0];
    }
    fn outputs(&self, _y: &[f64], _out: &mut [f64]) {}
    fn apply_bolus(&self, _d: TestDose, amount: f64, y: &mut [f64]) {
        y[0] += amount;
    }
    fn add_infusion(&self, _d: TestDose, rate_per_h: f64, rate: &mut f64) {
        *rate += rate_per_h;
    }
    fn resolve_dose(
        &self,
        _drug: &str,
        amount: f64,
        _unit: &str,
    ) -> Result<(TestDose, f64), String> {
        Ok((TestDose, amount))
    }
}

/// Depot → central → out, with rate constants `ka`, `ke` (h⁻¹); output `conc` = central / V.
#[derive(Debug, Clone, Copy)]
pub struct OneCompartmentOral {
    pub ka_per_h: f64,
    pub ke_per_h: f64,
    pub volume_l: f64,
}

impl OneCompartmentOral {
    /// Central amount after boluses `(time_h, amount)` into the depot (Bateman function).
    pub fn exact_central(&self, t_h: f64, boluses: &[(f64, f64)]) -> f64 {
        let (ka, ke) = (self.ka_per_h, self.ke_per_h);
        boluses
            .iter()
            .filter(|(td, _)| *td <= t_h)
            .map(|&(td, a)| {
                let s = t_h - td;
                a * ka / (ka - ke) * ((-ke * s).exp() - (-ka * s).exp())
            })
            .sum()
    }
}

impl OdeModel for OneCompartmentOral {
    type Drug = TestDose;
    type Inputs = ();
    fn n_states(&self) -> usize {
        2
    }
    fn state_names(&self) -> Vec<&'static str> {
        vec!["depot", "central"]
    }
    fn output_names(&self) -> Vec<(&'static str, &'static str)> {
        vec![("conc", "amount/L")]
    }
    fn initial_state(&self) -> Vec<f64> {
        vec![0.0, 0.0]
    }
    fn default_inputs(&self) {}
    fn rhs(&self, _t: f64, y: &[f64], _i: &(), dy: &mut [f64]) {
        dy[0] = -self.ka_per_h * y[0];
        dy[1] = self.ka_per_h * y[0] - self.ke_per_h * y[1];
    }
    fn jvp(&self, _t: f64, _y: &[f64], v: &[f64], _i: &(), out: &mut [f64]) {
        out[0] = -self.ka_per_h * v[0];
        out[1] = self.ka_per_h * v[0] - self.ke_per_h * v[1];
    }
    fn outputs(&self, y: &[f64], out: &mut [f64]) {
        out[0] = y[1] / self.volume_l;
    }
    fn apply_bolus(&self, _d: TestDose, amount: f64, y: &mut [f64]) {
        y[0] += amount;
    }
    fn add_infusion(&self, _d: TestDose, _rate: f64, _i: &mut ()) {}
    fn resolve_dose(
        &self,
        _drug: &str,
        amount: f64,
        _unit: &str,
    ) -> Result<(TestDose, f64), String> {
        Ok((TestDose, amount))
    }
}
