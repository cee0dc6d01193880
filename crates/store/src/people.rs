//! Profiles, communities and their questions, notifications, advocates, mentoring
//! and coffee programmes. Rows keep the whole record as JSON in `doc`, as the
//! learning tables do; keyed rows (a membership, a vote, feedback) are replaced in place.
use async_trait::async_trait;
use signpost_domain::audit::AuditRecord;
use signpost_domain::coffee::{CoffeeFeedback, CoffeeMember, CoffeeRound, Programme, ProgrammeId};
use signpost_domain::communities::{
    Advocate, Answer, AnswerId, Comment, Community, CommunityId, CommunityKind, Membership, Notification, Post, Question, QuestionId, Vote,
};
use signpost_domain::jobs::NewJob;
use signpost_domain::mentoring::{Listing, MentoringMatch};
use signpost_domain::ports::PeopleStore;
use signpost_domain::profiles::Profile;
use signpost_domain::{AssetId, StoreError, Timestamp, UserId};
use sqlx::{Any, Row, Transaction};

use crate::learning::{from_doc, from_doc_with_id, to_doc, upsert};
use crate::rows::{ms, time};
use crate::{Db, append_logs, map_err};

pub(crate) async fn insert_notifications(tx: &mut Transaction<'static, Any>, notify: &[Notification]) -> Result<(), StoreError> {
    for n in notify {
        sqlx::query("INSERT INTO notifications (user_id, seen, doc, category, created_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(n.user_id)
            .bind(n.read as i64)
            .bind(to_doc(n)?)
            .bind(n.category.as_str())
            .bind(ms(n.created_at))
            .execute(&mut **tx)
            .await
            .map_err(map_err)?;
    }
    Ok(())
}

pub(crate) async fn write_membership(tx: &mut Transaction<'static, Any>, m: &Membership) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO community_members (community_id, user_id, role, doc) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (community_id, user_id) DO UPDATE SET role = excluded.role, doc = excluded.doc",
    )
    .bind(m.community_id)
    .bind(m.user_id)
    .bind(m.role.as_str())
    .bind(to_doc(m)?)
    .execute(&mut **tx)
    .await
    .map_err(map_err)?;
    Ok(())
}

/// Registers an advocate and, unless already there, adds them to the advocates' community.
pub(crate) async fn write_advocate(
    tx: &mut Transaction<'static, Any>,
    advocate: &Advocate,
    membership: &Membership,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO advocates (user_id, team_id, doc) VALUES ($1, $2, $3) \
         ON CONFLICT (user_id) DO UPDATE SET team_id = excluded.team_id, doc = excluded.doc",
    )
    .bind(advocate.user_id)
    .bind(advocate.team_id)
    .bind(to_doc(advocate)?)
    .execute(&mut **tx)
    .await
    .map_err(map_err)?;
    let already = sqlx::query("SELECT 1 FROM community_members WHERE community_id = $1 AND user_id = $2")
        .bind(membership.community_id)
        .bind(membership.user_id)
        .fetch_optional(&mut **tx)
        .await
        .map_err(map_err)?;
    if already.is_none() {
        write_membership(tx, membership).await?;
    }
    Ok(())
}

impl Db {
    async fn docs<T: serde::de::DeserializeOwned>(&self, sql: &'static str, what: &str, with_id: bool) -> Result<Vec<T>, StoreError> {
        let rows = sqlx::query(sql).fetch_all(&self.pool).await.map_err(map_err)?;
        rows.iter().map(|r| if with_id { from_doc_with_id(r, what) } else { from_doc(r, what) }).collect()
    }

    async fn docs_by<T: serde::de::DeserializeOwned>(
        &self,
        sql: &'static str,
        key: i64,
        what: &str,
        with_id: bool,
    ) -> Result<Vec<T>, StoreError> {
        let rows = sqlx::query(sql).bind(key).fetch_all(&self.pool).await.map_err(map_err)?;
        rows.iter().map(|r| if with_id { from_doc_with_id(r, what) } else { from_doc(r, what) }).collect()
    }

    pub(crate) async fn doc_by_id<T: serde::de::DeserializeOwned>(&self, sql: &'static str, id: i64, what: &str) -> Result<T, StoreError> {
        let row = sqlx::query(sql).bind(id).fetch_one(&self.pool).await.map_err(map_err)?;
        from_doc_with_id(&row, what)
    }
}

#[async_trait]
impl PeopleStore for Db {
    async fn save_profile(&self, profile: &Profile, audit: AuditRecord) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        sqlx::query("INSERT INTO profiles (user_id, doc) VALUES ($1, $2) ON CONFLICT (user_id) DO UPDATE SET doc = excluded.doc")
            .bind(profile.user_id)
            .bind(to_doc(profile)?)
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
        append_logs(&mut tx, &audit, "user", Some(profile.user_id.0), false).await?;
        tx.commit().await.map_err(map_err)
    }

    async fn profiles(&self) -> Result<Vec<Profile>, StoreError> {
        self.docs("SELECT doc FROM profiles ORDER BY user_id", "profile", false).await
    }

    async fn save_community(
        &self,
        community: &Community,
        founder: Option<&Membership>,
        audit: AuditRecord,
    ) -> Result<Community, StoreError> {
        let mut tx = self.begin().await?;
        let mut saved = community.clone();
        let doc = to_doc(community)?;
        let kind = match community.kind {
            CommunityKind::Practice => "practice",
            CommunityKind::Advocates => "advocates",
        };
        saved.id = CommunityId(
            upsert(&mut tx, "communities", community.id.0, &["name", "kind", "doc"], |q| {
                q.bind(community.name.clone()).bind(kind).bind(doc)
            })
            .await?,
        );
        if let Some(m) = founder {
            write_membership(&mut tx, &Membership { community_id: saved.id, ..m.clone() }).await?;
        }
        append_logs(&mut tx, &audit, "community", Some(saved.id.0), false).await?;
        tx.commit().await.map_err(map_err)?;
        Ok(saved)
    }

    async fn community(&self, id: CommunityId) -> Result<Community, StoreError> {
        self.doc_by_id("SELECT id, doc FROM communities WHERE id = $1", id.0, "community").await
    }

    async fn communities(&self) -> Result<Vec<Community>, StoreError> {
        self.docs("SELECT id, doc FROM communities ORDER BY name", "community", true).await
    }

    async fn save_membership(&self, membership: &Membership, audit: AuditRecord) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        write_membership(&mut tx, membership).await?;
        append_logs(&mut tx, &audit, "community", Some(membership.community_id.0), false).await?;
        tx.commit().await.map_err(map_err)
    }

    async fn remove_membership(&self, community_id: CommunityId, user_id: UserId, audit: AuditRecord) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        sqlx::query("DELETE FROM community_members WHERE community_id = $1 AND user_id = $2")
            .bind(community_id)
            .bind(user_id)
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
        append_logs(&mut tx, &audit, "community", Some(community_id.0), false).await?;
        tx.commit().await.map_err(map_err)
    }

    async fn memberships(&self, community_id: Option<CommunityId>) -> Result<Vec<Membership>, StoreError> {
        match community_id {
            Some(c) => {
                self.docs_by("SELECT doc FROM community_members WHERE community_id = $1 ORDER BY user_id", c.0, "membership", false).await
            }
            None => self.docs("SELECT doc FROM community_members ORDER BY community_id, user_id", "membership", false).await,
        }
    }

    async fn save_question(&self, question: &Question, notify: &[Notification], audit: AuditRecord) -> Result<Question, StoreError> {
        let mut tx = self.begin().await?;
        let mut saved = question.clone();
        let doc = to_doc(question)?;
        saved.id = QuestionId(
            upsert(&mut tx, "questions", question.id.0, &["community_id", "doc"], |q| q.bind(question.community_id).bind(doc)).await?,
        );
        let linked: Vec<Notification> =
            notify.iter().map(|n| Notification { link: n.link.replace("{question}", &saved.id.to_string()), ..n.clone() }).collect();
        insert_notifications(&mut tx, &linked).await?;
        append_logs(&mut tx, &audit, "question", Some(saved.id.0), false).await?;
        tx.commit().await.map_err(map_err)?;
        Ok(saved)
    }

    async fn question(&self, id: QuestionId) -> Result<Question, StoreError> {
        self.doc_by_id("SELECT id, doc FROM questions WHERE id = $1", id.0, "question").await
    }

    async fn questions(&self, community_id: Option<CommunityId>) -> Result<Vec<Question>, StoreError> {
        match community_id {
            Some(c) => self.docs_by("SELECT id, doc FROM questions WHERE community_id = $1 ORDER BY id DESC", c.0, "question", true).await,
            None => self.docs("SELECT id, doc FROM questions ORDER BY id DESC", "question", true).await,
        }
    }

    async fn add_answer(&self, answer: &Answer, notify: &[Notification], audit: AuditRecord) -> Result<Answer, StoreError> {
        let mut tx = self.begin().await?;
        let mut saved = answer.clone();
        let doc = to_doc(answer)?;
        saved.id = AnswerId(upsert(&mut tx, "answers", 0, &["question_id", "doc"], |q| q.bind(answer.question_id).bind(doc)).await?);
        insert_notifications(&mut tx, notify).await?;
        append_logs(&mut tx, &audit, "question", Some(answer.question_id.0), false).await?;
        tx.commit().await.map_err(map_err)?;
        Ok(saved)
    }

    async fn answers(&self, question_id: Option<QuestionId>) -> Result<Vec<Answer>, StoreError> {
        match question_id {
            Some(q) => self.docs_by("SELECT id, doc FROM answers WHERE question_id = $1 ORDER BY id", q.0, "answer", true).await,
            None => self.docs("SELECT id, doc FROM answers ORDER BY id", "answer", true).await,
        }
    }

    async fn add_comment(&self, comment: &Comment, audit: AuditRecord) -> Result<Comment, StoreError> {
        let mut tx = self.begin().await?;
        let mut saved = comment.clone();
        let doc = to_doc(comment)?;
        saved.id = upsert(&mut tx, "comments", 0, &["question_id", "doc"], |q| q.bind(comment.question_id).bind(doc)).await?;
        append_logs(&mut tx, &audit, "question", Some(comment.question_id.0), false).await?;
        tx.commit().await.map_err(map_err)?;
        Ok(saved)
    }

    async fn comments(&self, question_id: QuestionId) -> Result<Vec<Comment>, StoreError> {
        self.docs_by("SELECT id, doc FROM comments WHERE question_id = $1 ORDER BY id", question_id.0, "comment", true).await
    }

    async fn revise_post(&self, expected: &Post, revised: &Post, notify: &[Notification], audit: AuditRecord) -> Result<(), StoreError> {
        self.revise(expected, revised, notify, audit).await
    }

    async fn vote(&self, vote: &Vote) -> Result<(), StoreError> {
        if vote.value == 0 {
            sqlx::query("DELETE FROM answer_votes WHERE answer_id = $1 AND user_id = $2").bind(vote.answer_id).bind(vote.user_id)
        } else {
            sqlx::query(
                "INSERT INTO answer_votes (answer_id, user_id, question_id, value) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (answer_id, user_id) DO UPDATE SET value = excluded.value",
            )
            .bind(vote.answer_id)
            .bind(vote.user_id)
            .bind(vote.question_id)
            .bind(vote.value)
        }
        .execute(&self.pool)
        .await
        .map_err(map_err)?;
        Ok(())
    }

    async fn votes(&self, question_id: QuestionId) -> Result<Vec<Vote>, StoreError> {
        let rows = sqlx::query("SELECT answer_id, user_id, question_id, value FROM answer_votes WHERE question_id = $1")
            .bind(question_id)
            .fetch_all(&self.pool)
            .await
            .map_err(map_err)?;
        rows.iter()
            .map(|r| {
                Ok(Vote {
                    answer_id: r.try_get("answer_id").map_err(map_err)?,
                    user_id: r.try_get("user_id").map_err(map_err)?,
                    question_id: r.try_get("question_id").map_err(map_err)?,
                    value: r.try_get("value").map_err(map_err)?,
                })
            })
            .collect()
    }

    async fn notify(&self, notify: &[Notification]) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        insert_notifications(&mut tx, notify).await?;
        tx.commit().await.map_err(map_err)
    }

    async fn notifications(&self, user_id: UserId, limit: i64) -> Result<Vec<Notification>, StoreError> {
        let rows = sqlx::query("SELECT id, seen, doc FROM notifications WHERE user_id = $1 ORDER BY id DESC LIMIT $2")
            .bind(user_id)
            .bind(limit)
            .fetch_all(&self.pool)
            .await
            .map_err(map_err)?;
        rows.iter()
            .map(|r| {
                let mut n: Notification = from_doc_with_id(r, "notification")?;
                n.read = r.try_get::<i64, _>("seen").map_err(map_err)? != 0;
                Ok(n)
            })
            .collect()
    }

    async fn mark_notifications_read(&self, user_id: UserId) -> Result<(), StoreError> {
        sqlx::query("UPDATE notifications SET seen = 1 WHERE user_id = $1 AND seen = 0")
            .bind(user_id)
            .execute(&self.pool)
            .await
            .map_err(map_err)?;
        Ok(())
    }

    async fn save_advocate(&self, advocate: &Advocate, membership: &Membership, audit: AuditRecord) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        write_advocate(&mut tx, advocate, membership).await?;
        append_logs(&mut tx, &audit, "user", Some(advocate.user_id.0), false).await?;
        tx.commit().await.map_err(map_err)
    }

    async fn remove_advocate(&self, user_id: UserId, audit: AuditRecord) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        let done = sqlx::query("DELETE FROM advocates WHERE user_id = $1").bind(user_id).execute(&mut *tx).await.map_err(map_err)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        append_logs(&mut tx, &audit, "user", Some(user_id.0), false).await?;
        tx.commit().await.map_err(map_err)
    }

    async fn advocates(&self) -> Result<Vec<Advocate>, StoreError> {
        self.docs("SELECT doc FROM advocates ORDER BY team_id, user_id", "advocate", false).await
    }

    async fn save_listing(&self, listing: &Listing, audit: AuditRecord) -> Result<Listing, StoreError> {
        let mut tx = self.begin().await?;
        let mut saved = listing.clone();
        let doc = to_doc(listing)?;
        saved.id = upsert(&mut tx, "mentoring_listings", listing.id, &["user_id", "doc"], |q| q.bind(listing.user_id).bind(doc)).await?;
        append_logs(&mut tx, &audit, "mentoring", Some(saved.id), false).await?;
        tx.commit().await.map_err(map_err)?;
        Ok(saved)
    }

    async fn listings(&self) -> Result<Vec<Listing>, StoreError> {
        self.docs("SELECT id, doc FROM mentoring_listings ORDER BY id DESC", "mentoring listing", true).await
    }

    async fn save_match(&self, m: &MentoringMatch, notify: &[Notification], audit: AuditRecord) -> Result<MentoringMatch, StoreError> {
        let mut tx = self.begin().await?;
        let mut saved = m.clone();
        let doc = to_doc(m)?;
        saved.id = upsert(&mut tx, "mentoring_matches", m.id, &["mentor_id", "mentee_id", "doc"], |q| {
            q.bind(m.mentor_id).bind(m.mentee_id).bind(doc)
        })
        .await?;
        insert_notifications(&mut tx, notify).await?;
        append_logs(&mut tx, &audit, "mentoring", Some(saved.id), false).await?;
        tx.commit().await.map_err(map_err)?;
        Ok(saved)
    }

    async fn matches(&self) -> Result<Vec<MentoringMatch>, StoreError> {
        self.docs("SELECT id, doc FROM mentoring_matches ORDER BY id DESC", "mentoring match", true).await
    }

    async fn save_programme(&self, programme: &Programme, audit: AuditRecord) -> Result<Programme, StoreError> {
        let mut tx = self.begin().await?;
        let mut saved = programme.clone();
        let doc = to_doc(programme)?;
        saved.id = ProgrammeId(
            upsert(&mut tx, "coffee_programmes", programme.id.0, &["name", "doc"], |q| q.bind(programme.name.clone()).bind(doc)).await?,
        );
        append_logs(&mut tx, &audit, "coffee_programme", Some(saved.id.0), false).await?;
        tx.commit().await.map_err(map_err)?;
        Ok(saved)
    }

    async fn programme(&self, id: ProgrammeId) -> Result<Programme, StoreError> {
        self.doc_by_id("SELECT id, doc FROM coffee_programmes WHERE id = $1", id.0, "coffee programme").await
    }

    async fn programmes(&self) -> Result<Vec<Programme>, StoreError> {
        self.docs("SELECT id, doc FROM coffee_programmes ORDER BY name", "coffee programme", true).await
    }

    async fn save_coffee_member(&self, member: &CoffeeMember, audit: AuditRecord) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        sqlx::query(
            "INSERT INTO coffee_members (programme_id, user_id, doc) VALUES ($1, $2, $3) \
             ON CONFLICT (programme_id, user_id) DO UPDATE SET doc = excluded.doc",
        )
        .bind(member.programme_id)
        .bind(member.user_id)
        .bind(to_doc(member)?)
        .execute(&mut *tx)
        .await
        .map_err(map_err)?;
        append_logs(&mut tx, &audit, "coffee_programme", Some(member.programme_id.0), false).await?;
        tx.commit().await.map_err(map_err)
    }

    async fn coffee_members(&self, programme_id: ProgrammeId) -> Result<Vec<CoffeeMember>, StoreError> {
        self.docs_by("SELECT doc FROM coffee_members WHERE programme_id = $1 ORDER BY user_id", programme_id.0, "coffee member", false)
            .await
    }

    async fn insert_round(
        &self,
        round: &CoffeeRound,
        notify: &[Notification],
        emails: &[NewJob],
        audit: AuditRecord,
    ) -> Result<CoffeeRound, StoreError> {
        let mut tx = self.begin().await?;
        let mut saved = round.clone();
        let doc = to_doc(round)?;
        // The unique (programme, number) refuses a second round paired at the same moment.
        saved.id = upsert(&mut tx, "coffee_rounds", 0, &["programme_id", "number", "doc"], |q| {
            q.bind(round.programme_id).bind(round.number as i64).bind(doc)
        })
        .await?;
        for user_id in &round.skipped {
            let row = sqlx::query("SELECT doc FROM coffee_members WHERE programme_id = $1 AND user_id = $2")
                .bind(round.programme_id)
                .bind(*user_id)
                .fetch_one(&mut *tx)
                .await
                .map_err(map_err)?;
            let member: CoffeeMember = from_doc(&row, "coffee member")?;
            sqlx::query("UPDATE coffee_members SET doc = $1 WHERE programme_id = $2 AND user_id = $3")
                .bind(to_doc(&CoffeeMember { skip_next: false, ..member })?)
                .bind(round.programme_id)
                .bind(*user_id)
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
        }
        let linked: Vec<Notification> =
            notify.iter().map(|n| Notification { link: n.link.replace("{round}", &saved.id.to_string()), ..n.clone() }).collect();
        insert_notifications(&mut tx, &linked).await?;
        crate::jobs::enqueue_in(&mut tx, emails).await?;
        append_logs(&mut tx, &audit, "coffee_programme", Some(round.programme_id.0), false).await?;
        tx.commit().await.map_err(map_err)?;
        Ok(saved)
    }

    async fn rounds(&self, programme_id: ProgrammeId) -> Result<Vec<CoffeeRound>, StoreError> {
        self.docs_by("SELECT id, doc FROM coffee_rounds WHERE programme_id = $1 ORDER BY number", programme_id.0, "coffee round", true)
            .await
    }

    async fn save_feedback(&self, feedback: &CoffeeFeedback, audit: AuditRecord) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        sqlx::query(
            "INSERT INTO coffee_feedback (round_id, user_id, programme_id, doc) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (round_id, user_id) DO UPDATE SET doc = excluded.doc",
        )
        .bind(feedback.round_id)
        .bind(feedback.user_id)
        .bind(feedback.programme_id)
        .bind(to_doc(feedback)?)
        .execute(&mut *tx)
        .await
        .map_err(map_err)?;
        append_logs(&mut tx, &audit, "coffee_programme", Some(feedback.programme_id.0), false).await?;
        tx.commit().await.map_err(map_err)
    }

    async fn feedback(&self, programme_id: ProgrammeId) -> Result<Vec<CoffeeFeedback>, StoreError> {
        self.docs_by(
            "SELECT doc FROM coffee_feedback WHERE programme_id = $1 ORDER BY round_id, user_id",
            programme_id.0,
            "coffee feedback",
            false,
        )
        .await
    }

    async fn verifications_between(&self, from: Timestamp, until: Timestamp) -> Result<i64, StoreError> {
        sqlx::query("SELECT COUNT(*) AS n FROM asset_versions WHERE event = 'verified' AND created_at >= $1 AND created_at < $2")
            .bind(ms(from))
            .bind(ms(until))
            .fetch_one(&self.pool)
            .await
            .map_err(map_err)?
            .try_get("n")
            .map_err(map_err)
    }

    async fn verifications(&self, ids: &[AssetId]) -> Result<Vec<(AssetId, UserId, Timestamp)>, StoreError> {
        let mut out = Vec::new();
        // Bounded batches keep the parameter count well inside both engines' limits.
        for chunk in ids.chunks(500) {
            let params: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
            let sql = sql!(
                "SELECT asset_id, author_id, created_at FROM asset_versions WHERE event = 'verified' AND asset_id IN ({})",
                params.join(", ")
            );
            let mut q = sqlx::query(sql);
            for id in chunk {
                q = q.bind(*id);
            }
            for r in q.fetch_all(&self.pool).await.map_err(map_err)? {
                out.push((
                    r.try_get("asset_id").map_err(map_err)?,
                    r.try_get("author_id").map_err(map_err)?,
                    time(r.try_get("created_at").map_err(map_err)?),
                ));
            }
        }
        Ok(out)
    }
}
