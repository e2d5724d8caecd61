//! Reading variables: from the process, or from fixed pairs in unit tests.

use std::collections::HashMap;
use std::str::FromStr;

/// A setting that is missing or unusable. It names the variable and what it
/// should hold, never the value (which may be a secret).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    /// A required variable is not set.
    #[error("environment variable {0} must be set")]
    Missing(&'static str),
    /// A variable is set to something that cannot be used.
    #[error("environment variable {name} must be {expected}")]
    Invalid {
        /// The variable.
        name: &'static str,
        /// What it should hold.
        expected: &'static str,
    },
}

/// Where settings are read from. Unit tests use fixed pairs so that they
/// never touch (or race on) the process environment.
#[derive(Debug, Clone, Default)]
pub struct Environment {
    fixed: Option<HashMap<String, String>>,
}

impl Environment {
    /// The process environment.
    pub fn process() -> Self {
        Environment { fixed: None }
    }

    /// Exactly these variables.
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        Environment { fixed: Some(pairs.into_iter().map(|(k, v)| (k.to_owned(), v.to_owned())).collect()) }
    }

    /// A variable; an empty one counts as unset.
    pub fn optional(&self, name: &str) -> Option<String> {
        let value = match &self.fixed {
            Some(fixed) => fixed.get(name).cloned(),
            None => std::env::var(name).ok(),
        };
        value.filter(|v| !v.is_empty())
    }

    /// A variable that must be set.
    pub fn required(&self, name: &'static str) -> Result<String, ConfigError> {
        self.optional(name).ok_or(ConfigError::Missing(name))
    }

    /// A variable read as `T`: `None` when unset, an error naming the
    /// variable when set to something else. Surrounding blanks are ignored.
    pub fn parsed<T: FromStr>(&self, name: &'static str, expected: &'static str) -> Result<Option<T>, ConfigError> {
        self.optional(name).map(|v| v.trim().parse().map_err(|_| ConfigError::Invalid { name, expected })).transpose()
    }

    /// A yes/no variable: `true`/`false` or `1`/`0`.
    pub fn flag(&self, name: &'static str) -> Result<Option<bool>, ConfigError> {
        self.optional(name)
            .map(|v| match v.trim() {
                "true" | "1" => Ok(true),
                "false" | "0" => Ok(false),
                _ => Err(ConfigError::Invalid { name, expected: "true or false" }),
            })
            .transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unset_and_empty_are_the_same_and_required_names_the_variable() {
        let env = Environment::from_pairs([("EMPTY", "")]);
        assert_eq!(env.optional("EMPTY"), None);
        assert_eq!(env.optional("ABSENT"), None);
        assert_eq!(env.required("EMPTY"), Err(ConfigError::Missing("EMPTY")));
    }

    #[test]
    fn a_number_with_a_unit_is_refused_naming_the_variable_not_the_value() {
        let env = Environment::from_pairs([("MINUTES", "15m"), ("OK", " 15 ")]);
        let error = env.parsed::<i64>("MINUTES", "a whole number of minutes").unwrap_err();
        assert_eq!(error, ConfigError::Invalid { name: "MINUTES", expected: "a whole number of minutes" });
        assert!(!error.to_string().contains("15m"), "{error}");
        assert_eq!(env.parsed::<i64>("OK", "a number"), Ok(Some(15)));
        assert_eq!(env.parsed::<i64>("ABSENT", "a number"), Ok(None));
    }

    #[test]
    fn flags_are_true_false_one_or_zero() {
        let env = Environment::from_pairs([("A", "1"), ("B", "false"), ("C", "yes")]);
        assert_eq!(env.flag("A"), Ok(Some(true)));
        assert_eq!(env.flag("B"), Ok(Some(false)));
        assert_eq!(env.flag("C"), Err(ConfigError::Invalid { name: "C", expected: "true or false" }));
        assert_eq!(env.flag("D"), Ok(None));
    }
}
