//! OPA's builtin families are available to users' policies: one tiny
//! policy per family, each reporting the ConfigMap below only when its
//! builtin returns what OPA returns, all scanned in one run.

mod common;

use common::Project;

/// One ConfigMap whose values feed the builtins (each key is named for the
/// family that reads it).
const CONFIG_MAP: &str = r#"apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  expires: "2020-01-01T00:00:00Z"
  host: api.example.com
  version: 1.4.2
  network: 10.0.0.0/8
  b64: aGVsbG8=
  raw: "??>"
  embedded: "port: 8080\n"
  query: "a b&c"
  size: 10K
"#;

/// `(family, condition on the ConfigMap r)`: the rule fires only if the
/// condition holds.
const FAMILIES: &[(&str, &str)] = &[
    (
        "time",
        "time.parse_rfc3339_ns(r.config.data.expires) < time.now_ns()",
    ),
    (
        "glob",
        r#"glob.match("*.example.com", ["."], r.config.data.host)"#,
    ),
    (
        "semver",
        r#"semver.compare(r.config.data.version, "2.0.0") == -1"#,
    ),
    (
        "net",
        r#"net.cidr_contains(r.config.data.network, "10.1.2.3")"#,
    ),
    ("base64", r#"base64.decode(r.config.data.b64) == "hello""#),
    (
        "base64url",
        r#"base64url.encode(r.config.data.raw) == "Pz8-""#,
    ),
    ("hex", r#"hex.encode(r.config.data.raw) == "3f3f3e""#),
    (
        "yaml",
        "yaml.unmarshal(r.config.data.embedded).port == 8080",
    ),
    (
        "jsonschema",
        r#"[valid, _] := json.match_schema(r.config.data, {"type": "object", "required": ["owner"]})
  valid == false"#,
    ),
    (
        "jsonpatch",
        r#"patched := json.patch(r.config.data, [{"op": "add", "path": "/owner", "value": "ops"}])
  patched.owner == "ops""#,
    ),
    ("uuid", "count(uuid.rfc4122(r.id)) == 36"),
    (
        "urlquery",
        r#"urlquery.encode(r.config.data.query) == "a+b%26c""#,
    ),
    ("units", "units.parse_bytes(r.config.data.size) == 10000"),
    (
        "graph",
        r#"graph.reachable({"a": ["b"], "b": ["c"], "c": []}, ["a"]) == {"a", "b", "c"}"#,
    ),
    ("opa", r#"is_string(opa.runtime()["regorus-version"])"#),
    (
        "crypto",
        r#"crypto.sha256(r.config.data.raw) == "08953fb743c5947d379f93f67325b42e5bab73d6ca19764c6e686728542e28e8""#,
    ),
];

fn policy(index: usize, family: &str, condition: &str) -> String {
    format!(
        "# METADATA\n# custom:\n#   id: ACME-B{index:02}\n#   severity: high\npackage acme.builtins.{family}\n\n\
         deny contains {{\"msg\": \"{family}\", \"resource\": r.id}} if {{\n  some r in input.resources\n  {condition}\n}}\n"
    )
}

#[test]
fn every_offline_builtin_family_runs_as_in_opa() {
    let p = Project::new();
    p.write("k8s/settings.yaml", CONFIG_MAP);
    for (index, (family, condition)) in FAMILIES.iter().enumerate() {
        p.write(
            &format!("policy/{family}.rego"),
            policy(index, family, condition),
        );
    }
    let (code, report, stderr) = p.scan_json(&["k8s", "--policy", "policy"]);
    assert_eq!(code, 1, "{stderr}");
    let fired: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule_id"].as_str().unwrap().starts_with("ACME-B"))
        .map(|f| {
            assert_eq!(f["file"], "k8s/settings.yaml");
            assert_eq!(f["resource"], "core/ConfigMap/_/settings");
            f["message"].as_str().unwrap()
        })
        .collect();
    let mut expected: Vec<&str> = FAMILIES.iter().map(|(family, _)| *family).collect();
    expected.sort();
    let mut fired = fired;
    fired.sort();
    assert_eq!(fired, expected);
    assert!(report["notifications"].as_array().unwrap().is_empty());
}
