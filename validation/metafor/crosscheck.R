# Reference numbers for k2bone's meta-analysis engine, computed by metafor at test time.
#
# Usage: Rscript crosscheck.R OUTDIR
# Writes OUTDIR/{bcg,normand,hackshaw,yusuf}.csv (metafor example datasets from the metadat
# package, exported with write.csv in k2bone's column layout) and OUTDIR/reference.tsv with one
# `name<TAB>value` line per number (17 significant digits). Names are
# `dataset/measure/method/test/quantity[/index]`; the Rust test computes the same names with
# k2bone-evidence and compares them (crates/evidence/tests/metafor_crosscheck.rs).
# Every metafor call is the default call with the arguments shown (metafor 3.8-1).

suppressMessages(library(metafor))
args <- commandArgs(trailingOnly = TRUE)
out <- args[1]
con <- file(file.path(out, "reference.tsv"), "w")
put <- function(name, value) {
  for (i in seq_along(value)) {
    v <- value[i]
    if (is.na(v) || !is.finite(v)) next
    nm <- if (length(value) > 1) paste0(name, "/", i) else name
    writeLines(paste0(nm, "\t", formatC(v, digits = 17, format = "g")), con)
  }
}
putstr <- function(name, value) writeLines(paste0(name, "\t", value), con)
writeLines(paste0("#metafor\t", as.character(packageVersion("metafor"))), con)

# ---- datasets, in k2bone's CSV layout --------------------------------------------------------
bcg <- data.frame(study = paste(dat.bcg$author, dat.bcg$year), ai = dat.bcg$tpos, bi = dat.bcg$tneg,
                  ci = dat.bcg$cpos, di = dat.bcg$cneg, ablat = dat.bcg$ablat, year = dat.bcg$year,
                  alloc = dat.bcg$alloc)
write.csv(bcg, file.path(out, "bcg.csv"), row.names = FALSE)
nor <- data.frame(study = dat.normand1999$source, m1i = dat.normand1999$m1i, sd1i = dat.normand1999$sd1i,
                  n1i = dat.normand1999$n1i, m2i = dat.normand1999$m2i, sd2i = dat.normand1999$sd2i,
                  n2i = dat.normand1999$n2i)
write.csv(nor, file.path(out, "normand.csv"), row.names = FALSE)
hack <- data.frame(study = paste(dat.hackshaw1998$author, dat.hackshaw1998$year, dat.hackshaw1998$study),
                   yi = dat.hackshaw1998$yi, vi = dat.hackshaw1998$vi, design = dat.hackshaw1998$design)
write.csv(hack, file.path(out, "hackshaw.csv"), row.names = FALSE)
y6 <- subset(dat.yusuf1985, table == "6" & !is.na(ai))
yus <- data.frame(study = paste(y6$id, y6$trial), ai = y6$ai, bi = y6$n1i - y6$ai, ci = y6$ci, di = y6$n2i - y6$ci)
write.csv(yus, file.path(out, "yusuf.csv"), row.names = FALSE)

methods <- c("FE", "DL", "REML", "ML", "PM", "HE", "SJ", "EB")
fitout <- function(pre, res, pred = TRUE, ci = TRUE) {
  put(paste0(pre, "/estimate"), res$b[1]); put(paste0(pre, "/se"), res$se)
  put(paste0(pre, "/zval"), res$zval); put(paste0(pre, "/pvalue"), res$pval)
  put(paste0(pre, "/ci_lower"), res$ci.lb); put(paste0(pre, "/ci_upper"), res$ci.ub)
  put(paste0(pre, "/tau2"), res$tau2); put(paste0(pre, "/q"), res$QE); put(paste0(pre, "/q_pvalue"), res$QEp)
  put(paste0(pre, "/i2"), res$I2); put(paste0(pre, "/h2"), res$H2)
  if (!res$method %in% c("FE", "EE")) {
    put(paste0(pre, "/tau2_se"), res$se.tau2)
    p <- predict(res)
    put(paste0(pre, "/pi_lower"), p$pi.lb); put(paste0(pre, "/pi_upper"), p$pi.ub)
    if (ci) {
      cf <- confint(res)$random
      put(paste0(pre, "/tau2_ci_lower"), cf["tau^2", "ci.lb"]); put(paste0(pre, "/tau2_ci_upper"), cf["tau^2", "ci.ub"])
      put(paste0(pre, "/i2_ci_lower"), cf["I^2(%)", "ci.lb"]); put(paste0(pre, "/i2_ci_upper"), cf["I^2(%)", "ci.ub"])
      put(paste0(pre, "/h2_ci_lower"), cf["H^2", "ci.lb"]); put(paste0(pre, "/h2_ci_upper"), cf["H^2", "ci.ub"])
    }
  }
}

# ---- escalc + rma for every measure, method and test ----------------------------------------
sets <- list(
  list(name = "bcg", data = bcg, measures = c("OR", "RR", "RD")),
  list(name = "normand", data = nor, measures = c("MD", "SMD")),
  list(name = "hackshaw", data = hack, measures = c("GEN")),
  list(name = "yusuf", data = yus, measures = c("OR", "RR", "RD")))
for (s in sets) for (m in s$measures) {
  d <- s$data
  es <- if (m == "GEN") escalc(measure = "GEN", yi = yi, vi = vi, data = d)
        else if (m %in% c("MD", "SMD")) escalc(measure = m, m1i = m1i, sd1i = sd1i, n1i = n1i, m2i = m2i, sd2i = sd2i, n2i = n2i, data = d)
        else escalc(measure = m, ai = ai, bi = bi, ci = ci, di = di, data = d)
  put(paste0(s$name, "/", m, "/escalc/yi"), es$yi); put(paste0(s$name, "/", m, "/escalc/vi"), es$vi)
  for (meth in methods) for (tst in c("z", "knha")) {
    # rma(yi, vi, data = es, method = meth, test = tst); predict(res); confint(res)
    res <- suppressWarnings(rma(yi, vi, data = es, method = meth, test = tst))
    fitout(paste(s$name, m, meth, tst, sep = "/"), res)
  }
}

# ---- Mantel-Haenszel and Peto ----------------------------------------------------------------
for (nm in c("bcg", "yusuf")) {
  d <- if (nm == "bcg") bcg else yus
  for (m in c("OR", "RR", "RD")) {
    res <- rma.mh(ai = ai, bi = bi, ci = ci, di = di, data = d, measure = m)
    pre <- paste(nm, m, "MH", sep = "/")
    put(paste0(pre, "/estimate"), res$b[1]); put(paste0(pre, "/se"), res$se); put(paste0(pre, "/pvalue"), res$pval)
    put(paste0(pre, "/ci_lower"), res$ci.lb); put(paste0(pre, "/ci_upper"), res$ci.ub)
    put(paste0(pre, "/q"), res$QE); put(paste0(pre, "/q_pvalue"), res$QEp); put(paste0(pre, "/i2"), res$I2); put(paste0(pre, "/h2"), res$H2)
    if (m == "OR") { put(paste0(pre, "/cmh"), res$MH); put(paste0(pre, "/cmh_pvalue"), res$MHp) }
  }
  res <- rma.peto(ai = ai, bi = bi, ci = ci, di = di, data = d)
  pre <- paste(nm, "OR", "PETO", sep = "/")
  put(paste0(pre, "/estimate"), res$b[1]); put(paste0(pre, "/se"), res$se); put(paste0(pre, "/pvalue"), res$pval)
  put(paste0(pre, "/ci_lower"), res$ci.lb); put(paste0(pre, "/ci_upper"), res$ci.ub)
  put(paste0(pre, "/q"), res$QE); put(paste0(pre, "/q_pvalue"), res$QEp); put(paste0(pre, "/i2"), res$I2); put(paste0(pre, "/h2"), res$H2)
}

# ---- subgroups: separate fits per alloc group, then FE model of the subgroup estimates -----
esb <- escalc(measure = "OR", ai = ai, bi = bi, ci = ci, di = di, data = bcg)
for (meth in c("REML", "DL", "FE")) for (tst in c("z", "knha")) {
  grp <- unique(bcg$alloc)
  fits <- lapply(grp, function(g) suppressWarnings(rma(yi, vi, data = esb, subset = alloc == g, method = meth, test = tst)))
  pre <- paste("bcg/OR/subgroup", meth, tst, sep = "/")
  put(paste0(pre, "/estimate"), sapply(fits, function(r) r$b[1])); put(paste0(pre, "/se"), sapply(fits, function(r) r$se))
  put(paste0(pre, "/tau2"), sapply(fits, function(r) r$tau2))
  qb <- rma(sapply(fits, function(r) r$b[1]), sei = sapply(fits, function(r) r$se), method = "FE")
  put(paste0(pre, "/q_between"), qb$QE); put(paste0(pre, "/q_between_pvalue"), qb$QEp)
}

# ---- meta-regression: rma(yi, vi, mods = ~ ..., method, test) --------------------------------
regs <- list(numeric = ~ ablat + year, mixed = ~ ablat + factor(alloc))
for (rn in names(regs)) for (meth in c("REML", "DL", "ML", "PM", "FE")) for (tst in c("z", "knha")) {
  res <- suppressWarnings(rma(yi, vi, mods = regs[[rn]], data = esb, method = meth, test = tst))
  pre <- paste("bcg/OR/metareg", rn, meth, tst, sep = "/")
  put(paste0(pre, "/b"), res$b); put(paste0(pre, "/se"), res$se); put(paste0(pre, "/zval"), res$zval)
  put(paste0(pre, "/pvalue"), res$pval); put(paste0(pre, "/ci_lower"), res$ci.lb); put(paste0(pre, "/ci_upper"), res$ci.ub)
  put(paste0(pre, "/qm"), res$QM); put(paste0(pre, "/qm_pvalue"), res$QMp); put(paste0(pre, "/qe"), res$QE)
  put(paste0(pre, "/qe_pvalue"), res$QEp); put(paste0(pre, "/tau2"), res$tau2); put(paste0(pre, "/i2"), res$I2); put(paste0(pre, "/h2"), res$H2)
}

# ---- leave-one-out and cumulative: leave1out(res), cumul(res) --------------------------------
for (meth in c("REML", "DL", "PM")) for (tst in c("z", "knha")) {
  res <- rma(yi, vi, data = esb, method = meth, test = tst)
  for (kind in c("loo", "cumul")) {
    r <- if (kind == "loo") leave1out(res) else cumul(res)
    from <- if (kind == "cumul" && tst == "knha") 2 else 1   # k = 1 has no t-based CI
    idx <- from:length(r$estimate)
    pre <- paste("bcg/OR", kind, meth, tst, sep = "/")
    for (q in c("estimate", "se", "zval", "pval", "ci.lb", "ci.ub", "Q", "Qp", "tau2", "I2", "H2")) {
      v <- rep(NA, length(r$estimate)); col <- r[[q, exact = FALSE]]; if (is.null(col) && q == "zval") col <- r$tval  # "tval" under knha
      v[idx] <- col[idx]
      put(paste0(pre, "/", q), v)
    }
  }
}

# ---- Egger (regtest) and trim-and-fill -------------------------------------------------------
for (meth in c("REML", "DL", "FE")) for (tst in c("z", "knha")) {
  res <- rma(yi, vi, data = hack, method = meth, test = tst)
  rt <- regtest(res)
  pre <- paste("hackshaw/GEN/egger", meth, tst, sep = "/")
  put(paste0(pre, "/zval"), rt$zval); put(paste0(pre, "/pvalue"), rt$pval); put(paste0(pre, "/limit"), rt$est)
  put(paste0(pre, "/limit_ci_lower"), rt$ci.lb); put(paste0(pre, "/limit_ci_upper"), rt$ci.ub)
  tf <- trimfill(res)
  pre <- paste("hackshaw/GEN/trimfill", meth, tst, sep = "/")
  put(paste0(pre, "/k0"), tf$k0); put(paste0(pre, "/se_k0"), tf$se.k0); putstr(paste0(pre, "/side"), tf$side)
  put(paste0(pre, "/estimate"), tf$b[1]); put(paste0(pre, "/se"), tf$se); put(paste0(pre, "/ci_lower"), tf$ci.lb)
  put(paste0(pre, "/ci_upper"), tf$ci.ub); put(paste0(pre, "/tau2"), tf$tau2)
}
rt <- regtest(rma(yi, vi, data = hack, method = "REML"), model = "lm")
put("hackshaw/GEN/egger_lm/zval", rt$zval); put("hackshaw/GEN/egger_lm/pvalue", rt$pval); put("hackshaw/GEN/egger_lm/limit", rt$est)
put("hackshaw/GEN/egger_lm/limit_ci_lower", rt$ci.lb); put("hackshaw/GEN/egger_lm/limit_ci_upper", rt$ci.ub)
for (meth in c("REML", "FE")) {
  # trimfill on bcg log RR (side and k0 differ from hackshaw)
  tf <- trimfill(rma(measure = "RR", ai = ai, bi = bi, ci = ci, di = di, data = bcg, method = meth))
  pre <- paste("bcg/RR/trimfill", meth, "z", sep = "/")
  put(paste0(pre, "/k0"), tf$k0); put(paste0(pre, "/se_k0"), tf$se.k0); putstr(paste0(pre, "/side"), tf$side)
  put(paste0(pre, "/estimate"), tf$b[1]); put(paste0(pre, "/se"), tf$se); put(paste0(pre, "/tau2"), tf$tau2)
}
close(con)
