//! The conference-bridge node: mute, unmute and hang up members.

use reqwest::Method;

use crate::{
    address::{self, MemberTarget, NodeIds, Rejected},
    client::PhloClient,
    error::Error,
    generated::types::{self, ConferenceBridgeMemberAction, ConferenceBridgeMemberRequest},
    transport::send,
};

/// A conference-bridge node of a PHLO, from [`PhloClient::conference_bridge`].
#[derive(Clone, Debug)]
pub struct ConferenceBridge {
    client: PhloClient,
    ids: Result<NodeIds, Rejected>,
}

impl ConferenceBridge {
    pub(crate) fn new(client: PhloClient, phlo_id: &str, node_id: &str) -> Self {
        let ids = address::node_ids(phlo_id, node_id);
        ConferenceBridge { client, ids }
    }

    /// One member of the conference, by phone number or SIP URI.
    pub fn member(&self, member_address: &str) -> ConferenceMember {
        let target = address::member_target(&self.ids, member_address);
        ConferenceMember {
            client: self.client.clone(),
            target,
        }
    }
}

/// A member of a conference bridge, from [`ConferenceBridge::member`].
#[derive(Clone, Debug)]
pub struct ConferenceMember {
    client: PhloClient,
    target: Result<MemberTarget, Rejected>,
}

impl ConferenceMember {
    /// Mutes the member.
    pub async fn mute(&self) -> Result<types::ActionResponse, Error> {
        self.act(ConferenceBridgeMemberAction::Mute).await
    }

    /// Unmutes the member.
    pub async fn unmute(&self) -> Result<types::ActionResponse, Error> {
        self.act(ConferenceBridgeMemberAction::Unmute).await
    }

    /// Hangs up on the member.
    pub async fn hangup(&self) -> Result<types::ActionResponse, Error> {
        self.act(ConferenceBridgeMemberAction::Hangup).await
    }

    /// Any conference-bridge member action.
    pub async fn act(
        &self,
        action: ConferenceBridgeMemberAction,
    ) -> Result<types::ActionResponse, Error> {
        let (phlo_id, node_id, member) = self.target.as_ref().map_err(Error::from)?;
        let body = ConferenceBridgeMemberRequest { action };
        let api = self.client.generated();
        send(self.client.retry_policy(), Method::POST, || {
            api.update_conference_bridge_member(phlo_id, node_id, member, &body)
        })
        .await
    }
}
