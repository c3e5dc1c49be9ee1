//! One member of a Multi-Party Call: hold, unhold, hang up and the rest.

use reqwest::Method;

use crate::{
    address::{MemberTarget, Rejected},
    client::PhloClient,
    error::Error,
    generated::types::{self, MemberAction, MemberRequest},
    transport::send,
};

/// A member of a Multi-Party Call, from
/// [`MultiPartyCall::member`](crate::MultiPartyCall::member). The address goes
/// into the request path raw (`/members/+14152225555`,
/// `/members/sip:agent1@phone.plivo.com`), as Plivo expects.
#[derive(Clone, Debug)]
pub struct Member {
    client: PhloClient,
    target: Result<MemberTarget, Rejected>,
}

impl Member {
    pub(crate) fn new(client: PhloClient, target: Result<MemberTarget, Rejected>) -> Self {
        Member { client, target }
    }

    /// Puts the member on hold: they are muted and hear hold music.
    pub async fn hold(&self) -> Result<types::ActionResponse, Error> {
        self.act(MemberAction::Hold).await
    }

    /// Takes the member off hold.
    pub async fn unhold(&self) -> Result<types::ActionResponse, Error> {
        self.act(MemberAction::Unhold).await
    }

    /// Hangs up on the member.
    pub async fn hangup(&self) -> Result<types::ActionResponse, Error> {
        self.act(MemberAction::Hangup).await
    }

    /// The agent rejoins the call after a warm transfer.
    pub async fn resume_call(&self) -> Result<types::ActionResponse, Error> {
        self.act(MemberAction::ResumeCall).await
    }

    /// Drops a voicemail for the member (the customer's address).
    pub async fn voicemail_drop(&self) -> Result<types::ActionResponse, Error> {
        self.act(MemberAction::VoicemailDrop).await
    }

    /// Aborts a transfer (the address of the member who started it).
    pub async fn abort_transfer(&self) -> Result<types::ActionResponse, Error> {
        self.act(MemberAction::AbortTransfer).await
    }

    /// Any member action.
    pub async fn act(&self, action: MemberAction) -> Result<types::ActionResponse, Error> {
        let (phlo_id, node_id, member) = self.target.as_ref().map_err(Error::from)?;
        let body = MemberRequest { action };
        let api = self.client.generated();
        send(self.client.retry_policy(), Method::POST, || {
            api.update_multi_party_call_member(phlo_id, node_id, member, &body)
        })
        .await
    }
}
