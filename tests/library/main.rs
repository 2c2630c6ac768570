//! Library tests that need neither a server nor a database: the list file formats against real and
//! hand-written files, the sanctions matcher against its labelled evaluation set, and the replay
//! of the committed fuzz corpora. (The server's scenarios are `tests/api/`.)

mod docs_paths;
mod fuzz_corpus;
mod sanctions_formats;
mod sanctions_harness;
mod sanctions_matcher;
