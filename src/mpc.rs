//! The Multi-Party Call node: add a user, warm and cold transfers.

use reqwest::Method;

use crate::{
    address::{self, NodeIds, Rejected},
    client::PhloClient,
    error::Error,
    generated::types::{self, MultiPartyCallAction, MultiPartyCallRequest, Role},
    member::Member,
    transport::send,
};

/// A Multi-Party Call node of a PHLO, from [`PhloClient::multi_party_call`].
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
    pub(crate) fn new(client: PhloClient, phlo_id: &str, node_id: &str) -> Self {
        let ids = address::node_ids(phlo_id, node_id);
        MultiPartyCall { client, ids }
    }

    /// Dials `to` and adds them to the live call as `role` (action `call`).
    /// `trigger_source` is the member asking for it. Both are phone numbers
    /// or SIP URIs.
    // The three shortcuts return `update`'s future as it is, rather than
    // wrapping it in one more `async fn` layer (a copy of the whole future).
    pub fn add_user(
        &self,
        to: &str,
        role: Role,
        trigger_source: &str,
    ) -> impl Future<Output = Result<types::ActionResponse, Error>> + Send {
        self.update(MultiPartyCallAction::Call, to, role, trigger_source)
    }

    /// Warm transfer to `to` as an agent: the initiator talks with `to`
    /// privately before `to` joins.
    pub fn warm_transfer(
        &self,
        to: &str,
        trigger_source: &str,
    ) -> impl Future<Output = Result<types::ActionResponse, Error>> + Send {
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
    ) -> impl Future<Output = Result<types::ActionResponse, Error>> + Send {
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
    pub async fn update(
        &self,
        action: MultiPartyCallAction,
        to: &str,
        role: Role,
        trigger_source: &str,
    ) -> Result<types::ActionResponse, Error> {
        let (phlo_id, node_id) = self.ids.as_ref().map_err(Error::from)?;
        let body = MultiPartyCallRequest {
            action,
            to: address::address("to", to)?,
            role,
            trigger_source: address::address("trigger_source", trigger_source)?,
        };
        let api = self.client.generated();
        send(self.client.retry_policy(), Method::POST, || {
            api.update_multi_party_call(phlo_id, node_id, &body)
        })
        .await
    }

    /// Retrieves the node.
    pub async fn get(&self) -> Result<types::Node, Error> {
        let (phlo_id, node_id) = self.ids.as_ref().map_err(Error::from)?;
        let api = self.client.generated();
        send(self.client.retry_policy(), Method::GET, || {
            api.get_multi_party_call(phlo_id, node_id)
        })
        .await
    }

    /// One member of the call, by phone number or SIP URI: hold, unhold,
    /// hang up, resume, voicemail drop, abort a transfer.
    pub fn member(&self, member_address: &str) -> Member {
        let target = address::member_target(&self.ids, member_address);
        Member::new(self.client.clone(), target)
    }
}
