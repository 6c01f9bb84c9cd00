//! What reading a page gives: the method, when it is a method page (even
//! one with problems), and every problem found on the way.

use super::read_method;
use crate::diag::Diagnostics;
use crate::model::Method;
use crate::source::Source;

/// Everything read from a page.
#[derive(Debug, Clone, Default)]
pub struct Parsed {
    /// The method, if the page documents one.
    pub method: Option<Method>,
    /// The linked files (type dictionaries) that were read.
    pub linked: Vec<std::path::PathBuf>,
    /// The page's own examples.
    pub examples: crate::Examples,
    /// Every problem: the source's (refused includes) first, then the page's.
    pub problems: Diagnostics,
}

/// Reads a page to the end, keeping every problem rather than the first.
pub fn read(source: &Source) -> Parsed {
    let mut problems = source.problems.clone();
    match read_method(source, &mut problems) {
        Ok((method, linked, examples)) => Parsed {
            method: Some(method),
            linked,
            examples,
            problems,
        },
        Err(not_method) => {
            problems.push(not_method);
            Parsed {
                problems,
                ..Parsed::default()
            }
        }
    }
}
