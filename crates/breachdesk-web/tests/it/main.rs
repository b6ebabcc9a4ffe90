//! Integration tests of the web crate: a real server on 127.0.0.1:0 over a fresh `SQLite` data
//! dir, driven over HTTP (issue #2).

// Test helpers state expectations with unwrap; a panic there is a failing test.
#![allow(clippy::unwrap_used)]

mod api;
mod browser;
mod desk;
mod edge;
mod helpers;
mod layout;
mod mail;
mod mail_report;
mod notices;
mod pages;
mod register;
mod retention;
mod take_report;
