# metafor's side of crates/evidence/benches/fit.rs: 10,000 rma(yi, vi, method = "REML") fits of
# 30 studies each, on the same deterministic data (same formula), timed in this R session.
# Usage: Rscript validation/metafor/bench.R   -> prints fits per second (REML and DL).
suppressMessages(library(metafor))
n_sets <- 10000; k <- 30
i <- 0:(k - 1)
dataset <- function(d) {
  yi <- 0.3 + 0.5 * sin(1.7 * d + 2.3 * i) + 0.2 * cos(0.37 * d * i + i)
  vi <- 0.01 + 0.2 * (0.5 + 0.5 * sin(0.91 * d + 1.3 * i + 0.5))^2
  list(yi = yi, vi = vi)
}
data <- lapply(0:(n_sets - 1), dataset)
for (method in c("REML", "DL")) {
  t <- system.time(for (s in data) rma(s$yi, s$vi, method = method))[["elapsed"]]
  cat(sprintf("metafor %s rma(), k = %d: %d fits in %.2f s = %.0f fits/s (metafor %s, %s)\n",
              method, k, n_sets, t, n_sets / t, packageVersion("metafor"), R.version.string))
}
