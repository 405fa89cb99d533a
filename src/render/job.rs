//! The pages of a site: what each one is ([`Job`]), the file it is
//! written to, its template, and the files for search engines and feed
//! readers made from the same list.

use super::{Page, feeds, views};
use crate::content::Kind;
use crate::git::Timestamp;
use crate::resolve::{PageRef, Site};

/// What one output page is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Job {
    Home,
    Entity(Kind, usize),
    Section(Kind),
    Track(usize),
    Matrix,
    /// The reader's own progress over the whole handbook (`/progress/`).
    Progress,
    /// The whole handbook on one page (`/print/`).
    Print,
    Compare(usize, usize),
    Alias(usize),
    NotFound,
}

impl Job {
    /// The file the page is written to (`skills/databases/index.html`).
    pub(super) fn file(self, site: &Site) -> String {
        match self {
            Job::NotFound => "404.html".to_string(),
            job => {
                let mut file = job.url(site);
                file.push_str("index.html");
                file
            }
        }
    }

    /// Site-root-relative path of the page (`skills/databases/`).
    pub(super) fn url(self, site: &Site) -> String {
        match self {
            Job::Home => String::new(),
            Job::Entity(k, i) => site.path(PageRef::Entity(k, i)),
            Job::Section(kind) => format!("{}/", kind.folder()),
            Job::Track(i) => format!("tracks/{}/", site.config.tracks[site.tracks[i].config].id),
            Job::Matrix => "matrix/".to_string(),
            Job::Progress => PROGRESS.to_string(),
            Job::Print => super::print::PATH.to_string(),
            Job::Compare(a, b) => views::compare_url(site, a, b),
            Job::Alias(a) => format!("skills/{}/", site.aliases[a].0),
            Job::NotFound => "404.html".to_string(),
        }
    }

    /// The page of a doc: the home page or an entry's.
    pub(super) fn page(r: PageRef) -> Job {
        match r {
            PageRef::Home => Job::Home,
            PageRef::Entity(k, i) => Job::Entity(k, i),
        }
    }

    /// The template the page is rendered with.
    pub(super) fn template(self) -> &'static str {
        match self {
            Job::Home => "index.html",
            Job::Entity(Kind::Skill, _) => "skill.html",
            Job::Entity(Kind::Role, _) => "role.html",
            Job::Entity(Kind::Phase, _) => "phase.html",
            Job::Entity(Kind::Page, _) => "page.html",
            Job::Section(Kind::Skill) => "skills.html",
            Job::Section(Kind::Role) => "roles.html",
            Job::Section(_) => "phases.html",
            Job::Track(_) => "track.html",
            Job::Matrix => "matrix.html",
            Job::Progress => "progress.html",
            Job::Print => "print.html",
            Job::Compare(..) => "compare.html",
            Job::Alias(_) => "redirect.html",
            Job::NotFound => "404.html",
        }
    }

    /// When the page's content last changed: its own file's last commit,
    /// or for a generated page the newest of the files it is made from.
    pub(super) fn updated(self, site: &Site) -> Option<Timestamp> {
        let of = |k: Kind, i: usize| site.doc(PageRef::Entity(k, i)).and_then(|d| d.updated);
        let newest = |k: Kind, n: usize| (0..n).filter_map(|i| of(k, i)).max();
        match self {
            Job::Home => site.home.as_ref().and_then(|h| h.updated),
            Job::Entity(k, i) => of(k, i),
            Job::Section(Kind::Skill) => newest(Kind::Skill, site.skills.len()),
            Job::Section(Kind::Role) => newest(Kind::Role, site.roles.len()),
            Job::Section(_) => newest(Kind::Phase, site.phases.len()),
            Job::Track(i) => site.tracks[i]
                .phases
                .iter()
                .filter_map(|&p| of(Kind::Phase, p))
                .max(),
            Job::Matrix => {
                newest(Kind::Skill, site.skills.len()).max(newest(Kind::Role, site.roles.len()))
            }
            Job::Compare(a, b) => of(Kind::Role, a).max(of(Kind::Role, b)),
            Job::Print => [
                newest(Kind::Skill, site.skills.len()),
                newest(Kind::Role, site.roles.len()),
                newest(Kind::Phase, site.phases.len()),
                newest(Kind::Page, site.pages.len()),
                site.home.as_ref().and_then(|h| h.updated),
            ]
            .into_iter()
            .flatten()
            .max(),
            Job::Alias(_) | Job::NotFound | Job::Progress => None,
        }
    }

    /// Roughly how long the page takes to render, in units of about a
    /// microsecond with the built-in templates: enough to start the largest
    /// pages first, so that no thread is left with one at the end.
    pub(super) fn weight(self, site: &Site) -> usize {
        let (skills, roles, phases) = (site.skills.len(), site.roles.len(), site.phases.len());
        match self {
            Job::Matrix => skills * (1 + roles / 5),
            Job::Progress => skills * 2 + roles * 10,
            // Every body again, without highlighting.
            Job::Print => (skills + roles + phases + site.pages.len()) * 100,
            Job::Section(Kind::Skill) => skills * 4,
            Job::Section(Kind::Role) => roles * 100,
            Job::Section(_) => skills / 4 + phases * 10,
            Job::Track(i) => site.tracks[i]
                .phases
                .iter()
                .map(|&p| site.phases[p].skills.len() + 10)
                .sum(),
            Job::Home => skills + roles * 100,
            Job::Compare(..) => skills * 3 / 10 + 100,
            Job::Entity(..) => 200,
            Job::Alias(_) | Job::NotFound => 50,
        }
    }

    /// Pages that list every skill, role or phase, whose size grows with
    /// the handbook rather than with one entry.
    pub(super) fn lists_the_site(self) -> bool {
        matches!(
            self,
            Job::Home | Job::Matrix | Job::Progress | Job::Print | Job::Section(_) | Job::Track(_)
        )
    }

    /// Pages search engines should index: not the 404 page, not the
    /// redirects left at old slugs.
    fn indexed(self) -> bool {
        // The print version repeats every page: a search engine should
        // send readers to the pages themselves.
        !matches!(
            self,
            Job::Alias(_) | Job::NotFound | Job::Progress | Job::Print
        )
    }
}

/// Every page of the site, in a stable order.
pub(super) fn jobs(site: &Site) -> Vec<Job> {
    let mut jobs = vec![Job::Home, Job::Matrix, Job::NotFound];
    // `progress` is not a reserved slug (handbooks that have a page of that
    // name must keep building): their page wins, and there is no
    // generated one.
    if site
        .find(Kind::Page, PROGRESS.trim_end_matches('/'))
        .is_none()
    {
        jobs.push(Job::Progress);
    }
    // Like `progress`, `print` stays free for a handbook's own page.
    if super::print::made(site) {
        jobs.push(Job::Print);
    }
    for kind in [Kind::Skill, Kind::Role, Kind::Phase] {
        jobs.push(Job::Section(kind));
    }
    for (r, _) in site.entities() {
        if let PageRef::Entity(k, i) = r {
            jobs.push(Job::Entity(k, i));
        }
    }
    jobs.extend((0..site.tracks.len()).map(Job::Track));
    jobs.extend((0..site.aliases.len()).map(Job::Alias));
    for a in 0..site.roles.len() {
        jobs.extend((a + 1..site.roles.len()).map(|b| Job::Compare(a, b)));
    }
    jobs
}

/// Where the reader's progress page is.
const PROGRESS: &str = "progress/";

/// The files [`discovery_files`] makes.
pub const DISCOVERY: [&str; 3] = ["atom.xml", "robots.txt", "sitemap.xml"];

/// `sitemap.xml`, `atom.xml` and `robots.txt`. The output stage writes
/// each only where the handbook's own `static/` has no file of that name.
pub fn discovery_files(site: &Site) -> Vec<Page> {
    let entries: Vec<feeds::Entry<'_>> = jobs(site)
        .into_iter()
        .filter(|j| j.indexed())
        .map(|job| {
            let doc = match job {
                Job::Home => site.home.as_ref(),
                Job::Entity(k, i) => site.doc(PageRef::Entity(k, i)),
                _ => None,
            };
            let in_feed = matches!(job, Job::Home | Job::Entity(..));
            let title = match (job, doc) {
                (Job::Home, None) => site.config.title.as_str(),
                (_, Some(d)) => d.title.as_str(),
                _ => "",
            };
            feeds::Entry {
                url: job.url(site),
                title,
                summary: doc.and_then(|d| d.summary.as_deref()).or_else(|| {
                    matches!(job, Job::Home).then_some(site.config.description.as_str())
                }),
                updated: job.updated(site),
                in_feed,
            }
        })
        .collect();
    let generator = format!("roadbook {}", env!("CARGO_PKG_VERSION"));
    vec![
        Page {
            path: "atom.xml".to_string(),
            html: feeds::atom(&site.config, &entries, &generator),
        },
        Page {
            path: "robots.txt".to_string(),
            html: feeds::robots(&site.config),
        },
        Page {
            path: "sitemap.xml".to_string(),
            html: feeds::sitemap(&site.config, &entries),
        },
    ]
}
