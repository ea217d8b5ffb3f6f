//! Fuzzy search over food names and aliases, ranked by relevance (issue 14).
//!
//! Names are folded (lower case, accents removed, punctuation to spaces) and split into words.
//! Each query word is matched against its best word of a name: *exact* (1), the same word in
//! singular or plural (`tomatoes` ~ `tomato`, 0.95), a *prefix* (`gou` → `gouda`, 0.9), or a
//! *typo* (Jaro–Winkler similarity ≥ 0.88 scaled by 0.8: `goudda` → `gouda`). Names rank by
//!
//! 1. the whole query equal to the name or an alias;
//! 2. how many query words match exactly, by plural or by prefix (so `gouda` finds
//!    "Cheese, gouda" before the typo-near "Gourd, dishcloth", and `sauerkraut` finds
//!    "Sauerkraut" before any sauce);
//! 3. how many match at all;
//! 4. common foods first (foods an alias or the curated common-name list points to);
//! 5. the mean word score less 0.02 per extra word in the name ("Cheese, gouda" before
//!    "Cheese, gouda, reduced fat");
//! 6. the shorter name.
//!
//! Names that match only by typo are dropped when any name matches a word exactly, by plural or
//! by prefix.
//!
//! A result's score (0, 1] is 1 for a whole-name match, else the mean word score less the
//! extra-word penalty, at most 0.99. One pass over ~9,000 names per query.

/// One searchable string (a food name or alias) and the food it belongs to.
#[derive(Debug, Clone)]
struct Entry {
    food: usize,
    folded: String,
    words: Vec<String>,
    common: bool,
}

/// The folded names and aliases of every food.
#[derive(Debug, Clone, Default)]
pub struct SearchIndex {
    entries: Vec<Entry>,
}

/// A search result: the food's position in the database and its score in (0, 1].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hit {
    pub food: usize,
    pub score: f64,
    /// Every query word matched the name exactly, by plural or by prefix (or the whole name).
    pub all_words: bool,
    /// Every query word matched the name in some way (typos included).
    pub all_matched: bool,
}

/// Lower case, common Latin accents removed, anything not a letter or digit becomes a space, runs
/// of spaces collapsed.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars().flat_map(char::to_lowercase) {
        let c = match c {
            'à' | 'á' | 'â' | 'ä' | 'ã' | 'å' => 'a',
            'è' | 'é' | 'ê' | 'ë' => 'e',
            'ì' | 'í' | 'î' | 'ï' => 'i',
            'ò' | 'ó' | 'ô' | 'ö' | 'õ' | 'ø' => 'o',
            'ù' | 'ú' | 'û' | 'ü' => 'u',
            'ç' => 'c',
            'ñ' => 'n',
            c if c.is_alphanumeric() => c,
            _ => ' ',
        };
        if c != ' ' || !out.ends_with(' ') {
            out.push(c);
        }
    }
    out.trim().to_string()
}

fn words(folded: &str) -> Vec<String> {
    folded
        .split(' ')
        .filter(|w| !w.is_empty())
        .map(String::from)
        .collect()
}

/// Singular of an English plural, roughly: `tomatoes` → `tomato`, `berries` → `berry`,
/// `slices` → `slice`, `peaches` → `peach`; other words unchanged.
pub fn singular(w: &str) -> String {
    let n = w.chars().count();
    if n > 4 && w.ends_with("ies") {
        format!("{}y", &w[..w.len() - 3])
    } else if n > 4
        && (w.ends_with("oes")
            || w.ends_with("ches")
            || w.ends_with("shes")
            || w.ends_with("xes")
            || w.ends_with("sses"))
    {
        w[..w.len() - 2].to_string()
    } else if n > 3 && w.ends_with('s') && !w.ends_with("ss") && !w.ends_with("us") {
        w[..w.len() - 1].to_string()
    } else {
        w.to_string()
    }
}

/// How a query word matches a name word: (score, strong). Strong = exact, plural or prefix.
fn word_match(q: &str, q_singular: &str, w: &str) -> (f64, bool) {
    if q == w {
        (1.0, true)
    } else if singular(w) == q_singular {
        (0.95, true)
    } else if w.starts_with(q) && q.chars().count() >= 2 {
        (0.9, true)
    } else {
        let jw = strsim::jaro_winkler(q, w);
        if jw >= 0.88 {
            (jw * 0.8, false)
        } else {
            (0.0, false)
        }
    }
}

/// The sort key of one entry for one query (larger is better, except `len`).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Rank {
    whole: bool,
    strong: usize,
    matched: usize,
    common: bool,
    score: f64,
    len: usize,
}

impl Rank {
    fn better_than(&self, o: &Rank) -> bool {
        self.cmp(o) == std::cmp::Ordering::Less
    }

    /// Best first.
    fn cmp(&self, o: &Rank) -> std::cmp::Ordering {
        o.whole
            .cmp(&self.whole)
            .then(o.strong.cmp(&self.strong))
            .then(o.matched.cmp(&self.matched))
            .then(o.common.cmp(&self.common))
            .then(o.score.total_cmp(&self.score))
            .then(self.len.cmp(&o.len))
    }
}

impl SearchIndex {
    /// Adds a name or alias of the food at position `food`; `common` marks a common food.
    pub fn add(&mut self, food: usize, text: &str, common: bool) {
        let folded = fold(text);
        let words = words(&folded);
        self.entries.push(Entry {
            food,
            folded,
            words,
            common,
        });
    }

    /// Number of searchable strings.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when nothing was added.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The best `limit` foods for `query` with a score of at least `min_score`, best first.
    pub fn search(&self, query: &str, limit: usize, min_score: f64) -> Vec<Hit> {
        let folded = fold(query);
        let qwords = words(&folded);
        if qwords.is_empty() || limit == 0 {
            return Vec::new();
        }
        let qsing: Vec<String> = qwords.iter().map(|q| singular(q)).collect();
        let mut best: std::collections::HashMap<usize, Rank> = Default::default();
        for e in &self.entries {
            let rank = if e.folded == folded {
                Rank {
                    whole: true,
                    strong: qwords.len(),
                    matched: qwords.len(),
                    common: e.common,
                    score: 1.0,
                    len: e.folded.len(),
                }
            } else {
                let (mut sum, mut strong, mut matched) = (0.0, 0, 0);
                for (q, qs) in qwords.iter().zip(&qsing) {
                    let (sc, st) = e
                        .words
                        .iter()
                        .map(|w| word_match(q, qs, w))
                        .fold((0.0, false), |a, b| if b.0 > a.0 { b } else { a });
                    sum += sc;
                    strong += usize::from(st);
                    matched += usize::from(sc > 0.0);
                }
                let extra = e.words.len().saturating_sub(qwords.len()) as f64;
                let score = (sum / qwords.len() as f64 - 0.02 * extra).min(0.99);
                Rank {
                    whole: false,
                    strong,
                    matched,
                    common: e.common,
                    score,
                    len: e.folded.len(),
                }
            };
            if rank.score >= min_score && rank.matched > 0 {
                let slot = best.entry(e.food).or_insert(rank);
                if rank.better_than(slot) {
                    *slot = rank;
                }
            }
        }
        // Typo-only names are shown only when no name matches a word exactly, by plural or by
        // prefix ("gouda" lists no gourds; "goudda" still finds Gouda).
        let any_strong = best.values().any(|r| r.strong > 0);
        let mut hits: Vec<(usize, Rank)> = best
            .into_iter()
            .filter(|(_, r)| !any_strong || r.strong > 0)
            .collect();
        hits.sort_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(&b.0)));
        hits.into_iter()
            .take(limit)
            .map(|(food, r)| Hit {
                food,
                score: r.score,
                all_words: r.whole || r.strong == qwords.len(),
                all_matched: r.whole || r.matched == qwords.len(),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index(names: &[&str]) -> SearchIndex {
        let mut ix = SearchIndex::default();
        for (i, n) in names.iter().enumerate() {
            ix.add(i, n, false);
        }
        ix
    }

    #[test]
    fn folding_removes_case_accents_and_punctuation() {
        assert_eq!(
            fold("  Goose liver PÂTÉ, (smoked) "),
            "goose liver pate smoked"
        );
        assert_eq!(
            fold("Milk, whole, 3.25% milkfat"),
            "milk whole 3 25 milkfat"
        );
    }

    #[test]
    fn exact_prefix_and_typo_rank_as_expected() {
        let ix = index(&[
            "Cheese, gouda, reduced fat",
            "Cheese, gouda",
            "Natto",
            "Cheese, brie",
        ]);
        let top = |q: &str| ix.search(q, 1, 0.5).first().map(|h| h.food);
        assert_eq!(top("gouda"), Some(1)); // fewer extra words wins
        assert_eq!(top("goudda"), Some(1)); // typo via Jaro-Winkler
        assert_eq!(top("nat"), Some(2)); // prefix
        assert_eq!(top("NATTO"), Some(2));
        assert_eq!(ix.search("natto", 5, 0.5)[0].score, 1.0);
        assert!(ix.search("xylophone", 5, 0.5).is_empty());
        assert!(ix.search("  ", 5, 0.0).is_empty());
    }

    #[test]
    fn word_matches_outrank_typos_and_common_foods_break_ties() {
        // The two cases: a typo-near word must not beat an exact one.
        let ix = index(&["Gourd, dishcloth (towelgourd), raw", "Cheese, gouda"]);
        assert_eq!(ix.search("gouda", 2, 0.5)[0].food, 1);
        let ix = index(&["Sauce, barbecue", "Sauerkraut, canned, solids and liquids"]);
        let hits = ix.search("sauerkraut", 5, 0.5);
        assert_eq!(hits[0].food, 1);
        assert!(hits[0].all_words);
        // Plural and singular match each other.
        let ix = index(&["Tomatoes, red, ripe, raw", "Tomato sauce"]);
        assert!(ix.search("tomato", 2, 0.5).iter().all(|h| h.all_words));
        // Equal matches: the common food first, whatever its length.
        let mut ix = SearchIndex::default();
        ix.add(0, "Milk, goat, fluid", false);
        ix.add(1, "Milk, whole, 3.25% milkfat, with added vitamin D", true);
        assert_eq!(ix.search("milk", 1, 0.0)[0].food, 1);
        assert_eq!(singular("berries"), "berry");
        assert_eq!(singular("peaches"), "peach");
        assert_eq!(singular("slices"), "slice");
        assert_eq!(singular("asparagus"), "asparagus");
        assert_eq!(singular("glass"), "glass");
    }
}
