//! Colours and emphasis.
//!
//! Only the terminal's own 16 named colours are used, never a fixed
//! background, so the palette follows the user's dark or light scheme.
//! Every meaning that colour carries is also carried by a glyph or a word,
//! and the selection by reverse video plus a `▶` marker, so with `NO_COLOR`
//! (<https://no-color.org>) the screen reads the same.

use ratatui::style::{Color, Modifier, Style};

use crate::mx::Severity;

/// The palettes a user can pick (`theme` in the configuration file).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ThemeName {
    /// Colours chosen for a dark background (the default).
    #[default]
    Dark,
    /// Colours that stay readable on a light background (no yellow text).
    Light,
    /// No colour at all, emphasis only (as with `NO_COLOR`).
    Mono,
}

impl ThemeName {
    pub const ALL: [ThemeName; 3] = [ThemeName::Dark, ThemeName::Light, ThemeName::Mono];

    pub fn name(self) -> &'static str {
        match self {
            ThemeName::Dark => "dark",
            ThemeName::Light => "light",
            ThemeName::Mono => "mono",
        }
    }

    pub fn by_name(name: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|t| t.name().eq_ignore_ascii_case(name.trim()))
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Theme {
    pub color: bool,
    pub ok: Style,
    pub warning: Style,
    pub error: Style,
    pub pending: Style,
    pub down: Style,
    pub dim: Style,
    pub title: Style,
    pub header: Style,
    pub border: Style,
    pub border_focused: Style,
    /// The selected row of the focused pane.
    pub selected: Style,
    /// The selected row of a pane without focus.
    pub selected_unfocused: Style,
    pub key: Style,
    pub bar: Style,
}

impl Theme {
    /// The default palette, colour as `--color auto` decides it (`NO_COLOR`, `CLICOLOR_FORCE`).
    pub fn from_env() -> Self {
        Self::named(
            ThemeName::default(),
            crate::text::ColorChoice::Auto.enabled(true),
        )
    }

    /// The palette `name`, or [`Theme::mono`] when colour is off
    /// (`--color never`, `NO_COLOR`).
    pub fn named(name: ThemeName, color: bool) -> Self {
        match (name, color) {
            (_, false) | (ThemeName::Mono, _) => Self::mono(),
            (ThemeName::Dark, true) => Self::color(),
            (ThemeName::Light, true) => Self::light(),
        }
    }

    /// For light backgrounds: yellow and cyan text wash out on white, so
    /// warnings, pending rows and keys use magenta and blue instead.
    pub fn light() -> Self {
        Self {
            warning: Style::new().fg(Color::Magenta),
            pending: Style::new().fg(Color::Blue),
            border_focused: Style::new().fg(Color::Blue).add_modifier(Modifier::BOLD),
            key: Style::new().fg(Color::Blue).add_modifier(Modifier::BOLD),
            ..Self::color()
        }
    }

    pub fn color() -> Self {
        let bold = Style::new().add_modifier(Modifier::BOLD);
        Self {
            color: true,
            ok: Style::new().fg(Color::Green),
            warning: Style::new().fg(Color::Yellow),
            error: Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
            pending: Style::new().fg(Color::Cyan),
            down: Style::new()
                .fg(Color::Red)
                .add_modifier(Modifier::CROSSED_OUT),
            dim: Style::new().add_modifier(Modifier::DIM),
            title: bold,
            header: Style::new()
                .add_modifier(Modifier::BOLD)
                .add_modifier(Modifier::UNDERLINED),
            border: Style::new().add_modifier(Modifier::DIM),
            border_focused: Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD),
            selected: Style::new().add_modifier(Modifier::REVERSED),
            selected_unfocused: Style::new().add_modifier(Modifier::BOLD),
            key: Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD),
            bar: Style::new(),
        }
    }

    /// No colour at all: emphasis only.
    pub fn mono() -> Self {
        let bold = Style::new().add_modifier(Modifier::BOLD);
        Self {
            color: false,
            ok: Style::new(),
            warning: bold,
            error: bold,
            pending: Style::new(),
            down: Style::new().add_modifier(Modifier::CROSSED_OUT),
            dim: Style::new().add_modifier(Modifier::DIM),
            title: bold,
            header: Style::new().add_modifier(Modifier::UNDERLINED),
            border: Style::new(),
            border_focused: bold,
            selected: Style::new().add_modifier(Modifier::REVERSED),
            selected_unfocused: Style::new().add_modifier(Modifier::BOLD),
            key: bold,
            bar: Style::new(),
        }
    }

    pub fn severity(&self, s: Severity) -> Style {
        match s {
            Severity::Info => self.ok,
            Severity::Warning => self.warning,
            Severity::Error => self.error,
        }
    }
}

/// The glyph of a severity, readable without colour.
pub fn severity_mark(s: Severity) -> &'static str {
    match s {
        Severity::Info => "i",
        Severity::Warning => "!",
        Severity::Error => "✗",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mono_has_no_colour_but_keeps_the_selection_visible() {
        let t = Theme::mono();
        for s in [
            t.ok,
            t.warning,
            t.error,
            t.pending,
            t.down,
            t.selected,
            t.border_focused,
        ] {
            assert_eq!(s.fg, None);
            assert_eq!(s.bg, None);
        }
        assert!(t.selected.add_modifier.contains(Modifier::REVERSED));
    }

    #[test]
    fn named_themes_and_colour_off() {
        assert_eq!(Theme::named(ThemeName::Dark, true), Theme::color());
        assert_eq!(Theme::named(ThemeName::Mono, true), Theme::mono());
        // --color never or NO_COLOR: no palette keeps its colours.
        for name in ThemeName::ALL {
            assert_eq!(Theme::named(name, false), Theme::mono());
        }
        let light = Theme::named(ThemeName::Light, true);
        assert!(light.color);
        // No yellow or cyan text on a light background.
        for s in [
            light.warning,
            light.pending,
            light.key,
            light.border_focused,
        ] {
            assert!(!matches!(s.fg, Some(Color::Yellow | Color::Cyan)), "{s:?}");
        }
        assert_eq!(ThemeName::by_name(" Light "), Some(ThemeName::Light));
    }
}
