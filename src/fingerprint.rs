//! STUB
use crate::model::Finding;
pub fn assign(_findings: &mut [Finding]) {}
