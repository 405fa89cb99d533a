//! The command line: `build`, `check`, `serve`, `init`, `new` and `theme
//! eject`, their flags, and how results become messages on standard error
//! and an exit status.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use crate::content::Kind;
use crate::diagnostic::{Diagnostics, Format, display_path, plural};
use crate::pipeline::{self, Failure, Options};
use crate::scaffold::{self, Created, Refusal};
use crate::serve::{self, ServeOptions};

/// roadbook: build roadmap handbooks (skills, job roles, learning phases)
/// into a cross-linked static site.
#[derive(Debug, Parser)]
#[command(name = "roadbook", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the handbook into a folder of HTML pages.
    Build {
        /// The handbook folder (the one with handbook.toml).
        #[arg(short, long, default_value = ".")]
        root: PathBuf,
        /// Where to write the site [default: public/ under the root].
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// Publish under this address instead of handbook.toml's base_url.
        #[arg(short, long)]
        base_url: Option<String>,
        /// Include pages marked `draft = true`.
        #[arg(short, long)]
        drafts: bool,
        /// Print how long each stage took.
        #[arg(short, long)]
        timings: bool,
        /// Make a copy readable straight from disk (opening index.html):
        /// links to folders point at their index.html. Not for publishing.
        #[arg(long)]
        for_disk: bool,
        #[command(flatten)]
        format: FormatArg,
    },
    /// Check the handbook for errors without writing anything.
    Check {
        /// The handbook folder (the one with handbook.toml).
        #[arg(short, long, default_value = ".")]
        root: PathBuf,
        /// Include pages marked `draft = true` (and check them).
        #[arg(short, long)]
        drafts: bool,
        #[command(flatten)]
        format: FormatArg,
    },
    /// Preview the handbook in a browser, rebuilding and reloading as files
    /// change. Serves from memory on 127.0.0.1; writes nothing.
    Serve {
        /// The handbook folder (the one with handbook.toml).
        #[arg(short, long, default_value = ".")]
        root: PathBuf,
        /// The port to listen on; 0, or a port in use, picks a free one.
        #[arg(short, long, default_value_t = serve::DEFAULT_PORT)]
        port: u16,
        /// The address to listen on: an address of this computer on its
        /// network (or 0.0.0.0 for all) to open the preview on a phone.
        /// Anyone on the network can then read it.
        #[arg(long, value_name = "ADDR", default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
        /// Include pages marked `draft = true`.
        #[arg(short, long)]
        drafts: bool,
        /// Open the preview in the default browser.
        #[arg(long)]
        open: bool,
        /// Look for changes by polling, for file systems without change
        /// events (network shares, some container mounts).
        #[arg(long)]
        poll: bool,
    },
    /// Start a new handbook: handbook.toml and one example of each kind.
    Init {
        /// The folder to create it in (created if missing) [default: the
        /// current folder]. Never overwrites a file.
        dir: Option<PathBuf>,
    },
    /// Add a skill, role, phase or page with its required front matter
    /// filled in; prints the path of the new file.
    New {
        /// What to add.
        kind: NewKind,
        /// The new file's slug: lowercase ASCII letters, digits and `-`.
        slug: String,
        /// The title [default: made from the slug, and printed so you can
        /// check it: `graphql` becomes "GraphQL", `my-tool` "My tool"].
        #[arg(long)]
        title: Option<String>,
        /// The handbook folder (the one with handbook.toml).
        #[arg(short, long, default_value = ".")]
        root: PathBuf,
    },
    /// Work with the built-in theme.
    Theme {
        #[command(subcommand)]
        action: ThemeCommand,
    },
}

/// What `roadbook theme` does.
#[derive(Debug, Subcommand)]
pub enum ThemeCommand {
    /// Copy the built-in templates and static files into the handbook's
    /// templates/ and static/ to edit them; never replaces a file. The
    /// site builds the same until you change them.
    Eject {
        /// Files to copy (`skill.html`, `base.html`, `roadbook.css`, …)
        /// [default: every template and static file of the theme].
        names: Vec<String>,
        /// The handbook folder (the one with handbook.toml).
        #[arg(short, long, default_value = ".")]
        root: PathBuf,
    },
}

/// `--format`, shared by `build` and `check`.
#[derive(Debug, Clone, Copy, clap::Args)]
pub struct FormatArg {
    /// How to report problems: `human`, or `github` to also print each one
    /// on standard output as a GitHub Actions annotation
    /// (`::error file=…,line=…,col=…::…`) [default: github when
    /// GITHUB_ACTIONS=true, else human].
    #[arg(long, value_enum, value_name = "FORMAT")]
    format: Option<FormatName>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum FormatName {
    Human,
    Github,
}

impl FormatArg {
    fn resolve(self) -> Format {
        match self.format {
            Some(FormatName::Human) => Format::Human,
            Some(FormatName::Github) => Format::Github,
            None => Format::detect(),
        }
    }
}

/// Prints diagnostics as workflow commands on standard output when asked
/// to; the terminal report on standard error is printed either way.
fn annotate(format: Format, root: &std::path::Path, diagnostics: &Diagnostics) {
    if format == Format::Github && !diagnostics.is_empty() {
        print!("{}", diagnostics.github(root));
    }
}

/// What `roadbook new` can add.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum NewKind {
    Skill,
    Role,
    Phase,
    Page,
}

impl From<NewKind> for Kind {
    fn from(k: NewKind) -> Kind {
        match k {
            NewKind::Skill => Kind::Skill,
            NewKind::Role => Kind::Role,
            NewKind::Phase => Kind::Phase,
            NewKind::Page => Kind::Page,
        }
    }
}

/// Exit statuses of the contract.
pub const EXIT_OK: u8 = 0;
pub const EXIT_HANDBOOK: u8 = 1;
pub const EXIT_USAGE: u8 = 2;

fn report_failure(f: &Failure, timings: bool, format: Format, root: &std::path::Path) -> ExitCode {
    annotate(format, root, &f.diagnostics);
    if f.usage {
        for d in f.diagnostics.sorted() {
            eprint!("{d}");
        }
        return ExitCode::from(EXIT_USAGE);
    }
    eprint!("{}", f.diagnostics.render());
    if timings {
        eprint!("{}", f.timings.report());
    }
    ExitCode::from(EXIT_HANDBOOK)
}

fn report_refusal(r: &Refusal) -> ExitCode {
    if r.usage {
        for d in r.diagnostics.sorted() {
            eprint!("{d}");
        }
        return ExitCode::from(EXIT_USAGE);
    }
    eprint!("{}", r.diagnostics.render());
    ExitCode::from(EXIT_HANDBOOK)
}

/// `dir/rel`, written as the user would type it (`rel` alone for `.`).
fn shown(dir: &std::path::Path, rel: &std::path::Path) -> String {
    if dir == std::path::Path::new(".") {
        display_path(rel)
    } else {
        dir.join(rel).display().to_string()
    }
}

fn report_created(c: &Created) {
    let dir = c.root.display();
    eprintln!("created a handbook in `{dir}`:");
    for f in &c.files {
        eprintln!("  {}", display_path(f));
    }
    if c.root == std::path::Path::new(".") {
        // Not "open public/index.html": its links name folders, which a
        // browser shows as listings from disk; the preview serves them.
        eprintln!(
            "next: `roadbook serve --open` to preview it; `roadbook build` writes public/ to publish"
        );
    } else {
        eprintln!(
            "next: `roadbook serve --root {dir} --open` to preview it; `roadbook build --root {dir}` writes {dir}/public/ to publish"
        );
    }
    if c.files
        .iter()
        .any(|f| f == std::path::Path::new(scaffold::PAGES_WORKFLOW))
    {
        eprintln!(
            "publish: push to GitHub, then Settings → Pages → Source: GitHub Actions ({})",
            scaffold::PAGES_WORKFLOW
        );
    }
}

/// Runs one command; everything the user sees goes to standard error
/// (except the path `new` prints on standard output, for scripts and
/// `$EDITOR $(roadbook new skill x)`).
pub fn run(cli: Cli) -> ExitCode {
    match cli.command {
        Command::Build {
            root,
            output,
            base_url,
            drafts,
            timings,
            for_disk,
            format,
        } => {
            let format = format.resolve();
            let output = output.unwrap_or_else(|| root.join("public"));
            let opts = Options {
                root: root.clone(),
                base_url,
                drafts,
                ..Options::default()
            };
            match pipeline::build_to(&opts, &output) {
                Ok(built) => {
                    if for_disk && let Err(e) = crate::disk::rewrite_tree(&output) {
                        eprintln!(
                            "error: could not rewrite the links in {} for reading from disk: {e}\n  = help: check that the folder is writable, then build again",
                            output.display()
                        );
                        return ExitCode::from(EXIT_HANDBOOK);
                    }
                    annotate(format, &root, &built.warnings);
                    if !built.warnings.is_empty() {
                        eprint!("{}", built.warnings.render());
                    }
                    eprintln!(
                        "built {} {} ({} files) into {} in {:.0} ms",
                        built.pages,
                        plural(built.pages, "page"),
                        built.file_count,
                        output.display(),
                        built.timings.total().as_secs_f64() * 1000.0
                    );
                    if timings {
                        eprint!("{}", built.timings.report());
                    }
                    ExitCode::from(EXIT_OK)
                }
                Err(f) => report_failure(&f, timings, format, &root),
            }
        }
        Command::Check {
            root,
            drafts,
            format,
        } => {
            let format = format.resolve();
            let opts = Options {
                root: root.clone(),
                base_url: None,
                drafts,
                ..Options::default()
            };
            match pipeline::check(&opts) {
                Ok(checked) => {
                    annotate(format, &root, &checked.warnings);
                    if !checked.warnings.is_empty() {
                        eprint!("{}", checked.warnings.render());
                    }
                    let s = &checked.site;
                    eprintln!(
                        "no errors: {} {}, {} {}, {} {}, {} {}",
                        s.skills.len(),
                        plural(s.skills.len(), "skill"),
                        s.roles.len(),
                        plural(s.roles.len(), "role"),
                        s.phases.len(),
                        plural(s.phases.len(), "phase"),
                        s.pages.len(),
                        plural(s.pages.len(), "page"),
                    );
                    ExitCode::from(EXIT_OK)
                }
                Err(f) => report_failure(&f, false, format, &root),
            }
        }
        Command::Serve {
            root,
            port,
            bind,
            drafts,
            open,
            poll,
        } => {
            match serve::run(ServeOptions {
                root,
                port,
                bind,
                drafts,
                open,
                poll,
            }) {
                Ok(()) => ExitCode::from(EXIT_OK),
                Err(message) => {
                    eprintln!("error: {message}");
                    ExitCode::from(EXIT_HANDBOOK)
                }
            }
        }
        Command::Init { dir } => {
            let dir = dir.unwrap_or_else(|| PathBuf::from("."));
            match scaffold::init(&dir) {
                Ok(created) => {
                    report_created(&created);
                    ExitCode::from(EXIT_OK)
                }
                Err(r) => report_refusal(&r),
            }
        }
        Command::New {
            kind,
            slug,
            title,
            root,
        } => match scaffold::new_file(&root, kind.into(), &slug, title.as_deref()) {
            Ok(created) => {
                for f in &created.files {
                    println!("{}", shown(&root, f));
                }
                if let Some(t) = &created.guessed_title {
                    eprintln!(
                        "title: \"{t}\" (made from the slug; pass --title \"...\" or edit the file to change it)"
                    );
                }
                ExitCode::from(EXIT_OK)
            }
            Err(r) => report_refusal(&r),
        },
        Command::Theme {
            action: ThemeCommand::Eject { names, root },
        } => match scaffold::eject(&root, &names) {
            Ok(ejected) => {
                for f in &ejected.written {
                    eprintln!("wrote {}", shown(&root, f));
                }
                for f in &ejected.kept {
                    eprintln!(
                        "kept {} (it exists; roadbook never replaces a file)",
                        shown(&root, f)
                    );
                }
                if !ejected.written.is_empty() {
                    eprintln!(
                        "edit them: files in templates/ and static/ replace the built-in ones of the same name (docs/templates.md)"
                    );
                }
                ExitCode::from(EXIT_OK)
            }
            Err(r) => report_refusal(&r),
        },
    }
}
