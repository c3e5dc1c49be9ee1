//! The conference-bridge node: mute, unmute and hang up members, and
//! `PhloClient::conference_bridge`.

use std::future::Future;

use super::{BadArgument, MemberTarget, NodeIds};
use crate::{
    client::PhloClient,
    error::Error,
    generated::types::{self, ConferenceBridgeMemberAction, ConferenceBridgeMemberRequest},
};

/// A conference-bridge node of a PHLO, from [`PhloClient::conference_bridge`].
#[derive(Clone, Debug)]
pub struct ConferenceBridge {
    client: PhloClient,
    ids: Result<NodeIds, BadArgument>,
}

impl ConferenceBridge {
    pub(crate) fn new(client: PhloClient, phlo_id: &str, node_id: &str) -> Self {
        ConferenceBridge {
            client,
            ids: super::node_ids(phlo_id, node_id),
        }
    }

    /// One member of the conference, by phone number or SIP URI.
    pub fn member(&self, member_address: &str) -> ConferenceMember {
        ConferenceMember {
            client: self.client.clone(),
            target: super::member_target(&self.ids, member_address),
        }
    }
}

/// A member of a conference bridge, from [`ConferenceBridge::member`].
#[derive(Clone, Debug)]
pub struct ConferenceMember {
    client: PhloClient,
    target: Result<MemberTarget, BadArgument>,
}

impl ConferenceMember {
    /// Mutes the member.
    pub fn mute(&self) -> impl Future<Output = Result<types::ActionResponse, Error>> + Send + '_ {
        self.act(ConferenceBridgeMemberAction::Mute)
    }

    /// Unmutes the member.
    pub fn unmute(&self) -> impl Future<Output = Result<types::ActionResponse, Error>> + Send + '_ {
        self.act(ConferenceBridgeMemberAction::Unmute)
    }

    /// Hangs up on the member.
    pub fn hangup(&self) -> impl Future<Output = Result<types::ActionResponse, Error>> + Send + '_ {
        self.act(ConferenceBridgeMemberAction::Hangup)
    }

    /// Any conference-bridge member action.
    pub fn act(
        &self,
        action: ConferenceBridgeMemberAction,
    ) -> impl Future<Output = Result<types::ActionResponse, Error>> + Send + '_ {
        let sent = self
            .target
            .as_ref()
            .map_err(Error::from)
            .map(|(phlo_id, node_id, member)| {
                self.client.operations().update_conference_bridge_member(
                    phlo_id,
                    node_id,
                    member,
                    &ConferenceBridgeMemberRequest { action },
                )
            });
        async move { sent?.await }
    }
}
