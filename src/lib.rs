//! Newsroom: a headless content API for news sites, one binary over embedded SQLite.

#![forbid(unsafe_code)]

pub mod app;
pub mod articles;
pub mod auth;
pub mod authors;
pub mod categories;
pub mod cli;
pub mod comments;
pub mod config;
pub mod db;
pub mod domain;
pub mod error;
pub mod events;
pub mod feeds;
pub mod fulltext;
pub mod http;
pub mod media;
pub mod openapi;
pub mod pages;
pub mod search;
pub mod seed;
pub mod sessions;
pub mod site;
pub mod state;
pub mod stream;
pub mod tags;
pub mod time;
pub mod transfer;
pub mod users;
pub mod views;
pub mod webhooks;
