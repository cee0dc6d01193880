//! Identifiers as types, so an asset's id cannot be passed where a person's is
//! expected. Each is an `i64` underneath: the same in JSON (`#[serde(transparent)]`),
//! in the database (`sqlx(transparent)`, with the `sqlx` feature) and in the OpenAPI
//! document, where each is the `i64` schema it always was.

macro_rules! ids {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
        #[cfg_attr(feature = "sqlx", derive(sqlx::Type), sqlx(transparent))]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::num::ParseIntError;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                s.parse().map($name)
            }
        }

        // Tests and checks compare an id with a number they read from JSON or wrote down.
        impl PartialEq<i64> for $name {
            fn eq(&self, other: &i64) -> bool {
                self.0 == *other
            }
        }

        impl PartialEq<$name> for i64 {
            fn eq(&self, other: &$name) -> bool {
                *self == other.0
            }
        }

        impl PartialEq<$name> for serde_json::Value {
            fn eq(&self, other: &$name) -> bool {
                self.as_i64() == Some(other.0)
            }
        }

        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                <i64 as utoipa::PartialSchema>::schema()
            }
        }

        impl utoipa::ToSchema for $name {
            fn name() -> std::borrow::Cow<'static, str> {
                <i64 as utoipa::ToSchema>::name()
            }

            fn schemas(schemas: &mut Vec<(String, utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>)>) {
                <i64 as utoipa::ToSchema>::schemas(schemas)
            }
        }

        impl From<$name> for i64 {
            fn from(id: $name) -> i64 {
                id.0
            }
        }
    )*};
}

ids! {
    /// Identifier of a user.
    UserId,
    /// Identifier of a team (organisation, directorate or team).
    TeamId,
    /// Identifier of a knowledge asset.
    AssetId,
    /// Identifier of a project.
    ProjectId,
    /// Identifier of a learning session.
    SessionId,
    /// Identifier of an action.
    ActionId,
    /// Identifier of a leaver's plan.
    PlanId,
    /// Identifier of a community.
    CommunityId,
    /// Identifier of a question.
    QuestionId,
    /// Identifier of an answer.
    AnswerId,
    /// Identifier of a coffee programme.
    ProgrammeId,
    /// Identifier of a background job.
    JobId,
    /// Identifier of a webhook endpoint.
    EndpointId,
}
