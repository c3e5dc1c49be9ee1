//! A test kit for services that call PHLO: [`MockPhlo`], a local mock PHLO
//! runner, and progenitor's typed httpmock helpers ([`typed`]).
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use plivo_phlo::{Role, mock::{Call, MockPhlo}};
//!
//! let mock = MockPhlo::start().await?;
//! let client = mock.client();
//! let mpc = client.multi_party_call(MockPhlo::PHLO_ID, MockPhlo::NODE_ID);
//! mpc.add_user("+14152225555", Role::Agent, "+14152223333").await?;
//!
//! let calls = mock.calls();
//! assert!(matches!(&calls[0], Call::UpdateMultiPartyCall { body, .. } if body.to.as_str() == "+14152225555"));
//! # Ok(()) }
//! ```

mod server;
pub mod typed;

pub use server::{Call, Fault, MockPhlo, Recorded};
