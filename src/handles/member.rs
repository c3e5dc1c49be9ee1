//! One member of a Multi-Party Call: hold, unhold, hang up and the rest.

use std::future::Future;

use super::{BadArgument, MemberTarget};
use crate::{
    client::PhloClient,
    error::Error,
    generated::types::{self, MemberAction, MemberRequest},
    operations::Prepared,
};

/// A member of a Multi-Party Call, from
/// [`MultiPartyCall::member`](crate::MultiPartyCall::member). The address goes
/// into the request path raw (`/members/+14152225555`,
/// `/members/sip:agent1@phone.plivo.com`), as Plivo expects.
#[derive(Clone, Debug)]
pub struct Member {
    client: PhloClient,
    target: Result<MemberTarget, BadArgument>,
}

impl Member {
    pub(crate) fn new(client: PhloClient, target: Result<MemberTarget, BadArgument>) -> Self {
        Member { client, target }
    }

    /// Puts the member on hold: they are muted and hear hold music.
    pub fn hold(&self) -> impl Future<Output = Result<types::ActionResponse, Error>> + Send + '_ {
        self.act(MemberAction::Hold)
    }

    /// Takes the member off hold.
    pub fn unhold(&self) -> impl Future<Output = Result<types::ActionResponse, Error>> + Send + '_ {
        self.act(MemberAction::Unhold)
    }

    /// Hangs up on the member.
    pub fn hangup(&self) -> impl Future<Output = Result<types::ActionResponse, Error>> + Send + '_ {
        self.act(MemberAction::Hangup)
    }

    /// The agent rejoins the call after a warm transfer.
    pub fn resume_call(
        &self,
    ) -> impl Future<Output = Result<types::ActionResponse, Error>> + Send + '_ {
        self.act(MemberAction::ResumeCall)
    }

    /// Drops a voicemail for the member (the customer's address).
    pub fn voicemail_drop(
        &self,
    ) -> impl Future<Output = Result<types::ActionResponse, Error>> + Send + '_ {
        self.act(MemberAction::VoicemailDrop)
    }

    /// Aborts a transfer (the address of the member who started it).
    pub fn abort_transfer(
        &self,
    ) -> impl Future<Output = Result<types::ActionResponse, Error>> + Send + '_ {
        self.act(MemberAction::AbortTransfer)
    }

    /// Any member action.
    pub fn act(
        &self,
        action: MemberAction,
    ) -> impl Future<Output = Result<types::ActionResponse, Error>> + Send + '_ {
        let sent = self
            .request(action)
            .map(|((phlo_id, node_id, member), body)| {
                self.client
                    .operations()
                    .update_multi_party_call_member(phlo_id, node_id, member, &body)
            });
        async move { sent?.await }
    }

    /// The request [`act`](Self::act) would send, built and checked but not
    /// sent: print it (a dry run), then [`send`](Prepared::send) it. What
    /// `phlo mpc member` runs.
    pub fn prepare(&self, action: MemberAction) -> Result<Prepared<'_>, Error> {
        let ((phlo_id, node_id, member), body) = self.request(action)?;
        self.client.operations().prepare(
            "update_multi_party_call_member",
            &[
                ("phlo_id", phlo_id.as_str()),
                ("node_id", node_id.as_str()),
                ("member_address", member.as_str()),
            ],
            Some(super::json(&body)?),
        )
    }

    /// The member and the body of an action: the one place that decides
    /// what [`act`](Self::act) and [`prepare`](Self::prepare) send.
    fn request(&self, action: MemberAction) -> Result<(&MemberTarget, MemberRequest), Error> {
        let target = self.target.as_ref().map_err(Error::from)?;
        Ok((target, MemberRequest { action }))
    }
}
