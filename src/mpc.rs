//! The Multi-Party Call node: add a user, warm and cold transfers, its
//! members, and `PhloClient::multi_party_call`.

use std::future::Future;

use crate::{
    client::PhloClient,
    error::Error,
    generated::types::{self, MultiPartyCallAction, MultiPartyCallRequest, Role},
    input::{self, NodeIds, Rejected},
    member::Member,
};

impl PhloClient {
    /// The Multi-Party Call node `node_id` of PHLO `phlo_id`. Ids are checked
    /// here and reported by the first action, before any request.
    pub fn multi_party_call(&self, phlo_id: &str, node_id: &str) -> MultiPartyCall {
        MultiPartyCall {
            client: self.clone(),
            ids: input::node_ids(phlo_id, node_id),
        }
    }
}

/// A Multi-Party Call node of a PHLO, from [`PhloClient::multi_party_call`].
/// Sugar over [`Operations`](crate::Operations): friendly arguments,
/// checked before any request.
///
/// Every action here places or changes real calls: it is sent once and never
/// re-sent unless it provably did not reach Plivo (see
/// [`RetryPolicy`](crate::RetryPolicy)).
#[derive(Clone, Debug)]
pub struct MultiPartyCall {
    client: PhloClient,
    ids: Result<NodeIds, Rejected>,
}

impl MultiPartyCall {
    /// Dials `to` and adds them to the live call as `role` (action `call`).
    /// `trigger_source` is the member asking for it. Both are phone numbers
    /// or SIP URIs.
    pub fn add_user(
        &self,
        to: &str,
        role: Role,
        trigger_source: &str,
    ) -> impl Future<Output = Result<types::ActionResponse, Error>> + Send + '_ {
        self.update(MultiPartyCallAction::Call, to, role, trigger_source)
    }

    /// Warm transfer to `to` as an agent: the initiator talks with `to`
    /// privately before `to` joins.
    pub fn warm_transfer(
        &self,
        to: &str,
        trigger_source: &str,
    ) -> impl Future<Output = Result<types::ActionResponse, Error>> + Send + '_ {
        self.update(
            MultiPartyCallAction::WarmTransfer,
            to,
            Role::Agent,
            trigger_source,
        )
    }

    /// Cold transfer to `to` as an agent: `to` is connected directly and the
    /// initiator drops.
    pub fn cold_transfer(
        &self,
        to: &str,
        trigger_source: &str,
    ) -> impl Future<Output = Result<types::ActionResponse, Error>> + Send + '_ {
        self.update(
            MultiPartyCallAction::ColdTransfer,
            to,
            Role::Agent,
            trigger_source,
        )
    }

    /// Any node action with any role: the general form of
    /// [`add_user`](Self::add_user), [`warm_transfer`](Self::warm_transfer)
    /// and [`cold_transfer`](Self::cold_transfer).
    pub fn update(
        &self,
        action: MultiPartyCallAction,
        to: &str,
        role: Role,
        trigger_source: &str,
    ) -> impl Future<Output = Result<types::ActionResponse, Error>> + Send + '_ {
        // Checked and built now; the future holds only the request.
        let sent = self
            .ids
            .as_ref()
            .map_err(Error::from)
            .and_then(|(phlo_id, node_id)| {
                let body = MultiPartyCallRequest {
                    action,
                    to: input::address("to", to)?,
                    role: Some(role),
                    trigger_source: input::address("trigger_source", trigger_source)?,
                };
                Ok(self
                    .client
                    .operations()
                    .update_multi_party_call(phlo_id, node_id, &body))
            });
        input::checked(sent)
    }

    /// Retrieves the node.
    pub fn get(&self) -> impl Future<Output = Result<types::Node, Error>> + Send + '_ {
        let sent = self
            .ids
            .as_ref()
            .map_err(Error::from)
            .map(|(phlo_id, node_id)| {
                self.client
                    .operations()
                    .get_multi_party_call(phlo_id, node_id)
            });
        input::checked(sent)
    }

    /// One member of the call, by phone number or SIP URI: hold, unhold,
    /// hang up, resume, voicemail drop, abort a transfer.
    pub fn member(&self, member_address: &str) -> Member {
        Member::new(
            self.client.clone(),
            input::member_target(&self.ids, member_address),
        )
    }
}
