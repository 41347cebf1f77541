//! `crypto.sha256`, which OPA has and regorus lacks, added to the engine as
//! an extension with the SHA-256 the fingerprints already use.
//!
//! Only the hash a crate already in the build provides: `crypto.md5`,
//! `crypto.sha1`, HMACs and X.509 parsing would each bring a new crate.

use anyhow::Result;
use regorus::{Engine, Value};
use sha2::{Digest, Sha256};

/// The functions this module adds, as policies call them.
pub const FUNCTIONS: &[&str] = &["crypto.sha256"];

/// Adds the functions to `engine`.
pub fn register(engine: &mut Engine) -> Result<()> {
    engine.add_extension("crypto.sha256".to_owned(), 1, Box::new(sha256))
}

/// `crypto.sha256(s)`: the lower-case hex SHA-256 of `s`'s UTF-8 bytes. A
/// non-string argument makes the call undefined, as OPA's type errors do
/// when builtin errors are not strict.
fn sha256(args: Vec<Value>) -> Result<Value> {
    let Some(Value::String(text)) = args.first() else {
        return Ok(Value::Undefined);
    };
    let digest = Sha256::digest(text.as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    Ok(Value::from(hex))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_is_opas() {
        // OPA: crypto.sha256("hello") ==
        // "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"
        let mut engine = Engine::new();
        register(&mut engine).unwrap();
        engine
            .add_policy(
                "p.rego".into(),
                "package p\n\nh := crypto.sha256(\"hello\")\nn := crypto.sha256(1)\n".into(),
            )
            .unwrap();
        assert_eq!(
            engine.eval_rule("data.p.h".into()).unwrap(),
            Value::from("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824")
        );
        assert_eq!(
            engine.eval_rule("data.p.n".into()).unwrap(),
            Value::Undefined
        );
    }
}
