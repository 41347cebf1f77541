//! The third stage: every bundle evaluated (in parallel, one engine clone
//! per worker), then the report built from what the engine found, step by
//! named step, with the baseline applied last.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::time::{Duration, Instant};

use rayon::prelude::*;

use super::findings::{bundle_findings, failure_findings, settle};
use super::schedule::costliest_first;
use super::{thread_pool, Loaded, Options, Prepared, WORKER_STACK_BYTES};
use crate::locate::HelmTemplates;
use crate::model::{
    Bundle, Finding, Notification, NotificationLevel, Report, ReportedBundle, RuleError, RuleInfo,
    Summary,
};
use crate::policy::evaluate::{evaluate, EvalError, RawFinding};
use crate::policy::loader::{engine_error, LoadedRule, PolicySet};
use crate::rules::PARSE_RULE;
use crate::source::SharedSource;
use crate::timings::{sort_slowest_first, RuleTiming};

/// What the engine made of one bundle: its raw findings and the rules'
/// evaluation errors, or `None` when the bundle was not evaluated, the scan
/// being over its memory ceiling when its turn came.
type Evaluated = Option<(Vec<RawFinding>, Vec<EvalError>)>;

/// Evaluates loaded bundles and builds the report.
pub fn evaluate_loaded(options: &Options, prepared: &Prepared, mut loaded: Loaded) -> Report {
    let policies = &prepared.policies;
    let pool = thread_pool(options.threads);
    let helm = stdin_templates(options, &prepared.root);
    // A rendered chart's objects map back onto that chart's templates and
    // values files; stdin's through the command line's paths.
    let chart_templates: BTreeMap<&str, HelmTemplates> = loaded
        .bundles
        .iter()
        .filter(|b| loaded.stdin_bundle.as_ref() != Some(&b.path))
        .filter_map(|b| {
            let chart = b.chart.as_ref()?;
            Some((
                b.path.as_str(),
                HelmTemplates::for_chart(&prepared.root, chart),
            ))
        })
        .collect();
    let started = Instant::now();
    let evaluated: Vec<Evaluated> = pool.install(|| evaluate_bundles(policies, &loaded.bundles));
    loaded.timings.policy = started.elapsed();
    if options.timings {
        loaded.timings.rules = pool.install(|| profile_rules(policies, &loaded.bundles));
    }
    let started = Instant::now();

    let scanned = summary(&loaded);
    let mut report = Report::default();
    let mut notifications = std::mem::take(&mut loaded.notifications);
    let mut rule_errors = Vec::new();
    let mut findings = Vec::new();
    let mut sources: BTreeMap<String, SharedSource> = BTreeMap::new();

    for (bundle, evaluated) in loaded.bundles.iter().enumerate().zip(evaluated) {
        let (_, bundle_ref) = bundle;
        let own = chart_templates.get(bundle_ref.path.as_str());
        let templates = own.unwrap_or(&helm);
        let rendered = loaded.stdin_bundle.as_ref() == Some(&bundle_ref.path) || own.is_some();
        if rendered {
            // Suppressions a template writes are reported in the template.
            if let Some(comments) = loaded.comments.get_mut(&bundle_ref.path) {
                templates.place_comments(comments);
            }
        }
        let Some((raw, errors)) = evaluated else {
            report.incomplete = true;
            notifications.push(not_evaluated(bundle_ref));
            continue;
        };
        for error in errors {
            rule_errors.push(rule_error(&policies.rules[error.rule], bundle_ref, &error));
        }
        findings.extend(bundle_findings(
            prepared,
            bundle,
            raw,
            rendered,
            templates,
            &mut sources,
        ));
    }
    findings.extend(failure_findings(
        &loaded.failures,
        prepared.catalog.engine(PARSE_RULE),
        &mut notifications,
        &mut sources,
    ));

    let findings = settle(findings, options, prepared, &loaded, &mut sources);
    notifications.extend(helm.escapes());
    for templates in chart_templates.values() {
        notifications.extend(templates.escapes());
    }
    notifications.sort();
    notifications.dedup();
    keep_referenced(&mut sources, &findings);

    report.summary = scanned;
    report.findings = findings;
    report.notifications = notifications;
    rule_errors.sort();
    rule_errors.dedup();
    report.rule_errors = rule_errors;
    report.rules = reported_rules(prepared);
    report.bundles = loaded
        .bundles
        .iter()
        .map(|b| ReportedBundle {
            path: b.path.clone(),
            chart_render: b.chart.is_some() && loaded.stdin_bundle.as_ref() != Some(&b.path),
        })
        .collect();
    report.sources = sources;
    drop_in_background(std::mem::take(&mut loaded.bundles));
    if let Some((path, baseline)) = &options.baseline {
        crate::baseline::apply(&mut report, baseline, path);
    }
    if options.timings {
        loaded.timings.report = started.elapsed();
        report.timings = Some(loaded.timings);
    }
    report
}

/// The templates of Helm output read from stdin: `--helm-chart` (else the
/// chart its `# Source:` names, under the project root) and `--helm-values`.
fn stdin_templates(options: &Options, root: &Path) -> HelmTemplates {
    let values = options
        .helm_values
        .iter()
        .map(|given| {
            let file = options.cwd.join(given);
            let display = crate::discover::display_path(root, &file, &given.display().to_string());
            (file, display)
        })
        .collect();
    HelmTemplates::new(root, options.helm_chart.clone()).with_values(values)
}

/// `--timings`: every rule evaluated on its own on every bundle, its time
/// summed over the bundles it ran on, slowest first.
fn profile_rules(policies: &PolicySet, bundles: &[Bundle]) -> Vec<RuleTiming> {
    let per_bundle: Vec<Vec<Option<Duration>>> = bundles
        .par_iter()
        .map_init(
            || policies.engine().ok().cloned(),
            |engine, bundle| match (engine, crate::memory::over_ceiling()) {
                // Only a broken built-in pack, which the build and its
                // tests load, could keep the interpreter from loading; the
                // profile is then empty, and the findings still the VM's.
                (Some(engine), None) => crate::policy::profile::profile(policies, engine, bundle),
                _ => Vec::new(),
            },
        )
        .collect();
    let mut rules: Vec<RuleTiming> = policies
        .rules
        .iter()
        .enumerate()
        .filter_map(|(index, rule)| {
            let times: Vec<Duration> = per_bundle
                .iter()
                .filter_map(|times| times.get(index).copied().flatten())
                .collect();
            (!times.is_empty()).then(|| RuleTiming {
                id: rule.info.id.clone(),
                time: times.iter().sum(),
                bundles: times.len(),
            })
        })
        .collect();
    sort_slowest_first(&mut rules);
    rules
}

/// Every bundle through the engine, one evaluator per worker; in bundle
/// order whatever the scheduling. The VM and the interpreter give the same
/// findings (tests/vm_agreement.rs): which one runs is a matter of speed.
fn evaluate_bundles(policies: &PolicySet, bundles: &[Bundle]) -> Vec<Evaluated> {
    // A bundle's resources stand for its cost.
    costliest_first(
        bundles,
        |bundle| bundle.resources.len() as u64,
        || policies.evaluator(),
        |engine, bundle, _| match crate::memory::over_ceiling() {
            Some(_) => None,
            None => Some(evaluate(policies, engine, bundle)),
        },
    )
}

/// Frees `value` on a thread of its own. The bundles of a large scan hold
/// every resource's value and span trees, and freeing them took longer than
/// building the report from them: the report need not wait for it, and a
/// process that exits first never pays it. Where no thread can be started,
/// `spawn` drops the closure, and with it `value`, here. Freeing a tree
/// recurses as deep as it is nested: the thread gets the workers' stack.
fn drop_in_background<T: Send + 'static>(value: T) {
    let _ = std::thread::Builder::new()
        .name("scalegate-free".to_owned())
        .stack_size(WORKER_STACK_BYTES)
        .spawn(move || drop(value));
}

/// The rules the report lists: the policies' and the engine's own, as
/// config leaves them, by id.
pub fn reported_rules(prepared: &Prepared) -> Vec<RuleInfo> {
    prepared.catalog.rules().to_vec()
}

/// The error saying a bundle was not evaluated, the scan being over its
/// memory ceiling.
fn not_evaluated(bundle: &Bundle) -> Notification {
    Notification::file(
        NotificationLevel::Error,
        bundle.path.clone(),
        format!(
            "bundle {} was not evaluated: {}",
            bundle.path,
            crate::memory::over_ceiling().unwrap_or_else(|| format!(
                "memory ceiling of {} reached (raise it with --max-memory)",
                crate::memory::show_size(crate::memory::ceiling())
            ))
        ),
    )
}

/// Keeps only the files a reported finding points into (the focus filter
/// may have removed the rest).
fn keep_referenced(sources: &mut BTreeMap<String, SharedSource>, findings: &[Finding]) {
    let referenced: BTreeSet<&str> = findings
        .iter()
        .flat_map(|f| {
            std::iter::once(f.location.file.as_str())
                .chain(f.related.iter().map(|r| r.location.file.as_str()))
        })
        .collect();
    sources.retain(|path, _| referenced.contains(path.as_str()));
}

/// What was scanned: files, ignored paths, bundles and resources.
fn summary(loaded: &Loaded) -> Summary {
    Summary {
        files_scanned: loaded.files_scanned,
        ignored_paths: loaded.ignored_paths,
        bundles: loaded.bundles.len(),
        // A block with no instance creates nothing: it is not counted.
        resources: loaded
            .bundles
            .iter()
            .flat_map(|b| &b.resources)
            .filter(|r| !r.declaration_only)
            .count(),
        charts_not_rendered: loaded.charts_not_rendered,
    }
}

/// A rule's evaluation error on `bundle`, at the position the engine names
/// in the rule's files, else at the rule's `package` line.
fn rule_error(rule: &LoadedRule, bundle: &Bundle, error: &EvalError) -> RuleError {
    let located = engine_error(&rule.info.file, &error.message);
    let (message, frame) = match located.message.split_once('\n') {
        Some((headline, frame)) => (headline.to_owned(), Some(frame.to_owned())),
        None => (located.message.clone(), None),
    };
    let (line, column) = match (located.line, located.column) {
        (Some(line), Some(column)) => (line, column),
        _ => (rule.package_line, 1),
    };
    RuleError {
        rule: rule.info.id.clone(),
        file: located.file,
        line,
        column,
        bundle: bundle.path.clone(),
        message,
        frame,
    }
}
