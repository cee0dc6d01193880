// The id newtypes of `src/ids.rs`, each an `i64` in the OpenAPI document. Included by
// the build scripts of every crate that derives schemas with them.
const ID_TYPES: [&str; 12] = [
    "UserId", "TeamId", "AssetId", "ProjectId", "SessionId", "ActionId", "PlanId", "CommunityId", "QuestionId", "AnswerId",
    "ProgrammeId", "JobId",
];

fn write_utoipa_config() {
    ID_TYPES.iter().fold(utoipa_config::Config::new(), |c, id| c.alias_for(id, "i64")).write_to_file();
}
