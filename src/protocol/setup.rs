//! The owner's first visit on the wire (`/api/v1/setup/owner`, PROTOCOL §10.12).

use serde::{Deserialize, Serialize};

/// `POST /api/v1/setup/owner`: the owner's password, and the name the team sees.
#[derive(Debug, Deserialize)]
pub struct OwnerBody {
    pub password: String,
    #[serde(default)]
    pub name: Option<String>,
}

/// `GET /api/v1/setup/owner`.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct OwnerStatusView {
    /// Whether the owner may still choose their password here.
    pub needed: bool,
    /// Whether this request came from the pilito-box computer itself.
    pub here: bool,
    /// The first admin's sign-in name.
    pub username: String,
}

/// The setup checklist (`/ws/wizard-status/` and `GET /api/v1/setup/`, PROTOCOL §6a): the
/// original's shape (reference §7), pilito-box's steps in `details`.
#[derive(Debug, Clone, Serialize)]
pub struct WizardStatus {
    /// Every step done or skipped.
    pub wizard_complete: bool,
    /// Same as `wizard_complete`, as in the original.
    pub can_complete: bool,
    /// The original's field names whose step is neither done nor skipped, in its order.
    pub missing_fields: Vec<&'static str>,
    pub details: Details,
    pub timestamp: String,
}

impl WizardStatus {
    /// Whether `other` says the same, whenever it was made.
    #[must_use]
    pub fn same(&self, other: &Self) -> bool {
        self.wizard_complete == other.wizard_complete
            && self.missing_fields == other.missing_fields
            && self.details == other.details
    }
}

/// `details`: the original's eight keys, then pilito-box's own.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[allow(
    clippy::struct_excessive_bools,
    reason = "the original's wire shape is eight flags"
)]
pub struct Details {
    /// The owner's name given (the profile step's first half).
    pub first_name: bool,
    /// Same as `first_name`: pilito-box asks for one name.
    pub last_name: bool,
    /// Always `true`: pilito-box asks for no phone number.
    pub phone_number: bool,
    /// The business's name given.
    pub business_type: bool,
    /// Always `true`: pilito-box has no AI prompt to write.
    pub manual_prompt: bool,
    /// Telegram connected or the webhook channel set.
    pub channel_connected: bool,
    /// Always `false`: pilito-box has no Instagram channel.
    pub instagram_connected: bool,
    /// The bot answered `getMe` and is polling.
    pub telegram_connected: bool,
    pub steps: Vec<StepView>,
    /// Steps done (skipped ones not counted).
    pub done: usize,
    pub total: usize,
    /// The owner put the checklist away.
    pub dismissed: bool,
    /// An admin has signed in since the install.
    pub admin_signed_in: bool,
    pub owner_name: Option<String>,
    pub business_name: Option<String>,
    /// The bot's `@username`, once Telegram described it.
    pub telegram_bot: Option<String>,
    pub last_customer_message: Option<LastMessageView>,
}

/// One step: `profile`, `password`, `telegram`, `team`, `device` or `test`.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct StepView {
    pub step: &'static str,
    /// `done`, `skipped` or `todo`.
    pub state: &'static str,
}

/// The newest message a customer sent (the test step shows it arriving).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct LastMessageView {
    pub id: String,
    pub conversation_id: String,
    pub customer_name: String,
    pub content: String,
    pub created_at: String,
}

/// `PUT /api/v1/setup/profile`: absent fields stay as they are, blank ones are cleared.
#[derive(Debug, Deserialize)]
pub struct ProfileBody {
    #[serde(default)]
    pub owner_name: Option<String>,
    #[serde(default)]
    pub business_name: Option<String>,
}

/// What a `/ws/wizard-status/` client may send.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WizardRequest {
    /// Send the checklist again.
    Refresh,
    Ping,
}

impl crate::protocol::client::Request for WizardRequest {
    const DEFAULT_TYPE: &'static str = "refresh";

    fn from_type(
        kind: &str,
        _body: serde_json::Value,
    ) -> Result<Option<Self>, crate::protocol::client::DecodeError> {
        Ok(match kind {
            "refresh" => Some(Self::Refresh),
            "ping" => Some(Self::Ping),
            _ => None,
        })
    }
}
