//! The inline "add a domain" prompt and pasted text. Part of [`App`]'s
//! transition function, split out of app.rs by concern.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::state::{App, Cmd, DomainEntry, Focus, Mode};
use crate::mx::input::parse_domain;

impl App {
    pub(super) fn input_key(&mut self, k: KeyEvent) -> Vec<Cmd> {
        let Mode::Input { text, error } = &mut self.mode else {
            return Vec::new();
        };
        self.dirty = true;
        match k.code {
            KeyCode::Esc => {
                self.mode = Mode::Normal;
                self.say("add cancelled", false);
            }
            KeyCode::Enter => match parse_domain(text) {
                Ok(name) => {
                    self.mode = Mode::Normal;
                    return self.add_domain(name);
                }
                Err(e) => *error = Some(e.to_string()),
            },
            KeyCode::Backspace => {
                text.pop();
                *error = None;
            }
            KeyCode::Char('u') if k.modifiers.contains(KeyModifiers::CONTROL) => {
                text.clear();
                *error = None;
            }
            KeyCode::Char(c)
                if !k
                    .modifiers
                    .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) =>
            {
                if text.chars().count() < 512 {
                    text.push(c);
                }
                *error = None;
            }
            _ => self.dirty = false,
        }
        Vec::new()
    }

    /// Pasted text goes into the add prompt (opening it when needed), so a
    /// pasted name is never read as a string of commands.
    pub(super) fn paste(&mut self, pasted: &str) {
        let line = pasted.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
        let line = line.trim();
        match &mut self.mode {
            Mode::Input { text, error } => {
                text.push_str(line);
                *error = None;
            }
            Mode::Normal => {
                self.mode = Mode::Input {
                    text: line.to_string(),
                    error: None,
                }
            }
            Mode::SnapshotPath { text, error, .. } => {
                text.push_str(line);
                *error = None;
            }
            Mode::Help { .. }
            | Mode::Picker { .. }
            | Mode::Compare { .. }
            | Mode::SideBySide { .. }
            | Mode::Overwrite { .. }
            | Mode::SnapshotDiff { .. } => return,
        }
        self.dirty = true;
    }

    /// Adds (or, when listed already, selects) a parsed domain.
    pub fn add_domain(&mut self, name: String) -> Vec<Cmd> {
        self.dirty = true;
        if let Some(i) = self.domains.iter().position(|d| d.name == name) {
            self.select_domain(i);
            self.say(format!("{name} is listed already"), false);
            return Vec::new();
        }
        self.domains
            .push(DomainEntry::new(name.clone(), self.upstreams.len()));
        let i = self.domains.len() - 1;
        self.select_domain(i);
        self.focus = Focus::Domains;
        self.say(format!("added {name}"), false);
        self.lookup(i)
    }
}
