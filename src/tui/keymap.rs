//! The key bindings: one table that drives dispatch, the help overlay and
//! the status-bar hints, so the three can never disagree.
//!
//! The default keys are a contract (issue 4): scripts and the README rely
//! on them.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

/// Everything a key can ask the app to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    FocusNext,
    FocusPrev,
    Enter,
    Back,
    Add,
    Remove,
    Undo,
    Filter,
    Sort,
    Requery,
    RequeryAll,
    Compare,
    Watch,
    ToggleDown,
    ClearOutages,
    CycleProfile,
    CycleFamily,
    CycleEnforce,
    ToggleDnsDown,
    Security,
    Copy,
    CopyAs,
    CopyFinding,
    Mark,
    SideBySide,
    SaveSnapshot,
    OpenSnapshot,
    Help,
    Suspend,
    Quit,
}

/// One key: a code and the modifiers that must be held.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    pub code: KeyCode,
    pub mods: KeyModifiers,
}

const fn key(code: KeyCode) -> Key {
    Key {
        code,
        mods: KeyModifiers::NONE,
    }
}

const fn ch(c: char) -> Key {
    key(KeyCode::Char(c))
}

const fn ctrl(c: char) -> Key {
    Key {
        code: KeyCode::Char(c),
        mods: KeyModifiers::CONTROL,
    }
}

/// Where a binding is shown in the help overlay.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    Move,
    Domains,
    Failover,
    Copy,
    App,
}

impl Group {
    pub const ALL: [Group; 5] = [
        Group::Move,
        Group::Domains,
        Group::Failover,
        Group::Copy,
        Group::App,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Group::Move => "Move",
            Group::Domains => "Domains",
            Group::Failover => "Failover what-if",
            Group::Copy => "Copy",
            Group::App => "App",
        }
    }
}

/// One row of the key table.
#[derive(Debug, Clone, Copy)]
pub struct Binding {
    pub keys: &'static [Key],
    /// How the keys are written in help and hints, e.g. `↑/k`.
    pub label: &'static str,
    pub action: Action,
    /// One line for the help overlay.
    pub help: &'static str,
    /// A word or two for the status bar; `None` keeps it out of the hints.
    pub hint: Option<&'static str>,
    pub group: Group,
}

/// The default key table.
pub const BINDINGS: &[Binding] = &[
    Binding {
        keys: &[key(KeyCode::Up), ch('k')],
        label: "↑/k",
        action: Action::Up,
        help: "move up",
        hint: None,
        group: Group::Move,
    },
    Binding {
        keys: &[key(KeyCode::Down), ch('j')],
        label: "↓/j",
        action: Action::Down,
        help: "move down",
        hint: None,
        group: Group::Move,
    },
    Binding {
        keys: &[key(KeyCode::PageUp)],
        label: "PgUp",
        action: Action::PageUp,
        help: "one page up",
        hint: None,
        group: Group::Move,
    },
    Binding {
        keys: &[key(KeyCode::PageDown)],
        label: "PgDn",
        action: Action::PageDown,
        help: "one page down",
        hint: None,
        group: Group::Move,
    },
    Binding {
        keys: &[key(KeyCode::Home), ch('g')],
        label: "Home/g",
        action: Action::Top,
        help: "first row",
        hint: None,
        group: Group::Move,
    },
    Binding {
        keys: &[key(KeyCode::End), ch('G')],
        label: "End/G",
        action: Action::Bottom,
        help: "last row",
        hint: None,
        group: Group::Move,
    },
    Binding {
        keys: &[key(KeyCode::Tab), key(KeyCode::Right), ch('l')],
        label: "Tab/→/l",
        action: Action::FocusNext,
        help: "next pane",
        hint: Some("pane"),
        group: Group::Move,
    },
    Binding {
        keys: &[
            key(KeyCode::BackTab),
            Key {
                code: KeyCode::BackTab,
                mods: KeyModifiers::SHIFT,
            },
            key(KeyCode::Left),
            ch('h'),
        ],
        label: "S-Tab/←/h",
        action: Action::FocusPrev,
        help: "previous pane",
        hint: None,
        group: Group::Move,
    },
    Binding {
        keys: &[key(KeyCode::Enter)],
        label: "Enter",
        action: Action::Enter,
        help: "drill down: domain → hosts → addresses",
        hint: Some("open"),
        group: Group::Move,
    },
    Binding {
        keys: &[key(KeyCode::Esc)],
        label: "Esc",
        action: Action::Back,
        help: "go back, close a dialog",
        hint: None,
        group: Group::Move,
    },
    Binding {
        keys: &[ch('a')],
        label: "a",
        action: Action::Add,
        help: "add a domain",
        hint: Some("add"),
        group: Group::Domains,
    },
    Binding {
        keys: &[ch('d')],
        label: "d",
        action: Action::Remove,
        help: "remove the selected domain (in the domains pane)",
        hint: None,
        group: Group::Domains,
    },
    Binding {
        keys: &[ch('u')],
        label: "u",
        action: Action::Undo,
        help: "undo the last remove (d) or outage clear (x)",
        hint: None,
        group: Group::Domains,
    },
    Binding {
        keys: &[ch('/')],
        label: "/",
        action: Action::Filter,
        help: "filter: name, provider, outcome or finding code",
        hint: None,
        group: Group::Domains,
    },
    Binding {
        keys: &[ch('S')],
        label: "S",
        action: Action::Sort,
        help: "sort the domains: input, name, worst, provider",
        hint: None,
        group: Group::Domains,
    },
    Binding {
        keys: &[ch('r')],
        label: "r",
        action: Action::Requery,
        help: "look the selected domain up again",
        hint: None,
        group: Group::Domains,
    },
    Binding {
        keys: &[ch('R')],
        label: "R",
        action: Action::RequeryAll,
        help: "look every domain up again",
        hint: None,
        group: Group::Domains,
    },
    Binding {
        keys: &[ch('=')],
        label: "=",
        action: Action::Compare,
        help: "compare resolvers and authorities side by side",
        hint: Some("compare"),
        group: Group::Domains,
    },
    Binding {
        keys: &[ch('w')],
        label: "w",
        action: Action::Watch,
        help: "watch: look again as TTLs expire, list changes",
        hint: None,
        group: Group::Domains,
    },
    Binding {
        keys: &[ch('m')],
        label: "m",
        action: Action::Mark,
        help: "mark / unmark the domain for C",
        hint: None,
        group: Group::Domains,
    },
    Binding {
        keys: &[ch('C')],
        label: "C",
        action: Action::SideBySide,
        help: "the marked domains side by side, aligned by tier",
        hint: None,
        group: Group::Domains,
    },
    Binding {
        keys: &[ch('s')],
        label: "s",
        action: Action::SaveSnapshot,
        help: "save a snapshot of every domain to a file",
        hint: None,
        group: Group::Domains,
    },
    Binding {
        keys: &[ch('o')],
        label: "o",
        action: Action::OpenSnapshot,
        help: "open a snapshot: the live answers against it",
        hint: None,
        group: Group::Domains,
    },
    Binding {
        keys: &[ch(' ')],
        label: "Space",
        action: Action::ToggleDown,
        help: "mark the selected host or address down / up",
        hint: Some("down/up"),
        group: Group::Failover,
    },
    Binding {
        keys: &[ch('x')],
        label: "x",
        action: Action::ClearOutages,
        help: "clear every outage of the domain",
        hint: None,
        group: Group::Failover,
    },
    Binding {
        keys: &[ch('p')],
        label: "p",
        action: Action::CycleProfile,
        help: "next sender profile (rfc, postfix, exim)",
        hint: Some("profile"),
        group: Group::Failover,
    },
    Binding {
        keys: &[ch('f')],
        label: "f",
        action: Action::CycleFamily,
        help: "sender families: dual stack, IPv4 only, IPv6 only",
        hint: None,
        group: Group::Failover,
    },
    Binding {
        keys: &[ch('e')],
        label: "e",
        action: Action::CycleEnforce,
        help: "sender enforces: none, MTA-STS, DANE, DANE-only",
        hint: None,
        group: Group::Failover,
    },
    Binding {
        keys: &[ch('D')],
        label: "D",
        action: Action::ToggleDnsDown,
        help: "the domain's DNS down: how long caches carry mail",
        hint: None,
        group: Group::Failover,
    },
    Binding {
        keys: &[ch('i')],
        label: "i",
        action: Action::Security,
        help: "transport security: DNSSEC, DANE, MTA-STS, PTR",
        hint: None,
        group: Group::Domains,
    },
    Binding {
        keys: &[ch('y')],
        label: "y",
        action: Action::Copy,
        help: "copy the domain, host or address as zone lines",
        hint: Some("copy"),
        group: Group::Copy,
    },
    Binding {
        keys: &[ch('Y')],
        label: "Y",
        action: Action::CopyAs,
        help: "copy it as dig, JSON, CSV, Markdown, text …",
        hint: None,
        group: Group::Copy,
    },
    Binding {
        keys: &[ch('c')],
        label: "c",
        action: Action::CopyFinding,
        help: "copy the selected finding with its RFC reference",
        hint: None,
        group: Group::Copy,
    },
    Binding {
        keys: &[ch('?')],
        label: "?",
        action: Action::Help,
        help: "show / hide this help",
        hint: Some("help"),
        group: Group::App,
    },
    Binding {
        keys: &[ctrl('z')],
        label: "^Z",
        action: Action::Suspend,
        help: "suspend to the shell (fg comes back)",
        hint: None,
        group: Group::App,
    },
    Binding {
        keys: &[ch('q'), ctrl('c')],
        label: "q/^C",
        action: Action::Quit,
        help: "quit",
        hint: Some("quit"),
        group: Group::App,
    },
];

/// The action bound to a key press, if any. Release and repeat events of
/// terminals that report them are ignored (repeats are presses elsewhere).
pub fn action_for(ev: &KeyEvent) -> Option<Action> {
    if ev.kind == KeyEventKind::Release {
        return None;
    }
    // Shifted letters arrive as the upper-case char, with or without SHIFT.
    let mods = match ev.code {
        KeyCode::Char(_) | KeyCode::BackTab => ev.modifiers - KeyModifiers::SHIFT,
        _ => ev.modifiers,
    };
    BINDINGS
        .iter()
        .find(|b| {
            b.keys.iter().any(|k| {
                let want = match k.code {
                    KeyCode::Char(_) | KeyCode::BackTab => k.mods - KeyModifiers::SHIFT,
                    _ => k.mods,
                };
                k.code == ev.code && want == mods
            })
        })
        .map(|b| b.action)
}

/// The binding of an action (every action has one).
pub fn binding(action: Action) -> Option<&'static Binding> {
    BINDINGS.iter().find(|b| b.action == action)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, mods)
    }

    #[test]
    fn contract_keys_map_to_their_actions() {
        let cases = [
            (KeyCode::Up, KeyModifiers::NONE, Action::Up),
            (KeyCode::Char('k'), KeyModifiers::NONE, Action::Up),
            (KeyCode::Char('j'), KeyModifiers::NONE, Action::Down),
            (KeyCode::Tab, KeyModifiers::NONE, Action::FocusNext),
            (KeyCode::Right, KeyModifiers::NONE, Action::FocusNext),
            (KeyCode::Char('l'), KeyModifiers::NONE, Action::FocusNext),
            (KeyCode::Left, KeyModifiers::NONE, Action::FocusPrev),
            (KeyCode::Char('h'), KeyModifiers::NONE, Action::FocusPrev),
            (KeyCode::Char('z'), KeyModifiers::CONTROL, Action::Suspend),
            (KeyCode::BackTab, KeyModifiers::SHIFT, Action::FocusPrev),
            (KeyCode::Enter, KeyModifiers::NONE, Action::Enter),
            (KeyCode::Esc, KeyModifiers::NONE, Action::Back),
            (KeyCode::Char('a'), KeyModifiers::NONE, Action::Add),
            (KeyCode::Char('d'), KeyModifiers::NONE, Action::Remove),
            (KeyCode::Char('u'), KeyModifiers::NONE, Action::Undo),
            (KeyCode::Char('/'), KeyModifiers::NONE, Action::Filter),
            (KeyCode::Char('S'), KeyModifiers::SHIFT, Action::Sort),
            (KeyCode::Char('r'), KeyModifiers::NONE, Action::Requery),
            (KeyCode::Char('R'), KeyModifiers::SHIFT, Action::RequeryAll),
            (KeyCode::Char('R'), KeyModifiers::NONE, Action::RequeryAll),
            (KeyCode::Char('='), KeyModifiers::NONE, Action::Compare),
            (KeyCode::Char('w'), KeyModifiers::NONE, Action::Watch),
            (KeyCode::Char(' '), KeyModifiers::NONE, Action::ToggleDown),
            (KeyCode::Char('x'), KeyModifiers::NONE, Action::ClearOutages),
            (KeyCode::Char('p'), KeyModifiers::NONE, Action::CycleProfile),
            (KeyCode::Char('f'), KeyModifiers::NONE, Action::CycleFamily),
            (KeyCode::Char('e'), KeyModifiers::NONE, Action::CycleEnforce),
            (
                KeyCode::Char('D'),
                KeyModifiers::SHIFT,
                Action::ToggleDnsDown,
            ),
            (KeyCode::Char('i'), KeyModifiers::NONE, Action::Security),
            (KeyCode::Char('y'), KeyModifiers::NONE, Action::Copy),
            (KeyCode::Char('Y'), KeyModifiers::SHIFT, Action::CopyAs),
            (KeyCode::Char('c'), KeyModifiers::NONE, Action::CopyFinding),
            (KeyCode::Char('?'), KeyModifiers::SHIFT, Action::Help),
            (KeyCode::Char('q'), KeyModifiers::NONE, Action::Quit),
            (KeyCode::Char('c'), KeyModifiers::CONTROL, Action::Quit),
        ];
        for (code, mods, want) in cases {
            assert_eq!(
                action_for(&press(code, mods)),
                Some(want),
                "{code:?} {mods:?}"
            );
        }
        assert_eq!(
            action_for(&press(KeyCode::Char('z'), KeyModifiers::NONE)),
            None
        );
        assert_eq!(
            action_for(&press(KeyCode::Char('q'), KeyModifiers::CONTROL)),
            None
        );
    }

    #[test]
    fn no_key_is_bound_twice() {
        let all: Vec<&Key> = BINDINGS.iter().flat_map(|b| b.keys.iter()).collect();
        for (i, a) in all.iter().enumerate() {
            for b in &all[i + 1..] {
                assert_ne!(a, b, "{a:?} bound twice");
            }
        }
    }
}
