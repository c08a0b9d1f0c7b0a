//! The inline "add a domain" prompt and pasted text. Part of [`App`]'s
//! transition function, split out of app.rs by concern.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::state::{App, Cmd, DomainEntry, Focus, Mode};
use crate::mx::input::{InputError, parse_list};

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
            KeyCode::Enter => {
                let text = std::mem::take(text);
                return self.add_list(&text);
            }
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
                if text.len() < MAX_INPUT {
                    text.push(c);
                }
                *error = None;
            }
            _ => self.dirty = false,
        }
        Vec::new()
    }

    /// Pasted text goes into the add prompt (opening it when needed), so a
    /// pasted name is never read as a string of commands. Several lines
    /// (one domain per line) become one list; control characters other
    /// than line breaks and tabs are kept, so the prompt can say which
    /// item carries one.
    pub(super) fn paste(&mut self, pasted: &str) {
        let joined: String = pasted
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
            .replace('\t', " ");
        match &mut self.mode {
            Mode::Input { text, error } => {
                if !text.is_empty() && !text.ends_with(' ') && !joined.is_empty() {
                    text.push(' ');
                }
                text.push_str(&joined);
                truncate(text);
                *error = None;
            }
            Mode::Normal => {
                let mut text = joined;
                truncate(&mut text);
                self.mode = Mode::Input { text, error: None }
            }
            Mode::Filter { .. } => {
                self.filter.push_str(&joined);
                self.refilter();
            }
            Mode::SnapshotPath { text, error, .. } => {
                text.push_str(&joined);
                *error = None;
            }
            Mode::Help { .. }
            | Mode::Picker { .. }
            | Mode::Compare { .. }
            | Mode::Finding { .. }
            | Mode::SideBySide { .. }
            | Mode::Overwrite { .. }
            | Mode::SnapshotDiff { .. }
            | Mode::Security { .. } => return,
        }
        self.dirty = true;
    }

    /// Enter in the prompt: adds every domain the text lists. Items that
    /// are not domains stay in the prompt, with the reason for the first.
    fn add_list(&mut self, text: &str) -> Vec<Cmd> {
        let mut cmds = Vec::new();
        let (mut added, mut listed) = (Vec::new(), 0);
        let mut bad: Vec<(String, String)> = Vec::new();
        for item in parse_list(text) {
            match item {
                Ok(name) => match self.domains.iter().position(|d| d.name == name) {
                    Some(_) if added.contains(&name) => {}
                    Some(_) => listed += 1,
                    None => {
                        cmds.extend(self.push_domain(name.clone()));
                        added.push(name);
                    }
                },
                Err((item, e)) => bad.push((item, e.to_string())),
            }
        }
        self.dirty = true;
        if !added.is_empty() {
            self.refilter();
        }
        if bad.is_empty() && added.is_empty() && listed == 0 {
            self.mode = Mode::Input {
                text: String::new(),
                error: Some(InputError::Empty.to_string()),
            };
            return cmds;
        }
        if let [one] = added.as_slice() {
            self.show(self.domains.len() - 1);
            self.say(format!("added {}{}", esc(one), self.hidden_note()), false);
        } else if !added.is_empty() {
            self.show(self.domains.len() - added.len());
            let note = self.hidden_note();
            self.say(format!("added {} domains{note}", added.len()), false);
        } else if let Ok(name) = single(text) {
            // One name that is listed already: select it.
            if let Some(i) = self.domains.iter().position(|d| d.name == name) {
                self.show(i);
                self.say(format!("{} is listed already", esc(&name)), false);
            }
        } else if listed > 0 {
            self.say(format!("{listed} listed already"), false);
        }
        if !added.is_empty() || listed > 0 {
            self.focus = Focus::Domains;
        }
        if bad.is_empty() {
            self.mode = Mode::Normal;
        } else {
            let more = match bad.len() {
                1 => String::new(),
                n => format!(" (and {} more not added)", n - 1),
            };
            let done = match added.len() {
                0 => String::new(),
                n => format!("added {n}; "),
            };
            self.mode = Mode::Input {
                text: bad
                    .iter()
                    .map(|(item, _)| item.as_str())
                    .collect::<Vec<_>>()
                    .join(" "),
                error: Some(format!("{done}{}{more}", bad[0].1)),
            };
        }
        cmds
    }

    /// Adds (or, when listed already, selects) a parsed domain.
    pub fn add_domain(&mut self, name: String) -> Vec<Cmd> {
        self.dirty = true;
        if let Some(i) = self.domains.iter().position(|d| d.name == name) {
            self.show(i);
            self.say(format!("{} is listed already", esc(&name)), false);
            return Vec::new();
        }
        let cmds = self.push_domain(name.clone());
        self.refilter();
        self.show(self.domains.len() - 1);
        self.focus = Focus::Domains;
        self.say(format!("added {}{}", esc(&name), self.hidden_note()), false);
        cmds
    }

    /// Selects domain `i` when the list shows it.
    fn show(&mut self, i: usize) {
        if let Some(row) = self.position_of(i) {
            self.select_domain(row);
        }
    }

    /// Said after an add when the filter hides the last domain added.
    fn hidden_note(&self) -> &'static str {
        let last = self.domains.len().wrapping_sub(1);
        if self.position_of(last).is_none() {
            " (hidden by the filter: / to change it)"
        } else {
            ""
        }
    }

    /// Appends a domain not listed yet and looks it up.
    fn push_domain(&mut self, name: String) -> Vec<Cmd> {
        self.domains
            .push(DomainEntry::new(name, self.upstreams.len()));
        self.lookup(self.domains.len() - 1)
    }
}

/// Longest prompt text, in bytes: room for a pasted list of thousands.
const MAX_INPUT: usize = 1 << 20;

fn truncate(text: &mut String) {
    if text.len() > MAX_INPUT {
        let mut end = MAX_INPUT;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
    }
}

/// The one domain `text` names, when it names exactly one.
fn single(text: &str) -> Result<String, ()> {
    match parse_list(text).as_slice() {
        [Ok(name)] => Ok(name.clone()),
        _ => Err(()),
    }
}

fn esc(s: &str) -> String {
    crate::mx::escape::visible(s).into_owned()
}
