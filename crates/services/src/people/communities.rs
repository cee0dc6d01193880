//! Communities of practice: start one, join and leave, coordinators, events.
use std::collections::HashMap;

use chrono::Utc;
use serde::{Deserialize, Serialize};
use signpost_domain::audit::AuditRecord;
use signpost_domain::communities::{Community, CommunityEvent, CommunityId, CommunityKind, MemberRole, Membership, Question};
use signpost_domain::people::{Actor, User};
use signpost_domain::{FieldError, StoreError, UserId};
use utoipa::ToSchema;

use crate::validate::{check_text, clean_tags, parse_date};
use crate::{ServiceError, Signpost, policy};
use signpost_domain::ids::QuestionId;

/// A new community, or changes to one.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CommunityInput {
    /// Name, unique.
    pub name: String,
    /// What it is about and who it is for.
    #[serde(default)]
    pub description: String,
    /// Labels.
    #[serde(default)]
    pub tags: Vec<String>,
}

/// A new event.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EventInput {
    /// What it is.
    pub title: String,
    /// When, `YYYY-MM-DD`.
    pub on: String,
    /// Where, or how to join.
    #[serde(default)]
    pub place: String,
    /// More about it.
    #[serde(default)]
    pub detail: String,
}

/// A community in a list.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CommunitySummary {
    /// The community.
    pub community: Community,
    /// How many members.
    pub members: usize,
    /// How many questions.
    pub questions: usize,
    /// How many of them have no answer yet.
    pub unanswered: usize,
    /// The reader's role, if they belong.
    pub my_role: Option<MemberRole>,
}

/// A question in a list, with how far it got.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct QuestionSummary {
    /// The question.
    pub question: Question,
    /// Who asked.
    pub author: String,
    /// How many answers.
    pub answers: usize,
}

/// A member and their part.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MemberView {
    /// Who.
    pub user: User,
    /// Member or coordinator.
    pub role: MemberRole,
}

/// A community's page.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CommunityView {
    /// The community.
    pub community: Community,
    /// Members with their role, coordinators first.
    pub members: Vec<MemberView>,
    /// Questions, newest first.
    pub questions: Vec<QuestionSummary>,
    /// The reader's role, if they belong.
    pub my_role: Option<MemberRole>,
    /// Whether the reader may edit it, add events and appoint coordinators.
    pub may_coordinate: bool,
}

fn check_community(input: &CommunityInput) -> Result<Vec<String>, ServiceError> {
    let mut errors: Vec<FieldError> = Vec::new();
    check_text("name", &input.name, true, 120, &mut errors);
    check_text("description", &input.description, false, 4000, &mut errors);
    let tags = clean_tags("tags", &input.tags, &mut errors);
    if errors.is_empty() { Ok(tags) } else { Err(ServiceError::Invalid(errors)) }
}

fn name_taken(e: StoreError) -> ServiceError {
    match e {
        StoreError::Conflict(_) => ServiceError::Invalid(vec![FieldError::new("name", "a community with this name already exists")]),
        other => other.into(),
    }
}

impl Signpost {
    pub(crate) async fn community_or_404(&self, id: CommunityId) -> Result<Community, ServiceError> {
        match self.store.community(id).await {
            Err(StoreError::NotFound) => Err(ServiceError::NotFound("the community".into())),
            other => Ok(other?),
        }
    }

    pub(crate) async fn membership_of(&self, id: CommunityId, user_id: UserId) -> Result<Option<Membership>, ServiceError> {
        Ok(self.store.memberships(Some(id)).await?.into_iter().find(|m| m.user_id == user_id))
    }

    /// Every community with its counts and the reader's role.
    pub async fn communities(&self, actor: &Actor) -> Result<Vec<CommunitySummary>, ServiceError> {
        policy::ensure_staff(actor)?;
        let memberships = self.store.memberships(None).await?;
        let questions = self.live_questions(None).await?;
        let answered: std::collections::HashSet<QuestionId> = self.live_answers(None).await?.into_iter().map(|a| a.question_id).collect();
        Ok(self
            .store
            .communities()
            .await?
            .into_iter()
            .map(|c| {
                let mine = memberships.iter().find(|m| m.community_id == c.id && m.user_id == actor.user_id).map(|m| m.role);
                let asked: Vec<&Question> = questions.iter().filter(|q| q.community_id == c.id).collect();
                CommunitySummary {
                    members: memberships.iter().filter(|m| m.community_id == c.id).count(),
                    questions: asked.len(),
                    unanswered: asked.iter().filter(|q| !answered.contains(&q.id)).count(),
                    my_role: mine,
                    community: c,
                }
            })
            .collect())
    }

    /// A community with its members and questions.
    pub async fn community_view(&self, actor: &Actor, id: CommunityId) -> Result<CommunityView, ServiceError> {
        policy::ensure_staff(actor)?;
        let community = self.community_or_404(id).await?;
        let people = self.people_by_id().await?;
        let memberships = self.store.memberships(Some(id)).await?;
        let mine = memberships.iter().find(|m| m.user_id == actor.user_id).cloned();
        let mut members: Vec<MemberView> =
            memberships.iter().filter_map(|m| people.get(&m.user_id).map(|u| MemberView { user: u.clone(), role: m.role })).collect();
        members.sort_by(|a, b| {
            (a.role != MemberRole::Coordinator).cmp(&(b.role != MemberRole::Coordinator)).then(a.user.name.cmp(&b.user.name))
        });
        let mut answers: HashMap<QuestionId, usize> = HashMap::new();
        for a in self.live_answers(None).await? {
            *answers.entry(a.question_id).or_default() += 1;
        }
        let questions = self
            .live_questions(Some(id))
            .await?
            .into_iter()
            .map(|q| QuestionSummary {
                author: people.get(&q.author_id).map(|u| u.name.clone()).unwrap_or_default(),
                answers: answers.get(&q.id).copied().unwrap_or(0),
                question: q,
            })
            .collect();
        Ok(CommunityView {
            may_coordinate: policy::can_coordinate(actor, mine.as_ref()),
            my_role: mine.map(|m| m.role),
            community,
            members,
            questions,
        })
    }

    /// Starts a community; its founder is its first coordinator.
    pub async fn create_community(&self, actor: &Actor, input: CommunityInput) -> Result<Community, ServiceError> {
        policy::ensure_can_contribute_as_staff(actor)?;
        let tags = check_community(&input)?;
        let now = Utc::now();
        let community = Community {
            id: CommunityId(0),
            name: input.name.trim().to_string(),
            description: input.description.trim().to_string(),
            tags,
            kind: CommunityKind::Practice,
            events: Vec::new(),
            created_by: Some(actor.user_id),
            created_at: now,
        };
        let founder = Membership { community_id: CommunityId(0), user_id: actor.user_id, role: MemberRole::Coordinator, joined_at: now };
        let audit = AuditRecord::new(Some(actor.user_id), "community.create", format!("started the community {:?}", community.name));
        self.store.save_community(&community, Some(&founder), audit).await.map_err(name_taken)
    }

    /// Changes a community's name, description and labels (coordinators).
    pub async fn update_community(&self, actor: &Actor, id: CommunityId, input: CommunityInput) -> Result<Community, ServiceError> {
        let current = self.community_or_404(id).await?;
        policy::ensure_can_coordinate(actor, self.membership_of(id, actor.user_id).await?.as_ref())?;
        let tags = check_community(&input)?;
        let updated = Community { name: input.name.trim().to_string(), description: input.description.trim().to_string(), tags, ..current };
        let audit = AuditRecord::new(Some(actor.user_id), "community.update", format!("changed the community {:?}", updated.name));
        self.store.save_community(&updated, None, audit).await.map_err(name_taken)
    }

    /// Adds an event (coordinators).
    pub async fn add_event(&self, actor: &Actor, id: CommunityId, input: EventInput) -> Result<Community, ServiceError> {
        let current = self.community_or_404(id).await?;
        policy::ensure_can_coordinate(actor, self.membership_of(id, actor.user_id).await?.as_ref())?;
        let mut errors = Vec::new();
        check_text("title", &input.title, true, 200, &mut errors);
        check_text("place", &input.place, false, 300, &mut errors);
        check_text("detail", &input.detail, false, 2000, &mut errors);
        let on = parse_date("on", &input.on, &mut errors);
        if on.is_none() && input.on.trim().is_empty() {
            errors.push(FieldError::new("on", "is required"));
        }
        let Some(on) = on.filter(|_| errors.is_empty()) else { return Err(ServiceError::Invalid(errors)) };
        let mut community = current;
        community.events.push(CommunityEvent {
            title: input.title.trim().to_string(),
            on,
            place: input.place.trim().to_string(),
            detail: input.detail.trim().to_string(),
        });
        community.events.sort_by_key(|e| e.on);
        let audit = AuditRecord::new(Some(actor.user_id), "community.event", format!("added the event {:?}", input.title.trim()));
        Ok(self.store.save_community(&community, None, audit).await?)
    }

    /// Joins a community as a member.
    pub async fn join_community(&self, actor: &Actor, id: CommunityId) -> Result<Membership, ServiceError> {
        policy::ensure_can_contribute_as_staff(actor)?;
        let community = self.community_or_404(id).await?;
        if let Some(m) = self.membership_of(id, actor.user_id).await? {
            return Ok(m);
        }
        if !policy::can_join_directly(&community) {
            return Err(ServiceError::Forbidden(
                "the advocates' community is for registered knowledge advocates: register as one instead".into(),
            ));
        }
        let m = Membership { community_id: id, user_id: actor.user_id, role: MemberRole::Member, joined_at: Utc::now() };
        let audit = AuditRecord::new(Some(actor.user_id), "community.join", format!("joined {:?}", community.name));
        self.store.save_membership(&m, audit).await?;
        Ok(m)
    }

    /// Leaves a community. The last coordinator cannot leave while others remain.
    pub async fn leave_community(&self, actor: &Actor, id: CommunityId) -> Result<(), ServiceError> {
        policy::ensure_staff(actor)?;
        let community = self.community_or_404(id).await?;
        let members = self.store.memberships(Some(id)).await?;
        let Some(mine) = members.iter().find(|m| m.user_id == actor.user_id) else {
            return Err(ServiceError::Conflict("you are not a member of this community".into()));
        };
        let coordinators = members.iter().filter(|m| m.role == MemberRole::Coordinator).count();
        if mine.role == MemberRole::Coordinator && coordinators == 1 && members.len() > 1 && community.kind == CommunityKind::Practice {
            return Err(ServiceError::Conflict("you are its only coordinator: make another member a coordinator before leaving".into()));
        }
        let audit = AuditRecord::new(Some(actor.user_id), "community.leave", format!("left {:?}", community.name));
        Ok(self.store.remove_membership(id, actor.user_id, audit).await?)
    }

    /// Makes a member a coordinator, or a coordinator a member again (coordinators).
    pub async fn set_member_role(&self, actor: &Actor, id: CommunityId, user_id: UserId, role: MemberRole) -> Result<(), ServiceError> {
        let community = self.community_or_404(id).await?;
        policy::ensure_can_coordinate(actor, self.membership_of(id, actor.user_id).await?.as_ref())?;
        let Some(member) = self.membership_of(id, user_id).await? else {
            return Err(ServiceError::invalid("user_id", "is not a member of this community"));
        };
        let audit = AuditRecord::new(
            Some(actor.user_id),
            "community.role",
            format!("made user {user_id} a {} of {:?}", role.as_str(), community.name),
        );
        Ok(self.store.save_membership(&Membership { role, ..member }, audit).await?)
    }
}
