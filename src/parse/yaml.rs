//! A YAML document builder over `granit-parser` events: spans for every node,
//! Kubernetes' YAML 1.1 scalar typing, merge keys, and alias expansion under a
//! node budget.
//! TEMPORARY STUB of the API, replaced by the real builder.
use crate::parse::ParseError;
use crate::source::Span;
pub enum Typing {
    Kubernetes,
    Core,
}
pub struct Limits {
    pub max_depth: usize,
    pub max_alias_nodes: usize,
}
impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_depth: 255,
            max_alias_nodes: 100_000,
        }
    }
}
pub struct Key {
    pub text: String,
    pub span: Span,
}
pub struct Node {
    pub value: NodeValue,
    pub span: Span,
}
pub enum NodeValue {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    String(String),
    Seq(Vec<Node>),
    Map(Vec<(Key, Node)>),
}
pub struct Document {
    pub root: Option<Node>,
}
pub fn parse_documents(
    _text: &str,
    _typing: Typing,
    _limits: &Limits,
) -> Result<Vec<Document>, ParseError> {
    Ok(vec![])
}
pub fn to_value(_n: &Node) -> regorus::Value {
    regorus::Value::new_object()
}
