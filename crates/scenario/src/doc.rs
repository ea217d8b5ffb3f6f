//! Walking a parsed TOML document with field paths and source positions, so every error can
//! say where it is; unknown keys are refused with a "did you mean".

use std::ops::Range;

use toml_edit::{Item, TableLike, Value};

use crate::ScenarioError;

/// The file being read: its name and text (for line and column numbers).
pub(crate) struct Ctx<'a> {
    pub origin: &'a str,
    pub text: &'a str,
}

impl Ctx<'_> {
    /// 1-based line and column of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let before = &self.text.as_bytes()[..offset];
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        let line_start = before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        let column = String::from_utf8_lossy(&before[line_start..])
            .chars()
            .count()
            + 1;
        (line, column)
    }

    pub fn err(
        &self,
        span: Option<Range<usize>>,
        field: &str,
        message: impl Into<String>,
    ) -> ScenarioError {
        let (line, column) = match span {
            Some(r) => {
                let (l, c) = self.line_col(r.start);
                (Some(l), Some(c))
            }
            None => (None, None),
        };
        ScenarioError {
            origin: self.origin.to_string(),
            line,
            column,
            field: field.to_string(),
            message: message.into(),
        }
    }
}

/// What kind of TOML value an item is, for "expected …, found …" messages.
pub(crate) fn kind(item: &Item) -> &'static str {
    match item {
        Item::None => "nothing",
        Item::Value(Value::String(_)) => "a string",
        Item::Value(Value::Integer(_)) => "an integer",
        Item::Value(Value::Float(_)) => "a number",
        Item::Value(Value::Boolean(_)) => "a boolean",
        Item::Value(Value::Datetime(_)) => "a date",
        Item::Value(Value::Array(_)) => "an array",
        Item::Value(Value::InlineTable(_)) | Item::Table(_) => "a table",
        Item::ArrayOfTables(_) => "an array of tables",
    }
}

/// A key as written in a TOML dotted path: bare if it can be, else quoted (`""`, `"mk7+d3"`),
/// so a field path is never empty and reads back as the key it names.
pub(crate) fn quoted_key(key: &str) -> String {
    let bare = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if bare {
        key.to_string()
    } else {
        format!("{key:?}")
    }
}

/// A table (or inline table) at a field path.
pub(crate) struct Node<'a> {
    pub ctx: &'a Ctx<'a>,
    pub path: String,
    pub table: &'a dyn TableLike,
    pub span: Option<Range<usize>>,
}

impl<'a> Node<'a> {
    /// The path of a key in this table.
    pub fn field(&self, key: &str) -> String {
        let key = quoted_key(key);
        if self.path.is_empty() {
            key
        } else {
            format!("{}.{key}", self.path)
        }
    }

    /// The span of a key (or of its value), for errors.
    pub fn span_of(&self, key: &str) -> Option<Range<usize>> {
        self.table
            .get_key_value(key)
            .and_then(|(k, v)| k.span().or_else(|| v.span()))
            .or_else(|| self.span.clone())
    }

    pub fn err(&self, key: &str, message: impl Into<String>) -> ScenarioError {
        self.ctx.err(self.span_of(key), &self.field(key), message)
    }

    /// Refuses keys not in `allowed`, suggesting the closest.
    pub fn check_keys(&self, allowed: &[&str]) -> Result<(), ScenarioError> {
        for (key, _) in self.table.iter() {
            if !allowed.contains(&key) {
                let hint = k2bone_units::fuzzy::hint(key, allowed.iter().copied());
                return Err(self.err(
                    key,
                    format!(
                        "unknown key `{key}`{hint} (accepted here: {})",
                        allowed.join(", ")
                    ),
                ));
            }
        }
        Ok(())
    }

    pub fn get(&self, key: &str) -> Option<&'a Item> {
        self.table.get(key)
    }

    /// A string, if present.
    pub fn str(&self, key: &str, example: &str) -> Result<Option<&'a str>, ScenarioError> {
        match self.get(key) {
            None => Ok(None),
            Some(item) => item.as_str().map(Some).ok_or_else(|| {
                self.err(
                    key,
                    format!("expected a string like {example}, found {}", kind(item)),
                )
            }),
        }
    }

    /// A number (integer or float), if present; NaN and infinities are refused.
    pub fn num(&self, key: &str) -> Result<Option<f64>, ScenarioError> {
        match self.get(key) {
            None => Ok(None),
            Some(item) => {
                let v = item
                    .as_float()
                    .or_else(|| item.as_integer().map(|i| i as f64))
                    .ok_or_else(|| {
                        self.err(key, format!("expected a number, found {}", kind(item)))
                    })?;
                if !v.is_finite() {
                    return Err(self.err(key, format!("{v} is not a finite number")));
                }
                Ok(Some(v))
            }
        }
    }

    /// A number within `[lo, hi]`, if present.
    pub fn num_in(
        &self,
        key: &str,
        lo: f64,
        hi: f64,
        unit: &str,
    ) -> Result<Option<f64>, ScenarioError> {
        match self.num(key)? {
            Some(v) if !(lo..=hi).contains(&v) => Err(self.err(
                key,
                format!("{v} is out of range (accepted: {lo} to {hi}{unit})"),
            )),
            other => Ok(other),
        }
    }

    pub fn bool(&self, key: &str) -> Result<Option<bool>, ScenarioError> {
        match self.get(key) {
            None => Ok(None),
            Some(item) => item.as_bool().map(Some).ok_or_else(|| {
                self.err(key, format!("expected true or false, found {}", kind(item)))
            }),
        }
    }

    /// A sub-table (`[a.b]` or `b = { … }`), if present.
    pub fn table(&self, key: &str) -> Result<Option<Node<'a>>, ScenarioError> {
        match self.get(key) {
            None => Ok(None),
            Some(item) => {
                let table = item.as_table_like().ok_or_else(|| {
                    self.err(key, format!("expected a table, found {}", kind(item)))
                })?;
                Ok(Some(Node {
                    ctx: self.ctx,
                    path: self.field(key),
                    table,
                    span: self.span_of(key),
                }))
            }
        }
    }

    /// A list of tables (`[[a.b]]` or `b = [{ … }, …]`), empty if absent.
    pub fn tables(&self, key: &str) -> Result<Vec<Node<'a>>, ScenarioError> {
        let Some(item) = self.get(key) else {
            return Ok(vec![]);
        };
        let field = self.field(key);
        if let Some(aot) = item.as_array_of_tables() {
            return Ok(aot
                .iter()
                .enumerate()
                .map(|(i, t)| Node {
                    ctx: self.ctx,
                    path: format!("{field}[{i}]"),
                    table: t,
                    span: t.span().or_else(|| self.span_of(key)),
                })
                .collect());
        }
        if let Some(arr) = item.as_array() {
            return arr
                .iter()
                .enumerate()
                .map(|(i, v)| match v.as_inline_table() {
                    Some(t) => Ok(Node {
                        ctx: self.ctx,
                        path: format!("{field}[{i}]"),
                        table: t,
                        span: v.span().or_else(|| self.span_of(key)),
                    }),
                    None => Err(self.ctx.err(
                        v.span().or_else(|| self.span_of(key)),
                        &format!("{field}[{i}]"),
                        "expected a table like { agent = \"mk7\", dose = \"180 ug\", schedule = \"daily\" }",
                    )),
                })
                .collect();
        }
        Err(self.err(
            key,
            format!("expected a list of tables, found {}", kind(item)),
        ))
    }

    /// The line of a key, for later errors.
    pub fn line_of(&self, key: &str) -> Option<usize> {
        self.span_of(key).map(|r| self.ctx.line_col(r.start).0)
    }
}
