//! Terraform resource addresses (`module.a["k"].aws_s3_bucket.b[0]`):
//! split at the dots outside instance keys, where a string key may hold
//! dots, brackets and escaped quotes. Plan relocation and the merging of
//! findings reached through several module instances both read addresses
//! this one way.

/// One dot-separated step of a Terraform address: `logs["a.b"]` has name
/// `logs` and key `["a.b"]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Step<'a> {
    pub name: &'a str,
    /// The instance key as written, brackets included; empty when none.
    pub key: &'a str,
}

/// Splits an address at the dots outside instance keys (a string key may
/// hold dots, brackets and escaped quotes).
pub fn steps(address: &str) -> Vec<Step<'_>> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut key_start = None;
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    let mut push = |start: usize, key_start: Option<usize>, end: usize| {
        let split = key_start.unwrap_or(end);
        out.push(Step {
            name: &address[start..split],
            key: &address[split..end],
        });
    };
    // Every split is at an ASCII byte, so every slice is on a char boundary.
    for (i, byte) in address.bytes().enumerate() {
        if in_string {
            match byte {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match byte {
            b'"' if depth > 0 => in_string = true,
            b'[' => {
                if depth == 0 && key_start.is_none() {
                    key_start = Some(i);
                }
                depth += 1;
            }
            b']' => depth = depth.saturating_sub(1),
            b'.' if depth == 0 => {
                push(start, key_start, i);
                start = i + 1;
                key_start = None;
            }
            _ => {}
        }
    }
    push(start, key_start, address.len());
    out
}

/// How many leading steps of a resource address name its module instance
/// (`module.a["k"].module.b` → 4); at least two steps (`T.N`) remain.
pub fn module_steps(steps: &[Step<'_>]) -> usize {
    let mut i = 0;
    while i + 4 <= steps.len() && steps[i].name == "module" && steps[i].key.is_empty() {
        i += 2;
    }
    i
}

/// The address within its module: `module.a["x.y"].module.b.aws_s3_bucket.c[0]`
/// → `aws_s3_bucket.c[0]`. A module call itself (`module.web`) is returned
/// whole.
pub fn in_module(address: &str) -> &str {
    let steps = steps(address);
    let skip: usize = steps[..module_steps(&steps)]
        .iter()
        .map(|step| step.name.len() + step.key.len() + 1)
        .sum();
    address.get(skip..).unwrap_or(address)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_split_outside_instance_keys() {
        let split = |address| -> Vec<(&str, &str)> {
            steps(address).iter().map(|s| (s.name, s.key)).collect()
        };
        assert_eq!(
            split(r#"module.a["x.\"]y"].aws_b.c[0]"#),
            [
                ("module", ""),
                ("a", r#"["x.\"]y"]"#),
                ("aws_b", ""),
                ("c", "[0]")
            ]
        );
        // Broken addresses split somehow, without panicking.
        assert_eq!(split("a[\"b.c"), [("a", "[\"b.c")]);
        assert_eq!(split("."), [("", ""), ("", "")]);
        assert_eq!(module_steps(&steps("module.a.b.c")), 2);
        assert_eq!(module_steps(&steps("module.a.module.b.data.c.d")), 4);
        assert_eq!(module_steps(&steps("module.a")), 0);
    }

    #[test]
    fn module_paths_are_stripped_whatever_their_keys_hold() {
        assert_eq!(in_module("aws_s3_bucket.b"), "aws_s3_bucket.b");
        assert_eq!(
            in_module(r#"module.a["x.y]"].module.b[0].aws_s3_bucket.c[0]"#),
            "aws_s3_bucket.c[0]"
        );
        assert_eq!(
            in_module(r#"module.a["q\"].b"].data.aws_region.r"#),
            "data.aws_region.r"
        );
        // A module call itself has no address inside a module.
        assert_eq!(in_module("module.web"), "module.web");
        assert_eq!(in_module("module.a.module.b"), "module.b");
    }
}
