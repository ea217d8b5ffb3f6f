//! The one sentence every output that could be read as advice carries.

/// Printed (or embedded) with every simulation, diet, plan and evidence report.
pub const DISCLAIMER: &str = "k2bone is a mathematical model, not medical advice. \
People taking blood thinners (warfarin or other vitamin K antagonists) must talk to their \
clinician before changing their vitamin K intake.";
