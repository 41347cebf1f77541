//! Findings on kustomize-rendered objects: the origin file's line (the
//! resource's own spans already point there), with the change that last
//! wrote the finding's path as a related location, and a note when the
//! object could not be found as written.

use crate::model::{KustomizeOrigin, PathSeg, RelatedLocation};
use crate::source::SharedSource;

use super::Located;

/// Adds to `located` the patch (or kustomization entry) that last wrote
/// `path` or a value around it, and the reason when the object has no
/// place of its own in the origin file.
pub(super) fn relate(located: &mut Located, origin: &KustomizeOrigin, path: &[PathSeg]) {
    if let Some(why) = &origin.unlocated {
        located.related.push(RelatedLocation {
            location: located.location.clone(),
            message: why.clone(),
        });
    }
    // A change that wrote the path or a value holding it comes first; else
    // the last patch that wrote inside it, at that patch's first write
    // there (a JSON 6902 operation's `path:`, not its last leaf).
    let changes = &origin.changes;
    let covering = changes.iter().rev().find(|c| path.starts_with(&c.path));
    let inside = || {
        let last = changes.iter().rposition(|c| c.path.starts_with(path))?;
        let same = |c: &&crate::model::KustomizeChange| {
            c.message == changes[last].message && c.path.starts_with(path)
        };
        let first = changes[..=last].iter().rev().take_while(same).count();
        changes.get(last + 1 - first)
    };
    if let Some(change) = covering.or_else(inside) {
        located.related.push(RelatedLocation {
            location: change.location.clone(),
            message: change.message.clone(),
        });
        located
            .extra_sources
            .push(SharedSource::clone(&change.source));
    }
}
