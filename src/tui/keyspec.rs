//! Keys and actions as people write them in the configuration file:
//! `quit = ["q", "ctrl-c"]`, `page-down = "pgdn"`, `add = "n"`.
//!
//! Action names are the kebab-case of [`Action`]; key names follow the
//! usual terminal spelling (`ctrl-`, `alt-`, `shift-` before a key, a
//! single character, or one of `up`, `down`, `left`, `right`, `pgup`,
//! `pgdn`, `home`, `end`, `enter`, `esc`, `tab`, `backtab`, `space`,
//! `backspace`, `delete`, `insert`, `f1`…`f12`).

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::keymap::{Action, BINDINGS, Binding, Key};

/// Every action, in the order of the help overlay.
pub const ACTIONS: [Action; 36] = [
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
    Action::CycleFamily,
    Action::CycleEnforce,
    Action::ToggleDnsDown,
    Action::Security,
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
        Action::CycleFamily => "cycle-family",
        Action::CycleEnforce => "cycle-enforce",
        Action::ToggleDnsDown => "toggle-dns-down",
        Action::Security => "security",
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

/// The key table in effect: the defaults with the configuration's
/// overrides. Dispatch, help and hints all read it, so they agree.
#[derive(Debug, Clone)]
pub struct Keymap {
    bindings: Vec<Binding>,
}

impl Default for Keymap {
    fn default() -> Self {
        Self {
            bindings: BINDINGS.to_vec(),
        }
    }
}

impl Keymap {
    /// The defaults, with each overridden action's keys replaced (and its
    /// label written from the new keys). The configuration checked the
    /// overrides: no key is bound twice. Built once per run: the new keys
    /// and labels live as long as the process.
    pub fn with_overrides(overrides: &[(Action, Vec<Key>)]) -> Self {
        let mut map = Self::default();
        for b in &mut map.bindings {
            let Some((_, keys)) = overrides.iter().find(|(a, _)| *a == b.action) else {
                continue;
            };
            if keys.is_empty() || keys.as_slice() == b.keys {
                continue;
            }
            let label: Vec<String> = keys.iter().map(display_key).collect();
            b.keys = Box::leak(keys.clone().into_boxed_slice());
            b.label = Box::leak(label.join("/").into_boxed_str());
        }
        map
    }

    /// Every binding, in help order.
    pub fn bindings(&self) -> &[Binding] {
        &self.bindings
    }

    /// The binding of `action`.
    pub fn binding(&self, action: Action) -> Option<&Binding> {
        self.bindings.iter().find(|b| b.action == action)
    }

    /// How `action`'s keys are written in help and hints (`q/^C`).
    pub fn label(&self, action: Action) -> &'static str {
        self.binding(action).map_or("", |b| b.label)
    }

    /// The first key of `action`, for messages that name one (`↑`, `a`).
    pub fn first_key(&self, action: Action) -> String {
        self.binding(action)
            .and_then(|b| b.keys.first())
            .map_or_else(String::new, display_key)
    }

    /// The action bound to a key press, if any (as
    /// [`super::keymap::action_for`], over this table).
    pub fn action_for(&self, ev: &KeyEvent) -> Option<Action> {
        if ev.kind == KeyEventKind::Release {
            return None;
        }
        let pressed = Key {
            code: ev.code,
            mods: ev.modifiers,
        };
        self.bindings
            .iter()
            .find(|b| b.keys.iter().any(|k| same_press(k, &pressed)))
            .map(|b| b.action)
    }
}

/// How help and hints show a key: `↑`, `PgDn`, `Space`, `^Q`, `M-x`, `F5`.
pub fn display_key(key: &Key) -> String {
    let base = match key.code {
        KeyCode::Up => "↑".to_string(),
        KeyCode::Down => "↓".to_string(),
        KeyCode::Left => "←".to_string(),
        KeyCode::Right => "→".to_string(),
        KeyCode::PageUp => "PgUp".to_string(),
        KeyCode::PageDown => "PgDn".to_string(),
        KeyCode::Home => "Home".to_string(),
        KeyCode::End => "End".to_string(),
        KeyCode::Enter => "Enter".to_string(),
        KeyCode::Esc => "Esc".to_string(),
        KeyCode::Tab => "Tab".to_string(),
        KeyCode::BackTab => "S-Tab".to_string(),
        KeyCode::Backspace => "Bksp".to_string(),
        KeyCode::Delete => "Del".to_string(),
        KeyCode::Insert => "Ins".to_string(),
        KeyCode::F(n) => format!("F{n}"),
        KeyCode::Char(' ') => "Space".to_string(),
        KeyCode::Char(c) if key.mods.contains(KeyModifiers::CONTROL) => {
            c.to_ascii_uppercase().to_string()
        }
        KeyCode::Char(c) => c.to_string(),
        _ => "?".to_string(),
    };
    let mut out = String::new();
    if key.mods.contains(KeyModifiers::CONTROL) {
        out.push('^');
    }
    if key.mods.contains(KeyModifiers::ALT) {
        out.push_str("M-");
    }
    let shift_implied = matches!(key.code, KeyCode::Char(_) | KeyCode::BackTab);
    if key.mods.contains(KeyModifiers::SHIFT) && !shift_implied {
        out.push_str("S-");
    }
    out.push_str(&base);
    out
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
    fn the_default_keymap_dispatches_like_the_static_table() {
        let map = Keymap::default();
        for b in BINDINGS {
            for k in b.keys {
                let ev = KeyEvent::new(k.code, k.mods);
                assert_eq!(map.action_for(&ev), crate::tui::keymap::action_for(&ev));
                assert_eq!(map.action_for(&ev), Some(b.action));
            }
        }
        let shifted = KeyEvent::new(KeyCode::Char('R'), KeyModifiers::SHIFT);
        assert_eq!(map.action_for(&shifted), Some(Action::RequeryAll));
    }

    #[test]
    fn overrides_replace_keys_and_labels() {
        let map = Keymap::with_overrides(&[
            (Action::Add, vec![parse_key("n").unwrap()]),
            (
                Action::Quit,
                vec![parse_key("q").unwrap(), parse_key("ctrl-q").unwrap()],
            ),
        ]);
        let press = |c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE);
        assert_eq!(map.action_for(&press('n')), Some(Action::Add));
        assert_eq!(map.action_for(&press('a')), None);
        let ctrl_q = KeyEvent::new(KeyCode::Char('q'), KeyModifiers::CONTROL);
        assert_eq!(map.action_for(&ctrl_q), Some(Action::Quit));
        let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(map.action_for(&ctrl_c), None);
        assert_eq!(map.binding(Action::Add).unwrap().label, "n");
        assert_eq!(map.binding(Action::Quit).unwrap().label, "q/^Q");
        // The others keep their hand-written labels.
        assert_eq!(map.binding(Action::Up).unwrap().label, "↑/k");
    }

    #[test]
    fn messages_that_name_keys_follow_the_overrides() {
        let map = Keymap::with_overrides(&[
            (Action::Compare, vec![parse_key("~").unwrap()]),
            (Action::Back, vec![parse_key("ctrl-g").unwrap()]),
        ]);
        let text = crate::tui::lookups::copy_in_compare(&map);
        assert!(
            text.starts_with("close the compare view first (~ or ^G)"),
            "{text}"
        );
        assert_eq!(map.first_key(Action::ToggleDown), "Space");
        assert_eq!(
            crate::tui::lookups::copy_in_compare(&Keymap::default()),
            "close the compare view first (= or Esc): y, Y and c copy what the panes select"
        );
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
