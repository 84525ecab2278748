//! Human, JSON and YAML output, with Flux CLI's symbols and optional colour.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicU8, Ordering};

use owo_colors::OwoColorize;
use serde::Serialize;

/// When to colour human output.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// Output formats of listing commands.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    /// Aligned columns for people.
    #[default]
    Table,
    Json,
    Yaml,
}

static COLOR: AtomicU8 = AtomicU8::new(0);

/// Decides colouring once, from the flag, NO_COLOR and whether stderr is a terminal.
pub fn init_color(choice: ColorChoice) {
    let on = match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none() && std::io::stderr().is_terminal()
        }
    };
    COLOR.store(if on { 2 } else { 1 }, Ordering::Relaxed);
}

fn color() -> bool {
    COLOR.load(Ordering::Relaxed) == 2
}

/// `► msg`: an action starts.
pub fn action(msg: &str) {
    if color() {
        eprintln!("{} {msg}", "►".blue());
    } else {
        eprintln!("► {msg}");
    }
}

/// `◎ msg`: waiting.
pub fn waiting(msg: &str) {
    if color() {
        eprintln!("{} {msg}", "◎".yellow());
    } else {
        eprintln!("◎ {msg}");
    }
}

/// `✔ msg`: success.
pub fn success(msg: &str) {
    if color() {
        eprintln!("{} {msg}", "✔".green());
    } else {
        eprintln!("✔ {msg}");
    }
}

/// `✗ msg`: failure.
pub fn error(msg: &str) {
    if color() {
        eprintln!("{} {}", "✗".red(), msg.red());
    } else {
        eprintln!("✗ {msg}");
    }
}

/// Renders rows as aligned columns separated by a tab-like gap, headers first.
pub fn table(headers: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            if let Some(w) = widths.get_mut(i) {
                *w = (*w).max(cell.chars().count());
            }
        }
    }
    let line = |cells: Vec<&str>| {
        let mut out = String::new();
        for (i, cell) in cells.iter().enumerate() {
            if i + 1 == cells.len() {
                out.push_str(cell);
            } else {
                out.push_str(cell);
                out.push_str(&" ".repeat(widths[i] - cell.chars().count() + 3));
            }
        }
        out.trim_end().to_owned() + "\n"
    };
    let mut out = line(headers.to_vec());
    for row in rows {
        out.push_str(&line(row.iter().map(String::as_str).collect()));
    }
    out
}

/// Serialises `value` as JSON or YAML.
pub fn structured<T: Serialize>(value: &T, format: OutputFormat) -> anyhow::Result<String> {
    Ok(match format {
        OutputFormat::Json => serde_json::to_string_pretty(value)? + "\n",
        OutputFormat::Yaml => serde_yaml_ng::to_string(value)?,
        OutputFormat::Table => String::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_aligns_columns() {
        let out = table(
            &["NAME", "READY", "MESSAGE"],
            &[
                vec!["podinfo".into(), "True".into(), "stored artifact".into()],
                vec!["a".into(), "False".into(), "".into()],
            ],
        );
        assert_eq!(
            out,
            "NAME      READY   MESSAGE\npodinfo   True    stored artifact\na         False\n"
        );
    }

    #[test]
    fn structured_formats() {
        let v = serde_json::json!({"name": "x"});
        assert_eq!(
            structured(&v, OutputFormat::Json).unwrap(),
            "{\n  \"name\": \"x\"\n}\n"
        );
        assert_eq!(structured(&v, OutputFormat::Yaml).unwrap(), "name: x\n");
    }
}
