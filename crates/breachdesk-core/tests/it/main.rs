//! Integration tests of the domain crate: the assessment engine's worked scenarios and the
//! properties its rules must keep.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod assessment_properties;
mod assessment_scenarios;
