//! Plain-text renderings for the CLI (`--format text`).

pub mod authority;
pub mod compare;
pub mod diff;
pub mod report;
pub mod resolvers;
pub mod security;
pub mod simulation;

/// When text output and the TUI use colour (`--color`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ColorChoice {
    /// Colour on a terminal, unless `NO_COLOR` is set; `CLICOLOR_FORCE`
    /// turns it on for pipes too.
    #[default]
    Auto,
    /// Always colour, whatever the output and the environment.
    Always,
    /// Never colour.
    Never,
}

impl ColorChoice {
    pub const ALL: [ColorChoice; 3] = [ColorChoice::Auto, ColorChoice::Always, ColorChoice::Never];

    pub fn name(self) -> &'static str {
        match self {
            ColorChoice::Auto => "auto",
            ColorChoice::Always => "always",
            ColorChoice::Never => "never",
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            ColorChoice::Auto => "on a terminal, unless NO_COLOR is set (CLICOLOR_FORCE forces it)",
            ColorChoice::Always => "always, also into pipes and files",
            ColorChoice::Never => "never",
        }
    }

    /// Whether to colour an output that is (`terminal`) or is not a
    /// terminal. An explicit `always` or `never` wins over the environment;
    /// with `auto`, a non-empty `NO_COLOR` (<https://no-color.org>) turns
    /// colour off and a `CLICOLOR_FORCE` other than `0` turns it on
    /// (<https://bixense.com/clicolors/>), `NO_COLOR` first.
    pub fn enabled(self, terminal: bool) -> bool {
        let set = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty());
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto if set("NO_COLOR") => false,
            ColorChoice::Auto if set("CLICOLOR_FORCE") => {
                std::env::var_os("CLICOLOR_FORCE").is_some_and(|v| v != "0")
            }
            ColorChoice::Auto => terminal,
        }
    }
}

/// ANSI styling for text output, on or off as [`ColorChoice`] decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Style {
    pub color: bool,
}

impl Style {
    /// Colour as `--color auto` decides it for standard output.
    pub fn for_stdout() -> Self {
        Self::for_stdout_with(ColorChoice::Auto)
    }

    /// Colour on standard output as `choice` says.
    pub fn for_stdout_with(choice: ColorChoice) -> Self {
        use std::io::IsTerminal;
        Self {
            color: choice.enabled(std::io::stdout().is_terminal()),
        }
    }

    pub fn plain() -> Self {
        Self { color: false }
    }

    fn wrap(&self, code: &str, s: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }

    pub fn bold(&self, s: &str) -> String {
        self.wrap("1", s)
    }
    pub fn dim(&self, s: &str) -> String {
        self.wrap("2", s)
    }
    pub fn red(&self, s: &str) -> String {
        self.wrap("31", s)
    }
    pub fn yellow(&self, s: &str) -> String {
        self.wrap("33", s)
    }
    pub fn green(&self, s: &str) -> String {
        self.wrap("32", s)
    }
    pub fn cyan(&self, s: &str) -> String {
        self.wrap("36", s)
    }
}

/// Pads `s` to `width` display columns (names are ASCII once escaped).
pub fn pad(s: &str, width: usize) -> String {
    let len = s.chars().count();
    if len >= width {
        s.to_string()
    } else {
        format!("{s}{}", " ".repeat(width - len))
    }
}
