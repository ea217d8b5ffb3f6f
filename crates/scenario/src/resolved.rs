//! A scenario printed back as TOML with every default filled in (`k2bone scenario check`). The
//! text re-parses to the same scenario (a test checks the round trip for every example).

use std::fmt::Write;

use k2bone_physiology::fracture::Sex;
use k2bone_physiology::Agent;

use crate::{Anticoagulant, Scenario};

fn quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A float that TOML reads back exactly.
fn num(v: f64) -> String {
    let s = format!("{v:?}");
    if s.contains('.') || s.contains('e') || s.contains("inf") || s.contains("NaN") {
        s
    } else {
        format!("{s}.0")
    }
}

pub(crate) fn to_toml(s: &Scenario) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "# {} with every default filled in (k2bone scenario check)",
        s.origin
    );
    let _ = writeln!(o, "schema = {}", s.schema);
    if let Some(t) = &s.title {
        let _ = writeln!(o, "title = {}", quote(t));
    }
    if let Some(q) = &s.question {
        let _ = writeln!(o, "question = {}", quote(q));
    }
    // The control arm, if one was added, is written out as an arm of its own.
    let _ = writeln!(o, "control_arm = false  # arms below are complete");
    let p = &s.person;
    let _ = writeln!(o, "\n[person]");
    let _ = writeln!(
        o,
        "sex = {}",
        quote(if p.sex == Sex::Female {
            "female"
        } else {
            "male"
        })
    );
    let _ = writeln!(o, "age_years = {}", num(p.age_years));
    match p.years_since_menopause {
        Some(y) => {
            let _ = writeln!(o, "years_since_menopause = {}", num(y));
        }
        None if p.sex == Sex::Female => {
            let _ = writeln!(o, "# years_since_menopause: not given; the model's clock is the age (menopause at 51 in the model)");
        }
        None => {}
    }
    if let Some(w) = p.weight_kg {
        let _ = writeln!(
            o,
            "weight_kg = {}  # recorded, not used by the model",
            num(w)
        );
    }
    let _ = writeln!(
        o,
        "calcium_intake = {}",
        quote(&format!("{} mg/day", num(p.calcium_intake_mg_per_day)))
    );
    let _ = writeln!(
        o,
        "d25 = {}",
        quote(&format!("{} nmol/L", num(p.d25_nmol_l)))
    );
    let _ = writeln!(
        o,
        "bmd_z_scores = {{ lumbar_spine = {}, femoral_neck = {} }}",
        num(p.bmd_z_scores.lumbar_spine),
        num(p.bmd_z_scores.femoral_neck)
    );
    if let Some(t) = p.bmd_t_scores {
        let _ = writeln!(
            o,
            "bmd_t_scores = {{ lumbar_spine = {}, femoral_neck = {} }}  # recorded, not used",
            num(t.lumbar_spine),
            num(t.femoral_neck)
        );
    }
    match p.anticoagulant {
        Anticoagulant::None => {
            let _ = writeln!(o, "anticoagulant = \"none\"");
        }
        Anticoagulant::Doac => {
            let _ = writeln!(
                o,
                "anticoagulant = \"doac\"  # no vitamin K term in the model"
            );
        }
        Anticoagulant::Warfarin {
            inr,
            recycling_inhibition,
        } => {
            let _ = writeln!(o, "anticoagulant = \"warfarin\"");
            let _ = writeln!(
                o,
                "inr = {}  # stable INR on the usual diet; derived vitamin K recycling inhibition {}",
                num(inr),
                num(recycling_inhibition)
            );
        }
    }
    let m = &s.simulation;
    let _ = writeln!(o, "\n[simulation]");
    let _ = writeln!(
        o,
        "duration = {}",
        quote(&format!("{} days", num(m.duration_days)))
    );
    let _ = writeln!(
        o,
        "output_every = {}",
        quote(&format!("{} hours", num(m.output_every_h)))
    );
    let _ = writeln!(o, "rtol = {}", num(m.rtol));
    let _ = writeln!(o, "atol = {}", num(m.atol));
    let _ = writeln!(o, "k2_fracture_effect = {}", m.k2_fracture_effect);
    for arm in &s.arms {
        let _ = writeln!(o, "\n[arms.{}]", quote(&arm.name));
        if let Some(d) = &arm.description {
            let _ = writeln!(o, "description = {}", quote(d));
        }
        if let Some(p) = &arm.diet {
            let _ = writeln!(o, "diet = {}", quote(&p.display().to_string()));
        }
        for d in &arm.regimen {
            let _ = writeln!(o, "[[arms.{}.supplement]]", quote(&arm.name));
            let _ = writeln!(o, "agent = {}", quote(&d.agent_name));
            let _ = writeln!(
                o,
                "dose = {}",
                quote(&format!("{} {}", num(d.amount), d.unit))
            );
            let _ = writeln!(o, "schedule = {}", quote(&d.schedule.words()));
            if let Agent::VitaminK { vehicle, .. } = d.agent {
                let v = format!("{vehicle:?}").to_ascii_lowercase();
                let _ = writeln!(o, "vehicle = {}", quote(&v));
            }
            let _ = writeln!(o, "start_day = {}", num(d.start_day));
            if let Some(stop) = d.stop_day {
                let _ = writeln!(o, "stop_day = {}", num(stop));
            }
        }
    }
    o
}
