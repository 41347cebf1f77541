//! `scan --timings`: the shape of the profile in the JSON and text reports,
//! and that asking for it changes nothing else. Never a wall-clock value:
//! the machines are shared and noisy.

mod common;

use common::Project;
use serde_json::Value;

const PHASES: [&str; 6] = [
    "discovery_ms",
    "parse_ms",
    "terraform_ms",
    "policy_ms",
    "report_ms",
    "total_ms",
];

/// One Deployment in `k8s`, one S3 bucket in `tf`, and a user rule without
/// an input selector in `policies`: three bundles of two formats.
fn project() -> Project {
    let p = Project::new();
    p.write(
        "k8s/web.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 2\n",
    );
    p.write(
        "tf/main.tf",
        "resource \"aws_s3_bucket\" \"logs\" {\n  bucket = \"logs\"\n}\n",
    );
    p.write(
        "tf2/main.tf",
        "resource \"aws_sqs_queue\" \"jobs\" {\n  name = \"jobs\"\n}\n",
    );
    p.write(
        "policies/everywhere.rego",
        "# METADATA\n# custom:\n#   id: ACME-001\n#   severity: low\npackage acme.everywhere\n\ndeny contains \"seen\" if { count(input.resources) > 99 }\n",
    );
    p
}

fn ms(value: &Value) -> f64 {
    value
        .as_f64()
        .unwrap_or_else(|| panic!("not a number: {value}"))
}

#[test]
fn json_timings_hold_every_phase_and_every_rule_slowest_first() {
    let p = project();
    let (_, report, stderr) = p.scan_json(&["--policy", "policies", "--timings"]);
    let timings = report["timings"]
        .as_object()
        .unwrap_or_else(|| panic!("{report}\n{stderr}"));
    let mut keys: Vec<&str> = timings.keys().map(String::as_str).collect();
    keys.sort_unstable();
    let mut expected: Vec<&str> = PHASES.iter().copied().chain(["rules"]).collect();
    expected.sort_unstable();
    assert_eq!(keys, expected);
    for phase in PHASES {
        assert!(ms(&timings[phase]) >= 0.0, "{phase}");
    }
    let bundles = report["summary"]["bundles"].as_u64().unwrap();
    assert_eq!(bundles, 3);
    let rules = timings["rules"].as_array().unwrap();
    let times: Vec<f64> = rules.iter().map(|r| ms(&r["ms"])).collect();
    assert!(
        times.windows(2).all(|pair| pair[0] >= pair[1]),
        "not slowest first: {times:?}"
    );
    for rule in rules {
        let mut fields: Vec<&str> = rule
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        fields.sort_unstable();
        assert_eq!(fields, ["bundles", "id", "ms"]);
        let ran_on = rule["bundles"].as_u64().unwrap();
        assert!((1..=bundles).contains(&ran_on), "{rule}");
    }
    // A rule without an input selector runs on every bundle.
    let user = rules
        .iter()
        .find(|r| r["id"] == "ACME-001")
        .expect("the user rule is profiled");
    assert_eq!(user["bundles"], 3);
    // A rule with an input selector runs only where it is admitted: the
    // bucket's, the queue's and the Deployment's bundle each hold one of
    // these, and no bundle holds an ElastiCache group.
    let ran_on = |id: &str| {
        rules
            .iter()
            .find(|r| r["id"] == id)
            .map(|r| r["bundles"].clone())
    };
    assert_eq!(ran_on("SG-AWS-009"), Some(1.into()), "s3-lifecycle");
    assert_eq!(ran_on("SG-AWS-010"), Some(1.into()), "queue-dead-letter");
    assert_eq!(ran_on("SG-K8S-010"), Some(1.into()), "probes");
    assert_eq!(ran_on("SG-AWS-011"), None, "cache-failover");
    // Every rule that ran is listed once.
    let mut ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    let listed = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), listed);
    assert!(listed > 10, "the pack's rules are profiled too: {ids:?}");
}

/// With only the built-in pack, the VM evaluates every bundle and the
/// interpreter is loaded for the profile alone: the profile still covers
/// the pack, and the findings are those of a scan without it.
#[test]
fn the_built_in_pack_alone_is_profiled_as_well() {
    let p = project();
    let (plain_code, plain, _) = p.scan_json(&[]);
    let (timed_code, mut timed, stderr) = p.scan_json(&["--timings"]);
    let rules = timed["timings"]["rules"]
        .as_array()
        .unwrap_or_else(|| panic!("{timed}\n{stderr}"))
        .clone();
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert!(ids.contains(&"SG-AWS-009"), "{ids:?}");
    assert!(ids.contains(&"SG-K8S-010"), "{ids:?}");
    assert!(!ids.contains(&"ACME-001"), "{ids:?}");
    timed.as_object_mut().unwrap().remove("timings");
    assert_eq!((plain_code, plain), (timed_code, timed));
}

#[test]
fn without_the_flag_there_are_no_timings_and_the_findings_are_the_same() {
    let p = project();
    let (plain_code, plain, _) = p.scan_json(&["--policy", "policies"]);
    let (timed_code, mut timed, _) = p.scan_json(&["--policy", "policies", "--timings"]);
    assert!(plain.get("timings").is_none());
    assert!(timed.as_object_mut().unwrap().remove("timings").is_some());
    assert_eq!(plain, timed);
    assert_eq!(plain_code, timed_code);
}

#[test]
fn the_text_report_ends_with_the_phases_and_at_most_ten_rules() {
    let p = project();
    let output = p.run(&["scan", "--policy", "policies", "--timings", "--no-color"]);
    let text = String::from_utf8(output.stdout).unwrap();
    let (before, profile) = text
        .split_once("\ntimings (wall clock):\n")
        .unwrap_or_else(|| panic!("no timings in:\n{text}"));
    let lines: Vec<&str> = profile.lines().collect();
    let phases: Vec<&str> = lines[..6]
        .iter()
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    assert_eq!(
        phases,
        [
            "discovery",
            "parse",
            "terraform",
            "policy",
            "report",
            "total"
        ]
    );
    assert!(lines[..6].iter().all(|l| l.ends_with(" ms")), "{profile}");
    assert_eq!(
        lines[6],
        "slowest rules (each evaluated on its own, summed over bundles):"
    );
    let rules = &lines[7..];
    assert_eq!(rules.len(), 10, "{profile}");
    assert!(
        rules
            .iter()
            .all(|l| l.contains(" ms ") && l.contains("bundle")),
        "{profile}"
    );

    // Everything before the timings is the report without them.
    let plain = p.run(&["scan", "--policy", "policies", "--no-color"]);
    assert_eq!(String::from_utf8(plain.stdout).unwrap(), before);
}
