//! Shell completions and man pages, generated from the clap definitions.
//!
//! `hb generate-assets [DIR]` writes them ([`write`]); a test regenerates them and compares with the
//! checked-in `completions/` and `man/`. Rendering is pure: a list of relative paths and
//! their bytes, so the command and the test share one definition.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::Command;
use clap_complete::{Generator, Shell};
use roff::{bold, roman, Roff};

use crate::cli::{self, EXIT_CODES_HELP};

pub const COMPLETIONS_DIR: &str = "completions";
pub const MAN_DIR: &str = "man";

pub const SHELLS: [Shell; 5] = [
    Shell::Bash,
    Shell::Zsh,
    Shell::Fish,
    Shell::Elvish,
    Shell::PowerShell,
];

/// One generated file: its path relative to the output directory, and its content.
#[derive(Debug, Clone, PartialEq)]
pub struct Asset {
    pub path: PathBuf,
    pub content: Vec<u8>,
}

/// Every completion script and man page of the CLI.
pub fn render() -> Result<Vec<Asset>> {
    let mut assets = completions();
    assets.extend(man_pages(cli::public_command())?);
    Ok(assets)
}

fn completions() -> Vec<Asset> {
    SHELLS
        .iter()
        .map(|&shell| {
            let mut cmd = cli::public_command();
            let mut content = Vec::new();
            clap_complete::generate(shell, &mut cmd, "hb", &mut content);
            Asset {
                path: PathBuf::from(COMPLETIONS_DIR).join(shell.file_name("hb")),
                content,
            }
        })
        .collect()
}

/// `hb.1` and one page per subcommand (`hb-property.1`, `hb-property-list.1`, ...), each
/// with EXIT STATUS and ENVIRONMENT sections from [`EXIT_CODES_HELP`].
fn man_pages(cmd: Command) -> Result<Vec<Asset>> {
    let mut cmd = cmd.disable_help_subcommand(true);
    cmd.build();
    let extra = help_sections_roff(EXIT_CODES_HELP);
    let mut pages = Vec::new();
    collect_pages(&cmd, true, &extra, &mut pages)?;
    Ok(pages)
}

fn collect_pages(cmd: &Command, root: bool, extra: &str, pages: &mut Vec<Asset>) -> Result<()> {
    // The root's after_long_help is the text EXIT_CODES_HELP: clap_mangen would print it
    // raw as "EXTRA"; the structured sections below replace it.
    let page_cmd = cmd.clone().after_long_help(None::<&'static str>);
    // The footer names the program, not the subcommand ("hb 0.1.0", not "ack 0.1.0").
    let man = clap_mangen::Man::new(page_cmd).source(format!("hb {}", env!("CARGO_PKG_VERSION")));
    let name = man.get_filename();
    let mut buf = Vec::new();
    man.render(&mut buf)
        .with_context(|| format!("could not render man page {name}"))?;
    let page = String::from_utf8(buf).context("man page is not UTF-8")?;
    let mut sections = extra.to_string();
    if !root {
        let mut see_also = Roff::new();
        see_also
            .control("SH", ["SEE ALSO"])
            .text([bold("hb"), roman("(1)")]);
        sections.push_str(&see_also.to_roff());
    }
    pages.push(Asset {
        path: PathBuf::from(MAN_DIR).join(&name),
        content: insert_before_version(&page, &sections).into_bytes(),
    });
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        collect_pages(sub, false, extra, pages)?;
    }
    Ok(())
}

/// man-pages(7) puts EXIT STATUS and ENVIRONMENT before VERSION; clap_mangen ends with it.
fn insert_before_version(page: &str, sections: &str) -> String {
    match page.find("\n.SH VERSION\n") {
        Some(at) => format!("{}\n{}{}", &page[..at], sections, &page[at + 1..]),
        None => format!("{page}{sections}"),
    }
}

/// What [`write`] did under its directory.
#[derive(Debug)]
pub struct Written {
    /// Files written: the completions, then the man pages.
    pub files: usize,
    /// Pages of subcommands that no longer exist, removed.
    pub removed: Vec<String>,
}

/// Write `completions/` and `man/` under `dir`, removing the page of any subcommand
/// that is gone.
pub fn write(dir: &Path) -> Result<Written> {
    let generated = render()?;
    for sub in [COMPLETIONS_DIR, MAN_DIR] {
        let sub = dir.join(sub);
        std::fs::create_dir_all(&sub)
            .with_context(|| format!("could not create {}: check DIR", sub.display()))?;
    }
    let mut written = BTreeSet::new();
    for asset in &generated {
        let path = dir.join(&asset.path);
        std::fs::write(&path, &asset.content)
            .with_context(|| format!("could not write {} (is DIR writable?)", path.display()))?;
        written.insert(path);
    }
    // A removed subcommand must not leave its page behind.
    let removed = remove_stale_pages(&dir.join(MAN_DIR), &written)?;
    Ok(Written {
        files: generated.len(),
        removed,
    })
}

fn remove_stale_pages(dir: &Path, written: &BTreeSet<PathBuf>) -> Result<Vec<String>> {
    let mut removed = Vec::new();
    let entries =
        std::fs::read_dir(dir).with_context(|| format!("could not list {}", dir.display()))?;
    for entry in entries {
        let path = entry?.path();
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let ours = name == "hb.1" || (name.starts_with("hb-") && name.ends_with(".1"));
        if ours && !written.contains(&path) {
            std::fs::remove_file(&path)
                .with_context(|| format!("could not remove stale page {}", path.display()))?;
            removed.push(name);
        }
    }
    removed.sort();
    Ok(removed)
}

/// `Title:` lines followed by indented `TERM  text` lines, as in [`EXIT_CODES_HELP`].
pub fn help_sections(text: &str) -> Vec<(String, Vec<(String, String)>)> {
    let mut sections: Vec<(String, Vec<(String, String)>)> = Vec::new();
    for line in text.lines() {
        if line.trim().is_empty() {
            continue;
        }
        if !line.starts_with(' ') {
            let title = line.trim().trim_end_matches(':').to_string();
            sections.push((title, Vec::new()));
            continue;
        }
        let Some((_, entries)) = sections.last_mut() else {
            continue;
        };
        let body = line.trim();
        match body.split_once("  ") {
            Some((term, desc)) => entries.push((term.trim().into(), desc.trim().into())),
            // A wrapped description continues the entry above it.
            None => match entries.last_mut() {
                Some((_, desc)) => {
                    desc.push(' ');
                    desc.push_str(body);
                }
                None => entries.push((body.into(), String::new())),
            },
        }
    }
    sections
}

fn help_sections_roff(text: &str) -> String {
    let mut roff = Roff::new();
    for (title, entries) in help_sections(text) {
        let heading = match title.to_ascii_lowercase().as_str() {
            "exit codes" => "EXIT STATUS".to_string(),
            _ => title.to_uppercase(),
        };
        roff.control("SH", [heading.as_str()]);
        for (term, desc) in entries {
            roff.control("TP", []);
            roff.text([bold(term)]);
            roff.text([roman(desc)]);
        }
    }
    roff.to_roff()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes_and_environment_parse_from_the_help_text() {
        let sections = help_sections(EXIT_CODES_HELP);
        let titles: Vec<&str> = sections.iter().map(|(t, _)| t.as_str()).collect();
        assert_eq!(titles, ["Exit codes", "Environment"]);
        let codes: Vec<&str> = sections[0].1.iter().map(|(t, _)| t.as_str()).collect();
        assert_eq!(codes, ["0", "1", "2", "3", "64", "65", "75", "78"]);
        assert_eq!(
            sections[0].1[6].1,
            "busy: another cycle is running, or the store is locked"
        );
        let vars: Vec<&str> = sections[1].1.iter().map(|(t, _)| t.as_str()).collect();
        assert_eq!(vars, ["HB_CONFIG", "HB_DB", "HB_NOW", "NO_COLOR"]);
    }

    #[test]
    fn wrapped_lines_continue_the_entry() {
        let sections = help_sections("Exit codes:\n  0   fine\n      really\n  1   not\n");
        assert_eq!(
            sections[0].1,
            [
                ("0".into(), "fine really".into()),
                ("1".into(), "not".into())
            ]
        );
    }

    #[test]
    fn every_page_has_exit_status_and_environment_and_no_hidden_command() {
        let assets = render().unwrap();
        let names: Vec<String> = assets
            .iter()
            .map(|a| a.path.to_string_lossy().into_owned())
            .collect();
        for expected in [
            "completions/hb.bash",
            "completions/_hb",
            "completions/hb.fish",
            "completions/hb.elv",
            "completions/_hb.ps1",
            "man/hb.1",
            "man/hb-property.1",
            "man/hb-property-list.1",
            "man/hb-schedule.1",
        ] {
            assert!(
                names.iter().any(|n| n == expected),
                "{expected} in {names:?}"
            );
        }
        for asset in &assets {
            let text = String::from_utf8_lossy(&asset.content);
            assert!(
                !text.contains("generate-assets") && !text.contains("generate_assets"),
                "{} mentions the hidden command",
                asset.path.display()
            );
            if asset.path.starts_with(MAN_DIR) {
                let exit = text.find(".SH \"EXIT STATUS\"");
                let env = text.find(".SH ENVIRONMENT");
                let version = text.find(".SH VERSION");
                assert!(
                    exit < env && env < version && exit.is_some(),
                    "{}: {text}",
                    asset.path.display()
                );
                assert!(text.contains("HB_CONFIG"), "{}", asset.path.display());
                assert!(!text.contains(".SH EXTRA"), "{}", asset.path.display());
            }
        }
    }
}
