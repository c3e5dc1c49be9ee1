//! A test kit for services that call PHLO: [`MockPhlo`], a local mock PHLO
//! runner (features `mock` or `mock-server`), and progenitor's typed
//! httpmock helpers (`typed`, feature `mock`).
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
//! assert!(matches!(&calls[0], Call::UpdateMultiPartyCall { body, .. } if body.to == "+14152225555"));
//! # Ok(()) }
//! ```

mod callbacks;
mod refusal;
mod reply;
mod routes;
mod server;
mod state;
#[cfg(feature = "mock")]
#[cfg_attr(docsrs, doc(cfg(feature = "mock")))]
pub mod typed;

pub use crate::generated::calls::Call;
pub use callbacks::{CALLBACK_QUEUE_LIMIT, CALLBACK_RETRIES, CallbackFault, SentCallback};
pub(crate) use refusal::Refusal;
pub use reply::{Fault, Reply};
pub use server::{MAX_REQUEST_BODY, MockPhlo};
pub use state::{DEFAULT_RECORD_LIMIT, Recorded};
