//! Command-line definitions (clap derive). Only the shapes live here; what
//! each command does is in the library, wired up by `main.rs`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Policy-as-code linter for Terraform, Kubernetes and Helm output, with a
/// built-in scalability-governance pack.
#[derive(Debug, Parser)]
#[command(name = "scalegate", version, about, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scan files and directories (or `-` for stdin) and report findings.
    Scan(Box<ScanArgs>),
    /// Print the normalised input policies see, bundle by bundle, as JSON.
    Inspect(InspectArgs),
    /// List every rule: id, slug, severity, title.
    Rules(RulesArgs),
    /// Run the `test_*` rules of policy directories, like `opa test`.
    Test(TestArgs),
    /// Print a rule's documentation (by id or slug).
    Explain(ExplainArgs),
    /// Write a commented starter `.scalegate.yaml` in the current directory.
    Init(InitArgs),
    /// Record today's findings, so that `scan --baseline` reports only new ones.
    #[command(subcommand)]
    Baseline(BaselineCommand),
    /// Generate the rule docs (`docs/rules/`) from METADATA and fixtures.
    #[command(hide = true)]
    Docs(DocsArgs),
    /// Generate the JSON Schema of `.scalegate.yaml`.
    #[command(hide = true)]
    Schema(SchemaArgs),
}

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    Text,
    Json,
    Sarif,
    Github,
    Compact,
    Junit,
    Gitlab,
    Html,
}

/// Gate thresholds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOnArg {
    Critical,
    High,
    Medium,
    Low,
    Never,
}

/// What both `scan` and `inspect` read.
#[derive(Debug, Args)]
pub struct InputArgs {
    /// Files or directories to scan; `-` reads stdin.
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    /// Config file (default: `.scalegate.yaml` found by walking up).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Extra policy directory (repeatable).
    #[arg(long = "policy", value_name = "DIR")]
    pub policies: Vec<PathBuf>,
    /// Data file (JSON or YAML): one mapping, merged under `data.` (repeatable).
    #[arg(long = "data", value_name = "FILE")]
    pub data: Vec<PathBuf>,
    /// Glob of paths to skip, relative to the project root (repeatable).
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// Worker threads (default: one per core).
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// The path to report stdin as (also selects its format by extension).
    #[arg(long, value_name = "PATH")]
    pub stdin_filename: Option<String>,
    /// Chart directory for Helm output read from stdin.
    #[arg(long, value_name = "DIR")]
    pub helm_chart: Option<PathBuf>,
    /// The Helm program that renders charts (default: `helm.binary` in the
    /// config, else `helm` on PATH).
    #[arg(long, value_name = "PATH")]
    pub helm_bin: Option<PathBuf>,
    /// A values file for the charts named on the command line, applied after
    /// the chart's own and the config's; for Helm output read from stdin, a
    /// file it was rendered with (needs --helm-chart). Repeatable, in order.
    #[arg(long = "helm-values", value_name = "FILE")]
    pub helm_values: Vec<PathBuf>,
    /// A `--set` value for the charts named on the command line (repeatable).
    #[arg(long = "helm-set", value_name = "KEY=VALUE")]
    pub helm_set: Vec<String>,
    /// The `kustomize` (or `kubectl`) that builds kustomization roots;
    /// default: `kustomize`, else `kubectl`, on PATH.
    #[arg(long, value_name = "PATH")]
    pub kustomize_bin: Option<PathBuf>,
    /// Terraform variable values file for every root module, applied after
    /// its own terraform.tfvars and *.auto.tfvars (repeatable).
    #[arg(long = "var-file", value_name = "FILE")]
    pub var_files: Vec<PathBuf>,
    /// A Terraform variable value for every root module, applied last
    /// (repeatable).
    #[arg(long = "var", value_name = "NAME=VALUE")]
    pub vars: Vec<String>,
    /// Ignore every inline comment and annotation suppression (a reviewer's
    /// view); `.scalegate-ignore.yaml` and `--baseline` still apply.
    #[arg(long)]
    pub no_inline_suppressions: bool,
    /// Reviewer mode: read nothing the scanned repository says about how to
    /// scan it — no `.scalegate.yaml` found by walking up, no
    /// `.scalegate-ignore.yaml`, no suppression comment or annotation. Only
    /// `--config FILE`, `--policy` and `--baseline` apply.
    #[arg(long)]
    pub no_config: bool,
    /// Scan every file, whatever `.gitignore` and `.git/info/exclude` say
    /// (by default a git work tree is scanned as git sees it).
    #[arg(long)]
    pub no_ignore: bool,
    /// Memory ceiling for the whole scan: bytes, or a number with K, M or G
    /// (default 2G). A file or bundle that would take the scan past it is
    /// reported as not checked, and the gate fails.
    #[arg(long, value_name = "SIZE")]
    pub max_memory: Option<String>,
}

#[derive(Debug, Args)]
pub struct InspectArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Add `unknown_causes` to each resource: why each unknown path (and
    /// the effective tags) cannot be known before Terraform runs.
    #[arg(long)]
    pub explain_unknown: bool,
}

#[derive(Debug, Subcommand)]
pub enum BaselineCommand {
    /// Scan and write every finding's fingerprint to a baseline file.
    Create(BaselineCreateArgs),
}

#[derive(Debug, Args)]
pub struct BaselineCreateArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// The baseline file to write.
    #[arg(
        short,
        long,
        value_name = "FILE",
        default_value = ".scalegate-baseline.json"
    )]
    pub output: PathBuf,
}

#[derive(Debug, Args)]
pub struct ScanArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Report format written to stdout (or `--output`).
    #[arg(long, value_enum, default_value_t = FormatArg::Text)]
    pub format: FormatArg,
    /// Write the report to FILE instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Also write SARIF to FILE.
    #[arg(long, value_name = "FILE")]
    pub sarif_file: Option<PathBuf>,
    /// Also write JSON to FILE.
    #[arg(long, value_name = "FILE")]
    pub json_file: Option<PathBuf>,
    /// Also write JUnit XML to FILE.
    #[arg(long, value_name = "FILE")]
    pub junit_file: Option<PathBuf>,
    /// Also write a GitLab Code Quality report to FILE.
    #[arg(long, value_name = "FILE")]
    pub gitlab_file: Option<PathBuf>,
    /// Also write the HTML report to FILE.
    #[arg(long, value_name = "FILE")]
    pub html_file: Option<PathBuf>,
    /// SARIF `automationDetails.id` (GitHub code scanning category).
    #[arg(long, value_name = "CATEGORY", default_value = "scalegate/")]
    pub sarif_category: String,
    /// Lowest severity that fails the run (exit 1); `never` disables the gate.
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOnArg>,
    /// No colour in text output (also: NO_COLOR).
    #[arg(long)]
    pub no_color: bool,
    /// Report only findings not recorded in this baseline file (those are
    /// shown as suppressed and do not fail the gate).
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Also list suppressed findings in the text and compact reports, with
    /// their reason.
    #[arg(long)]
    pub show_suppressed: bool,
    /// Run only the rules matching this id, slug or glob (`SG-K8S-*`,
    /// `*-tags`); repeatable. SG-PARSE-001 always runs.
    #[arg(long = "rule", value_name = "ID|SLUG|GLOB")]
    pub rules: Vec<String>,
    /// Do not run the rules matching this id, slug or glob; repeatable,
    /// applied after `--rule`. SG-PARSE-001 cannot be skipped.
    #[arg(long = "skip-rule", value_name = "ID|SLUG|GLOB")]
    pub skip_rules: Vec<String>,
    /// End the report with the wall time of each phase and the ten slowest
    /// rules (the JSON report gets a `timings` object with every rule).
    #[arg(long)]
    pub timings: bool,
}

/// Formats of the rule list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RulesFormatArg {
    Text,
    Json,
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    /// `text` (columns) or `json` (id, slug, severity, title, help URI and
    /// the settings each rule reads).
    #[arg(long, value_enum, default_value_t = RulesFormatArg::Text)]
    pub format: RulesFormatArg,
    /// Extra policy directory (repeatable).
    #[arg(long = "policy", value_name = "DIR")]
    pub policies: Vec<PathBuf>,
    /// Config file (severity overrides and `policies:` apply).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Read no `.scalegate.yaml` by walking up: the rules as a reviewer's
    /// `scan --no-config` runs them (only `--config` applies).
    #[arg(long)]
    pub no_config: bool,
}

#[derive(Debug, Args)]
pub struct TestArgs {
    /// Policy directories whose `*_test.rego` files to run (default: the built-in pack).
    pub dirs: Vec<PathBuf>,
    /// Data file (JSON or YAML): one mapping, merged under `data.` (repeatable).
    #[arg(long = "data", value_name = "FILE")]
    pub data: Vec<PathBuf>,
    /// Print every test, not only failures.
    #[arg(short, long)]
    pub verbose: bool,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// Rule id or slug, e.g. SG-K8S-008 or pdb-coverage.
    #[arg(value_name = "RULE")]
    pub rule: String,
    /// Extra policy directory, for users' rules (repeatable).
    #[arg(long = "policy", value_name = "DIR")]
    pub policies: Vec<PathBuf>,
    /// Config file (its `policies:` and `rules:` apply).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Overwrite an existing `.scalegate.yaml`.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct DocsArgs {
    /// Directory to write the pages to.
    #[arg(long, value_name = "DIR", default_value = "docs/rules")]
    pub out: PathBuf,
    /// The rules' fixtures (`<slug>/fail.*`, `pass.*`, `expected.txt`).
    #[arg(long, value_name = "DIR", default_value = "fixtures/rules")]
    pub fixtures: PathBuf,
    /// Write nothing; exit 1 if a page is missing, stale or left over.
    #[arg(long)]
    pub check: bool,
}

#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// Write to FILE instead of stdout (e.g. schema/scalegate.schema.json).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// With --out: write nothing; exit 1 if FILE differs.
    #[arg(long, requires = "out")]
    pub check: bool,
    /// The schema of `.scalegate-ignore.yaml` instead of `.scalegate.yaml`
    /// (e.g. --out schema/scalegate-ignore.schema.json).
    #[arg(long)]
    pub ignore_file: bool,
}
