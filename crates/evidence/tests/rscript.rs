//! Running R for the metafor cross-checks. Tests call [`rscript`]; it returns `None` (and the
//! test prints why and passes) only when `Rscript` is missing AND `K2BONE_REQUIRE_R` is unset.
//! In CI `K2BONE_REQUIRE_R=1`, so a missing R or metafor fails the test.
#![allow(dead_code)]

use std::path::Path;
use std::process::Command;

/// Runs `Rscript args...`; panics with R's stderr if R fails.
pub fn rscript(args: &[&str]) -> Option<String> {
    let required = std::env::var_os("K2BONE_REQUIRE_R").is_some();
    match Command::new("Rscript").args(args).output() {
        Err(e) => {
            assert!(
                !required,
                "K2BONE_REQUIRE_R is set but Rscript cannot run: {e}"
            );
            eprintln!(
                "SKIPPED: Rscript not found ({e}); set K2BONE_REQUIRE_R=1 to make this a failure"
            );
            None
        }
        Ok(out) => {
            assert!(
                out.status.success(),
                "Rscript {args:?} failed:\n{}",
                String::from_utf8_lossy(&out.stderr)
            );
            Some(String::from_utf8_lossy(&out.stdout).into_owned())
        }
    }
}

/// Path of a script under `validation/metafor/`.
pub fn script(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../validation/metafor")
        .join(name)
        .to_string_lossy()
        .into_owned()
}
