//! "Did you mean": the one fuzzy match of k2bone and its one message format. Every unknown name
//! (a scenario key, an agent, a parameter, a state, a food, a built-in) is answered with the
//! closest known names, written as `; did you mean `x`?`.

/// How alike two names must be (Jaro–Winkler similarity of their lower-case forms, 0…1) to be
/// offered as a likely typo.
pub const MIN_SIMILARITY: f64 = 0.8;

/// The candidate closest to `word`, if alike enough to be a likely typo (case-insensitive).
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let word = word.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(&word, &c.to_lowercase()), c))
        .filter(|(score, _)| *score > MIN_SIMILARITY)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// `; did you mean `a`?` (or `` `a`, `b` or `c` `` for several), or empty when there is none.
pub fn did_you_mean<S: AsRef<str>>(suggestions: &[S]) -> String {
    let quoted: Vec<String> = suggestions
        .iter()
        .map(|s| format!("`{}`", s.as_ref()))
        .collect();
    match quoted.as_slice() {
        [] => String::new(),
        [one] => format!("; did you mean {one}?"),
        [init @ .., last] => format!("; did you mean {} or {last}?", init.join(", ")),
    }
}

/// [`did_you_mean`] of the [`closest`] candidate.
pub fn hint<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    did_you_mean(&closest(word, candidates).into_iter().collect::<Vec<_>>())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typos_get_the_closest_name_and_strangers_get_nothing() {
        let known = ["Qbone", "Qbone_ref", "ke0_per_h"];
        assert_eq!(closest("qbon", known), Some("Qbone"));
        assert_eq!(closest("ke0_per_hour", known), Some("ke0_per_h"));
        assert_eq!(closest("zzz", known), None);
        assert_eq!(hint("Qbon", known), "; did you mean `Qbone`?");
        assert_eq!(hint("zzz", known), "");
        assert_eq!(
            did_you_mean(&["Natto", "Cheese, gouda", "Egg"]),
            "; did you mean `Natto`, `Cheese, gouda` or `Egg`?"
        );
    }
}
