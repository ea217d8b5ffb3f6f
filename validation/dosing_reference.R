# Writes golden trajectories of dosed runs from the R/deSolve reference (reference_model.R),
# for crates/sim/tests/reference_dosed.rs:
#   denosumab-60mg-q6m-4y.csv : 60 mg SC every 4032 h x 8, 48 x 672 h, weekly, LSODA rtol = atol = 1e-10
#   teriparatide-20ug-daily.csv: 20 ug SC every 24 h x 10, 240 h, every 0.5 h, LSODA rtol = atol = 1e-10
# Usage: Rscript validation/dosing_reference.R OUTDIR
args <- commandArgs(trailingOnly = TRUE)
outdir <- if (length(args) >= 1) args[1] else "."
here <- dirname(normalizePath(sub("--file=", "", grep("--file=", commandArgs(FALSE), value = TRUE))))
src <- readLines(file.path(here, "reference_model.R"))
stop_at <- grep("^# -+ 1. baseline identities", src)[1]
eval(parse(text = src[1:(stop_at - 1)]))
keep <- c("PTH","P","B","AOH","ECCPhos","T","R","S","PTmax","OC","ROB1","OBfast","OBslow","L","RNK","M","N","O",
          "TGFB","TGFBact","Q","Qbone","HAp","RX2","CREB","BCL2","BMDls","BMDlsDEN","BMDfn",
          "TERISC","DENSC","DENCENT","DENPER","UCA")
write_run <- function(o, file, note) {
  con <- file(file.path(outdir, file), "w")
  writeLines(c(paste0("# Provenance: validation/dosing_reference.R (R ", getRversion(), ", deSolve ",
                      packageVersion("deSolve"), ", LSODA rtol = atol = 1e-10), ", note, "."),
               "# Tolerance used by crates/sim/tests/reference_dosed.rs: 1e-4 relative."), con)
  df <- data.frame(time_h = o$time, o[, keep])
  write.csv(df, con, row.names = FALSE)
  close(con)
}
month <- 24 * 28
ev <- data.frame(var = "DENSC", time = 6 * month * (0:7), value = 60 * par$DENF * 1e6, method = "add")
o <- run(y0, seq(0, 48 * month, by = 24 * 7), events = list(data = ev), rtol = 1e-10, atol = 1e-10)
write_run(o, "denosumab-60mg-q6m-4y.csv", "denosumab 60 mg every 4032 h x 8, weekly to 32256 h")
ev <- data.frame(var = "TERISC", time = 24 * (0:9), value = 20 * 1e6 / 4117.8 * par$TERIF, method = "add")
o <- run(y0, seq(0, 240, by = 0.5), events = list(data = ev), rtol = 1e-10, atol = 1e-10)
write_run(o, "teriparatide-20ug-daily.csv", "teriparatide 20 ug every 24 h x 10, every 0.5 h to 240 h")
