//! Keys and actions as people write them in the configuration file:
//! `quit = ["q", "ctrl-c"]`, `page-down = "pgdn"`, `add = "n"`.
//!
//! Action names are the kebab-case of [`Action`]; key names follow the
//! usual terminal spelling (`ctrl-`, `alt-`, `shift-` before a key, a
//! single character, or one of `up`, `down`, `left`, `right`, `pgup`,
//! `pgdn`, `home`, `end`, `enter`, `esc`, `tab`, `backtab`, `space`,
//! `backspace`, `delete`, `insert`, `f1`…`f12`).

use crossterm::event::{KeyCode, KeyModifiers};

use super::keymap::{Action, Key};

/// Every action, in the order of the help overlay.
pub const ACTIONS: [Action; 32] = [
    Action::Up,
    Action::Down,
    Action::PageUp,
    Action::PageDown,
    Action::Top,
    Action::Bottom,
    Action::FocusNext,
    Action::FocusPrev,
    Action::Enter,
    Action::Back,
    Action::Add,
    Action::Remove,
    Action::Undo,
    Action::Filter,
    Action::Sort,
    Action::Requery,
    Action::RequeryAll,
    Action::Compare,
    Action::Watch,
    Action::ToggleDown,
    Action::ClearOutages,
    Action::CycleProfile,
    Action::Copy,
    Action::CopyAs,
    Action::CopyFinding,
    Action::Mark,
    Action::SideBySide,
    Action::SaveSnapshot,
    Action::OpenSnapshot,
    Action::Help,
    Action::Suspend,
    Action::Quit,
];

/// The name of `action` in the configuration file.
pub fn action_name(action: Action) -> &'static str {
    match action {
        Action::Up => "up",
        Action::Down => "down",
        Action::PageUp => "page-up",
        Action::PageDown => "page-down",
        Action::Top => "top",
        Action::Bottom => "bottom",
        Action::FocusNext => "focus-next",
        Action::FocusPrev => "focus-prev",
        Action::Enter => "enter",
        Action::Back => "back",
        Action::Add => "add",
        Action::Remove => "remove",
        Action::Undo => "undo",
        Action::Filter => "filter",
        Action::Sort => "sort",
        Action::Requery => "requery",
        Action::RequeryAll => "requery-all",
        Action::Compare => "compare",
        Action::Watch => "watch",
        Action::ToggleDown => "toggle-down",
        Action::ClearOutages => "clear-outages",
        Action::CycleProfile => "cycle-profile",
        Action::Copy => "copy",
        Action::CopyAs => "copy-as",
        Action::CopyFinding => "copy-finding",
        Action::Mark => "mark",
        Action::SideBySide => "side-by-side",
        Action::SaveSnapshot => "save-snapshot",
        Action::OpenSnapshot => "open-snapshot",
        Action::Help => "help",
        Action::Suspend => "suspend",
        Action::Quit => "quit",
    }
}

/// The action called `name` (as [`action_name`] writes it; `_` is accepted for `-`).
pub fn action_by_name(name: &str) -> Option<Action> {
    let name = name.trim().to_ascii_lowercase().replace('_', "-");
    ACTIONS.into_iter().find(|a| action_name(*a) == name)
}

const NAMED: &[(&str, KeyCode)] = &[
    ("up", KeyCode::Up),
    ("down", KeyCode::Down),
    ("left", KeyCode::Left),
    ("right", KeyCode::Right),
    ("pgup", KeyCode::PageUp),
    ("pageup", KeyCode::PageUp),
    ("pgdn", KeyCode::PageDown),
    ("pagedown", KeyCode::PageDown),
    ("home", KeyCode::Home),
    ("end", KeyCode::End),
    ("enter", KeyCode::Enter),
    ("return", KeyCode::Enter),
    ("esc", KeyCode::Esc),
    ("escape", KeyCode::Esc),
    ("tab", KeyCode::Tab),
    ("backtab", KeyCode::BackTab),
    ("space", KeyCode::Char(' ')),
    ("backspace", KeyCode::Backspace),
    ("delete", KeyCode::Delete),
    ("del", KeyCode::Delete),
    ("insert", KeyCode::Insert),
    ("ins", KeyCode::Insert),
];

/// Parses `q`, `Q`, `ctrl-c`, `alt-x`, `shift-tab`, `pgdn`, `f5`, `space`.
/// Errors say what is accepted.
pub fn parse_key(spec: &str) -> Result<Key, String> {
    let hint = "write a single character (e.g. \"q\"), a named key (up, down, left, right, pgup, pgdn, home, end, enter, esc, tab, space, backspace, delete, insert, f1-f12), optionally after ctrl-, alt- or shift-";
    let mut mods = KeyModifiers::NONE;
    let mut rest = spec;
    loop {
        let lower = rest.to_ascii_lowercase();
        let (m, len) = if lower.starts_with("ctrl-") {
            (KeyModifiers::CONTROL, 5)
        } else if lower.starts_with("alt-") {
            (KeyModifiers::ALT, 4)
        } else if lower.starts_with("shift-") {
            (KeyModifiers::SHIFT, 6)
        } else {
            break;
        };
        // "-" alone after a modifier is the minus key, not another prefix.
        if rest.len() == len {
            break;
        }
        mods |= m;
        rest = &rest[len..];
    }
    let mut chars = rest.chars();
    let code = match (chars.next(), chars.next()) {
        (Some(c), None) if !c.is_control() => {
            if mods.contains(KeyModifiers::CONTROL) || mods.contains(KeyModifiers::ALT) {
                // Terminals send ctrl-C and ctrl-c alike.
                KeyCode::Char(c.to_ascii_lowercase())
            } else {
                KeyCode::Char(c)
            }
        }
        _ => {
            let lower = rest.to_ascii_lowercase();
            let named = NAMED.iter().find(|(n, _)| *n == lower).map(|(_, c)| *c);
            let function = lower
                .strip_prefix('f')
                .and_then(|n| n.parse::<u8>().ok())
                .filter(|n| (1..=12).contains(n))
                .map(KeyCode::F);
            match named.or(function) {
                Some(c) => c,
                None => return Err(format!("\"{}\" is not a key; {hint}", spec.escape_debug())),
            }
        }
    };
    // shift-tab is how people write the back-tab key.
    if code == KeyCode::Tab && mods.contains(KeyModifiers::SHIFT) {
        return Ok(Key {
            code: KeyCode::BackTab,
            mods: mods - KeyModifiers::SHIFT,
        });
    }
    Ok(Key { code, mods })
}

/// How a key is written in help, hints and `mxlens config`, in the form
/// [`parse_key`] reads back.
pub fn key_name(key: &Key) -> String {
    let mut out = String::new();
    if key.mods.contains(KeyModifiers::CONTROL) {
        out.push_str("ctrl-");
    }
    if key.mods.contains(KeyModifiers::ALT) {
        out.push_str("alt-");
    }
    // Upper-case letters and back-tab carry shift in themselves.
    let shift_implied = matches!(key.code, KeyCode::Char(_) | KeyCode::BackTab);
    if key.mods.contains(KeyModifiers::SHIFT) && !shift_implied {
        out.push_str("shift-");
    }
    match key.code {
        KeyCode::Char(' ') => out.push_str("space"),
        KeyCode::Char(c) => out.push(c),
        KeyCode::F(n) => out.push_str(&format!("f{n}")),
        code => {
            let name = NAMED
                .iter()
                .find(|(_, c)| *c == code)
                .map_or("?", |(n, _)| n);
            out.push_str(name);
        }
    }
    out
}

/// Whether two keys are the same press as [`super::keymap::action_for`]
/// matches them (shift is part of an upper-case letter, not a modifier).
pub fn same_press(a: &Key, b: &Key) -> bool {
    let norm = |k: &Key| match k.code {
        KeyCode::Char(_) | KeyCode::BackTab => k.mods - KeyModifiers::SHIFT,
        _ => k.mods,
    };
    a.code == b.code && norm(a) == norm(b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::keymap::BINDINGS;

    #[test]
    fn every_action_has_a_name_that_reads_back() {
        for b in BINDINGS {
            assert!(ACTIONS.contains(&b.action), "{:?} missing", b.action);
        }
        for a in ACTIONS {
            assert_eq!(action_by_name(action_name(a)), Some(a));
        }
        assert_eq!(action_by_name("page_down"), Some(Action::PageDown));
        assert_eq!(action_by_name("fly"), None);
    }

    #[test]
    fn keys_parse_and_print_back() {
        let k = parse_key("ctrl-C").unwrap();
        assert_eq!(k.code, KeyCode::Char('c'));
        assert_eq!(k.mods, KeyModifiers::CONTROL);
        assert_eq!(parse_key("Q").unwrap().code, KeyCode::Char('Q'));
        assert_eq!(parse_key("shift-tab").unwrap().code, KeyCode::BackTab);
        assert_eq!(parse_key("PgDn").unwrap().code, KeyCode::PageDown);
        assert_eq!(parse_key("f5").unwrap().code, KeyCode::F(5));
        assert_eq!(parse_key("-").unwrap().code, KeyCode::Char('-'));
        assert_eq!(parse_key("ctrl--").unwrap().code, KeyCode::Char('-'));
        for bad in ["", "ctrl-", "qq", "f13", "hyper-x", "\u{7}"] {
            assert!(parse_key(bad).is_err(), "{bad:?}");
        }
        for spec in [
            "q", "ctrl-c", "alt-x", "space", "pgdn", "f12", "backtab", "?",
        ] {
            assert_eq!(key_name(&parse_key(spec).unwrap()), spec);
        }
    }
}
