//! Black-box HTTP tests: each module is the contract of one resource, exercised through a
//! real server on a random port over a fresh temporary database.
#![expect(
    clippy::expect_used,
    reason = "a test that cannot set itself up should fail loudly"
)]
#![allow(
    clippy::indexing_slicing,
    reason = "bodies are read as `body[\"field\"]` (serde_json's Null when missing); an index past the end fails the test, as it should"
)]

mod common;

mod articles;
mod auth;
mod authors;
mod cache;
mod categories;
mod cli;
mod comments;
mod conventions;
mod feeds;
mod instances;
mod layers;
mod media;
mod pages;
mod readme;
mod search;
mod seo;
mod service;
mod spec;
mod stream;
mod tags;
mod transfer;
mod users;
mod views;
mod visibility;
mod webhooks;
