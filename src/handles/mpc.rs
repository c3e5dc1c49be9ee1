//! The Multi-Party Call node: add a user, warm and cold transfers, its
//! members, and `PhloClient::multi_party_call`.

use std::future::Future;

use super::{BadArgument, NodeIds, member::Member};
use crate::{
    client::PhloClient,
    error::Error,
    generated::types::{self, MultiPartyCallAction, MultiPartyCallRequest, Role},
    operations::Prepared,
};

/// The operationId the node's actions are sent as.
const UPDATE: &str = "update_multi_party_call";

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
    ids: Result<NodeIds, BadArgument>,
}

impl MultiPartyCall {
    pub(crate) fn new(client: PhloClient, phlo_id: &str, node_id: &str) -> Self {
        MultiPartyCall {
            client,
            ids: super::node_ids(phlo_id, node_id),
        }
    }

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
    /// privately before `to` joins. [`warm_transfer_as`](Self::warm_transfer_as)
    /// takes the role.
    pub fn warm_transfer(
        &self,
        to: &str,
        trigger_source: &str,
    ) -> impl Future<Output = Result<types::ActionResponse, Error>> + Send + '_ {
        self.warm_transfer_as(to, Role::Agent, trigger_source)
    }

    /// Warm transfer to `to`, who joins as `role`.
    pub fn warm_transfer_as(
        &self,
        to: &str,
        role: Role,
        trigger_source: &str,
    ) -> impl Future<Output = Result<types::ActionResponse, Error>> + Send + '_ {
        self.update(MultiPartyCallAction::WarmTransfer, to, role, trigger_source)
    }

    /// Cold transfer to `to` as an agent: `to` is connected directly and the
    /// initiator drops. [`cold_transfer_as`](Self::cold_transfer_as) takes
    /// the role.
    pub fn cold_transfer(
        &self,
        to: &str,
        trigger_source: &str,
    ) -> impl Future<Output = Result<types::ActionResponse, Error>> + Send + '_ {
        self.cold_transfer_as(to, Role::Agent, trigger_source)
    }

    /// Cold transfer to `to`, who joins as `role`.
    pub fn cold_transfer_as(
        &self,
        to: &str,
        role: Role,
        trigger_source: &str,
    ) -> impl Future<Output = Result<types::ActionResponse, Error>> + Send + '_ {
        self.update(MultiPartyCallAction::ColdTransfer, to, role, trigger_source)
    }

    /// Any node action with any role: the general form of
    /// [`add_user`](Self::add_user), [`warm_transfer_as`](Self::warm_transfer_as)
    /// and [`cold_transfer_as`](Self::cold_transfer_as).
    pub fn update(
        &self,
        action: MultiPartyCallAction,
        to: &str,
        role: Role,
        trigger_source: &str,
    ) -> impl Future<Output = Result<types::ActionResponse, Error>> + Send + '_ {
        // Checked and built now; the future holds only the request.
        let sent =
            self.request(action, to, role, trigger_source)
                .map(|((phlo_id, node_id), body)| {
                    self.client
                        .operations()
                        .update_multi_party_call(phlo_id, node_id, &body)
                });
        async move { sent?.await }
    }

    /// The request [`update`](Self::update) would send, built and checked
    /// but not sent: print it (a dry run), then
    /// [`send`](Prepared::send) it. What `phlo mpc` runs.
    pub fn prepare(
        &self,
        action: MultiPartyCallAction,
        to: &str,
        role: Role,
        trigger_source: &str,
    ) -> Result<Prepared<'_>, Error> {
        let ((phlo_id, node_id), body) = self.request(action, to, role, trigger_source)?;
        self.client.operations().prepare(
            UPDATE,
            &[("phlo_id", phlo_id.as_str()), ("node_id", node_id.as_str())],
            Some(super::json(&body)?),
        )
    }

    /// The node's ids and the body of an action: the one place that
    /// decides what [`update`](Self::update) and [`prepare`](Self::prepare)
    /// send.
    fn request(
        &self,
        action: MultiPartyCallAction,
        to: &str,
        role: Role,
        trigger_source: &str,
    ) -> Result<(&NodeIds, MultiPartyCallRequest), Error> {
        let ids = self.ids.as_ref().map_err(Error::from)?;
        let body = MultiPartyCallRequest {
            action,
            to: super::address("to", to)?,
            role: Some(role),
            trigger_source: super::address("trigger_source", trigger_source)?,
        };
        Ok((ids, body))
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
        async move { sent?.await }
    }

    /// One member of the call, by phone number or SIP URI: hold, unhold,
    /// hang up, resume, voicemail drop, abort a transfer.
    pub fn member(&self, member_address: &str) -> Member {
        Member::new(
            self.client.clone(),
            super::member_target(&self.ids, member_address),
        )
    }
}
