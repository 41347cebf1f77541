//! Rendering with external tools: one module per tool, each building what a
//! user deploys so that policies judge the deployed objects.

pub mod kustomize;
