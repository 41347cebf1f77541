//! Helm chart roots: a directory with `Chart.yaml`. Its files are not
//! scanned one by one (templates are Go templates, values files are not
//! manifests); the chart is rendered as a whole instead. A subchart (a
//! chart under another chart's `charts/`) is rendered by its parent, never
//! alone, as Helm does on install.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use super::{display_path, escaped, normalize, Candidate};

/// A chart to render.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ChartRoot {
    /// The chart directory as reported (`.` for the project root).
    pub display: String,
    /// The directory, absolute.
    pub path: PathBuf,
    /// Named on the command line (the directory itself, or a file or
    /// directory inside it): `--helm-values` and `--helm-set` apply.
    pub named: bool,
}

/// The outermost chart holding `file` (a template, values file, helper or
/// `Chart.yaml` named on the command line), looking no higher than `root`.
pub fn chart_of_file(root: &Path, file: &Path) -> Option<PathBuf> {
    let file = normalize(file);
    let mut chart: Option<PathBuf> = None;
    for dir in file.ancestors().skip(1) {
        if !dir.starts_with(root) {
            break;
        }
        if dir.join("Chart.yaml").is_file() {
            match &chart {
                // A chart found above an inner one owns it only through
                // its `charts/` directory.
                Some(inner) if !inner.starts_with(dir.join("charts")) => break,
                _ => chart = Some(dir.to_path_buf()),
            }
        }
    }
    chart
}

/// Takes the files of every chart out of `found` and returns the chart
/// roots: those whose `Chart.yaml` was found, plus `named` (charts selected
/// by a file argument). Subcharts are left to their parents.
pub fn take_charts(
    root: &Path,
    found: &mut BTreeMap<String, Candidate>,
    named: &BTreeSet<PathBuf>,
) -> Vec<ChartRoot> {
    let mut dirs: BTreeSet<PathBuf> = found
        .values()
        .filter(|c| c.display == "Chart.yaml" || c.display.ends_with("/Chart.yaml"))
        .filter_map(|c| c.path.parent().map(normalize))
        .collect();
    dirs.extend(named.iter().cloned());
    let charts: Vec<PathBuf> = dirs
        .iter()
        .filter(|dir| {
            !dirs
                .iter()
                .any(|parent| *parent != **dir && dir.starts_with(parent.join("charts")))
        })
        .cloned()
        .collect();
    let roots: Vec<ChartRoot> = charts
        .into_iter()
        .map(|path| ChartRoot {
            display: display_path(root, &path, &escaped(&path)),
            named: named.contains(&path),
            path,
        })
        .collect();
    // Everything under a chart is the chart's (and a subchart's, its
    // parent's); what it holds reaches the scan through rendering.
    found.retain(|_, candidate| {
        let path = normalize(&candidate.path);
        !roots.iter().any(|chart| path.starts_with(&chart.path))
    });
    roots
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::discover::FileKind;

    fn tree(files: &[&str]) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("sg-charts-{}-{}", std::process::id(), files.len()));
        let _ = std::fs::remove_dir_all(&dir);
        for file in files {
            let path = dir.join(file);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "").unwrap();
        }
        normalize(&dir)
    }

    #[test]
    fn subcharts_belong_to_their_parent_and_files_leave_the_walk() {
        let root = tree(&[
            "web/Chart.yaml",
            "web/values.yaml",
            "web/templates/a.yaml",
            "web/charts/db/Chart.yaml",
            "web/charts/db/templates/s.yaml",
            "k8s/deploy.yaml",
        ]);
        let mut found: BTreeMap<String, Candidate> = [
            "web/Chart.yaml",
            "web/values.yaml",
            "web/templates/a.yaml",
            "web/charts/db/Chart.yaml",
            "web/charts/db/templates/s.yaml",
            "k8s/deploy.yaml",
        ]
        .iter()
        .map(|d| {
            (
                d.to_string(),
                Candidate::new(d.to_string(), root.join(d), FileKind::Yaml),
            )
        })
        .collect();
        let charts = take_charts(&root, &mut found, &BTreeSet::new());
        assert_eq!(
            charts
                .iter()
                .map(|c| c.display.as_str())
                .collect::<Vec<_>>(),
            ["web"]
        );
        assert_eq!(found.keys().collect::<Vec<_>>(), ["k8s/deploy.yaml"]);
        assert_eq!(
            chart_of_file(&root, &root.join("web/charts/db/templates/s.yaml")),
            Some(root.join("web"))
        );
        assert_eq!(
            chart_of_file(&root, &root.join("web/templates/a.yaml")),
            Some(root.join("web"))
        );
        assert_eq!(chart_of_file(&root, &root.join("k8s/deploy.yaml")), None);
        std::fs::remove_dir_all(&root).unwrap();
    }
}
