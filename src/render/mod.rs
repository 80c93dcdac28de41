//! Pages: the views the templates read ([`views`]), the fragments pages
//! share ([`fragments`]), and one module per family of pages: documents,
//! the register, listings, standards, coverage and exclusions, clauses,
//! matrices, and the search and 404 pages. A render is a list of page
//! jobs ([`jobs`]) rendered in parallel.
//!
//! [`render_site_into`] renders every page. Which pages a render makes is
//! a [`plan::Plan`]: `clausebook serve`'s rebuilds render only the pages
//! whose inputs changed (`serve::pages`), through the same families.
//!
//! Each document's view is converted to a template value once; Tera values
//! are reference-counted, so every page that lists a document shares it
//! instead of cloning the page model.

pub mod clauses;
pub mod context;
pub mod coverage;
pub mod document;
pub mod fragments;
pub mod history;
pub mod jobs;
pub mod listings;
pub mod matrices;
pub mod pack;
pub mod paging;
pub mod plan;
pub mod register;
pub mod special;
pub mod standards;
pub mod table;
pub mod views;

use rayon::prelude::*;
use tera::Tera;

use crate::base::diag::Diagnostic;
use crate::base::output::OutputFile;
use crate::render::context::{Globals, Pages};
use crate::render::fragments::{Fragments, Maker};
use crate::render::jobs::PageJob;
use crate::render::plan::{Every, Plan};
use crate::render::table::DocTable;

use crate::resolve::Site;
pub use jobs::Sink;

/// Every page of the site, sorted by path.
pub fn render_site(site: &Site, tera: &Tera) -> Result<Vec<OutputFile>, Vec<Diagnostic>> {
    crate::base::output::collected(|sink| render_site_into(site, tera, sink))
}

/// Render every page of the site into `sink`; returns the number of pages.
pub fn render_site_into(
    site: &Site,
    tera: &Tera,
    sink: Sink<'_>,
) -> Result<usize, Vec<Diagnostic>> {
    let globals = Globals::new(site);
    let table = DocTable::new(site);
    let summaries = views::summaries(site);
    let maker = Maker::new(site, tera, &globals.context, &summaries);
    let frags = Fragments::new(&maker, &globals.scope_cats).map_err(|e| vec![e])?;
    let p = Pages::new(site, tera, &globals, &table, &summaries, &frags);
    let jobs = site_pages(&p, &mut Every);
    let docs = p.published.clone();
    let pages = jobs.len() + docs.len();
    jobs::render(
        p.tera,
        &p.globals.context,
        docs.into_par_iter().map(|i| document::job(&p, i)),
        jobs,
        sink,
    )?;
    Ok(pages)
}

/// The pages other than the documents' that `plan` makes due.
pub fn site_pages(p: &Pages<'_>, plan: &mut dyn Plan) -> Vec<PageJob> {
    let mut jobs = Vec::new();
    register::pages(p, plan, &mut jobs);
    listings::pages(p, plan, &mut jobs);
    standards::pages(p, plan, &mut jobs);
    coverage::pages(p, plan, &mut jobs);
    clauses::pages(p, plan, &mut jobs);
    matrices::pages(p, plan, &mut jobs);
    special::pages(p, plan, &mut jobs);
    pack::pages(p, plan, &mut jobs);
    jobs
}
