//! The setup checklist feed `/ws/wizard-status/` (PROTOCOL §6a), for admins: its first frame is
//! the checklist, and a new one follows whenever what it says changes. `refresh` asks again,
//! `ping` gets `pong`, and a frame that is not JSON gets the original's `invalid_json`.

use super::session::{Closing, Feed, Outbox};
use crate::clock;
use crate::hub::{Connection, Membership};
use crate::inbox::{Action, WIZARD};
use crate::protocol::server::ServerFrame;
use crate::protocol::setup::WizardRequest;
use crate::state::AppState;

/// The answer to a frame that is not JSON, as the original server wrote it.
pub const INVALID_JSON: &str = r#"{"error":"invalid_json"}"#;

pub struct WizardFeed {
    state: AppState,
    membership: Option<Membership>,
}

impl WizardFeed {
    #[must_use]
    pub fn new(state: AppState) -> Self {
        Self {
            state,
            membership: None,
        }
    }

    /// Sends the checklist as it is now, unless building it published it to the group (then it
    /// is in the socket's queue already).
    async fn send_fresh(&self, out: &mut Outbox<'_>) -> Result<(), Closing> {
        match self.state.inbox.setup_fresh().await {
            Ok(Some(status)) => {
                out.reply(&ServerFrame::WizardStatus(Box::new(status)))
                    .await
            }
            Ok(None) => Ok(()),
            Err(e) => out.refuse(&e, Action::Request).await,
        }
    }
}

impl Feed for WizardFeed {
    type Request = WizardRequest;
    const NOT_JSON: &'static str = INVALID_JSON;

    async fn open(&mut self, conn: &Connection, out: &mut Outbox<'_>) -> Result<(), Closing> {
        let inbox = &self.state.inbox;
        match inbox.setup_greeting(|| conn.join(WIZARD, None)).await {
            Ok((status, membership)) => {
                self.membership = Some(membership);
                out.reply(&ServerFrame::WizardStatus(Box::new(status)))
                    .await
            }
            Err(e) => {
                self.membership = Some(conn.join(WIZARD, None));
                out.refuse(&e, Action::Request).await
            }
        }
    }

    async fn handle(
        &mut self,
        request: WizardRequest,
        out: &mut Outbox<'_>,
    ) -> Result<(), Closing> {
        match request {
            WizardRequest::Refresh => self.send_fresh(out).await,
            WizardRequest::Ping => {
                let timestamp = clock::now_wire();
                out.reply(&ServerFrame::Pong { timestamp }).await
            }
        }
    }

    async fn on_deadline(&mut self, _out: &mut Outbox<'_>) -> Result<(), Closing> {
        Ok(())
    }
}
