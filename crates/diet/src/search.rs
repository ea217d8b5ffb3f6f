//! Fuzzy search over food names and aliases.
//!
//! Names are folded (lower case, accents removed, punctuation to spaces) and split into words.
//! Each query word scores against its best word of a name: 1 for the same word, 0.9 for a prefix
//! ("gou" → "gouda"), else the Jaro–Winkler similarity (typos: "goudda") when it is ≥ 0.8. A name
//! scores the mean over query words, less 0.02 per extra word in the name, so "Cheese, gouda"
//! ranks before "Cheese, gouda, reduced fat". A whole-name match (name or alias) scores 1.
//! One pass over ~5,300 names per query; no index to build beyond the folded words.

/// One searchable string (a food name or alias) and the food it belongs to.
#[derive(Debug, Clone)]
struct Entry {
    food: usize,
    folded: String,
    words: Vec<String>,
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

fn word_score(q: &str, w: &str) -> f64 {
    if q == w {
        1.0
    } else if w.starts_with(q) && q.chars().count() >= 2 {
        0.9
    } else {
        let jw = strsim::jaro_winkler(q, w);
        if jw >= 0.8 {
            jw * 0.9
        } else {
            0.0
        }
    }
}

impl SearchIndex {
    /// Adds a name or alias of the food at position `food`.
    pub fn add(&mut self, food: usize, text: &str) {
        let folded = fold(text);
        let words = words(&folded);
        self.entries.push(Entry {
            food,
            folded,
            words,
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

    /// The best `limit` foods for `query` with a score of at least `min_score`, best first;
    /// ties go to the shorter name.
    pub fn search(&self, query: &str, limit: usize, min_score: f64) -> Vec<Hit> {
        let folded = fold(query);
        let qwords = words(&folded);
        if qwords.is_empty() || limit == 0 {
            return Vec::new();
        }
        let mut best: std::collections::HashMap<usize, (f64, usize)> = Default::default();
        for e in &self.entries {
            let score = if e.folded == folded {
                1.0
            } else {
                let sum: f64 = qwords
                    .iter()
                    .map(|q| e.words.iter().map(|w| word_score(q, w)).fold(0.0, f64::max))
                    .sum();
                let extra = e.words.len().saturating_sub(qwords.len()) as f64;
                (sum / qwords.len() as f64 - 0.02 * extra).min(0.99)
            };
            if score >= min_score {
                let slot = best.entry(e.food).or_insert((f64::MIN, usize::MAX));
                if score > slot.0 || (score == slot.0 && e.folded.len() < slot.1) {
                    *slot = (score, e.folded.len());
                }
            }
        }
        let mut hits: Vec<(Hit, usize)> = best
            .into_iter()
            .map(|(food, (score, len))| (Hit { food, score }, len))
            .collect();
        hits.sort_by(|a, b| {
            b.0.score
                .total_cmp(&a.0.score)
                .then(a.1.cmp(&b.1))
                .then(a.0.food.cmp(&b.0.food))
        });
        hits.into_iter().take(limit).map(|(h, _)| h).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index(names: &[&str]) -> SearchIndex {
        let mut ix = SearchIndex::default();
        for (i, n) in names.iter().enumerate() {
            ix.add(i, n);
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
}
