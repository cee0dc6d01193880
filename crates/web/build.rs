//! Tells utoipa that each id newtype is an `i64` in the OpenAPI document.
include!("../domain/utoipa_aliases.rs");

fn main() {
    write_utoipa_config();
}
