//! The checklist the store's facts and Telegram's state make: which step is done, skipped or to
//! do, and the original's fields (reference §7) mapped onto them (PROTOCOL §6a).

use crate::clock;
use crate::protocol::setup::{Details, LastMessageView, StepView, WizardStatus};
use crate::storage::settings;
use crate::storage::setup::{Facts, Step};

/// The checklist `facts` and Telegram's state make.
pub(super) fn checklist(facts: &Facts, telegram: bool, bot: Option<String>) -> WizardStatus {
    let owner_name = facts.get(settings::OWNER).map(str::to_owned);
    let business_name = facts.get(settings::BUSINESS_NAME).map(str::to_owned);
    let done_of = |step: Step| match step {
        Step::Profile => owner_name.is_some() && business_name.is_some(),
        Step::Password => {
            facts.has(settings::OWNER_PASSWORD_CHOSEN) || facts.has(settings::PASSWORD_CHANGED)
        }
        Step::Telegram => telegram,
        Step::Team => facts.users > 1 || facts.pending_invites > 0,
        Step::Device => facts.has(settings::DEVICE_SIGNED_IN),
        Step::Test => facts.answered,
    };
    let state_of = |step: Step| {
        if done_of(step) {
            "done"
        } else if facts.has(&step.skipped_key()) {
            "skipped"
        } else {
            "todo"
        }
    };
    let steps: Vec<StepView> = Step::ALL
        .into_iter()
        .map(|step| StepView {
            step: step.as_str(),
            state: state_of(step),
        })
        .collect();
    let complete = steps.iter().all(|s| s.state != "todo");
    let profile_open = state_of(Step::Profile) == "todo";
    let channel = telegram || facts.webhook;
    let mut missing = Vec::new();
    if profile_open && owner_name.is_none() {
        missing.extend(["first_name", "last_name"]);
    }
    if profile_open && business_name.is_none() {
        missing.push("business_type");
    }
    if !channel && state_of(Step::Telegram) == "todo" {
        missing.push("channel_connected");
    }
    WizardStatus {
        wizard_complete: complete,
        can_complete: complete,
        missing_fields: missing,
        details: Details {
            first_name: owner_name.is_some(),
            last_name: owner_name.is_some(),
            phone_number: true,
            business_type: business_name.is_some(),
            manual_prompt: true,
            channel_connected: channel,
            instagram_connected: false,
            telegram_connected: telegram,
            done: steps.iter().filter(|s| s.state == "done").count(),
            total: steps.len(),
            steps,
            dismissed: facts.has(settings::SETUP_DISMISSED),
            admin_signed_in: facts.has(settings::ADMIN_SIGNED_IN),
            owner_name,
            business_name,
            telegram_bot: bot,
            last_customer_message: facts
                .last_customer_message
                .as_ref()
                .map(|m| LastMessageView {
                    id: m.id.clone(),
                    conversation_id: m.conversation_id.clone(),
                    customer_name: m.customer_name.clone(),
                    content: m.content.clone(),
                    created_at: clock::db_to_wire(&m.created_at),
                }),
        },
        timestamp: clock::now_wire(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(keys: &[&str]) -> Facts {
        Facts {
            settings: keys
                .iter()
                .map(|k| ((*k).to_owned(), "x".to_owned()))
                .collect(),
            users: 1,
            ..Facts::default()
        }
    }

    #[test]
    fn a_new_box_misses_the_original_fields_and_every_step() {
        let status = checklist(&facts(&[]), false, None);
        assert!(!status.wizard_complete);
        assert_eq!(
            status.missing_fields,
            [
                "first_name",
                "last_name",
                "business_type",
                "channel_connected"
            ]
        );
        assert!(status.details.steps.iter().all(|s| s.state == "todo"));
        assert_eq!((status.details.done, status.details.total), (0, 6));
    }

    #[test]
    fn skipped_steps_count_towards_complete_but_not_done() {
        let mut keys: Vec<String> = Step::ALL.iter().map(|s| s.skipped_key()).collect();
        keys.push(settings::OWNER.into());
        let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
        let status = checklist(&facts(&keys), true, Some("shop_bot".into()));
        assert!(status.wizard_complete && status.can_complete);
        assert!(status.missing_fields.is_empty());
        assert_eq!(status.details.done, 1, "telegram is done, the rest skipped");
        assert_eq!(status.details.steps[0].state, "skipped");
        assert_eq!(status.details.telegram_bot.as_deref(), Some("shop_bot"));
    }
}
