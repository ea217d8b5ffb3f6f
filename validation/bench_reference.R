# Times the R/deSolve reference (validation/reference_model.R) on the two workloads of
# crates/sim/benches/solve.rs, with the same tolerances and output grids:
#   baseline-10y: no dosing, 10 years, weekly output, LSODA rtol = atol = 1e-10
#   denosumab-60mg-q6m-4y: 60 mg every 4032 h x 8, 48 x 672 h, daily output, rtol = atol = 1e-8
# Usage: Rscript validation/bench_reference.R [repeats]
# Prints the median wall time of each workload in ms.
args <- commandArgs(trailingOnly = TRUE)
reps <- if (length(args) >= 1) as.integer(args[1]) else 5
here <- dirname(normalizePath(sub("--file=", "", grep("--file=", commandArgs(FALSE), value = TRUE))))
src <- readLines(file.path(here, "reference_model.R"))
# Load the definitions only (everything before the checks section).
stop_at <- grep("^# -+ 1. baseline identities", src)[1]
eval(parse(text = src[1:(stop_at - 1)]))
time_ms <- function(f) { t <- replicate(reps, system.time(f())[["elapsed"]]); median(t) * 1000 }
weekly <- seq(0, 10 * 365 * 24, by = 24 * 7)
b <- time_ms(function() run(y0, weekly, rtol = 1e-10, atol = 1e-10))
month <- 24 * 28
ev <- data.frame(var = "DENSC", time = 6 * month * (0:7), value = 60 * par$DENF * 1e6, method = "add")
dn <- time_ms(function() run(y0, seq(0, 48 * month, by = 24), events = list(data = ev), rtol = 1e-8, atol = 1e-8))
cat(sprintf("R %s, deSolve %s, %d repeats (median)\n", getRversion(), packageVersion("deSolve"), reps))
cat(sprintf("baseline-10y            %10.1f ms\n", b))
cat(sprintf("denosumab-60mg-q6m-4y   %10.1f ms\n", dn))
