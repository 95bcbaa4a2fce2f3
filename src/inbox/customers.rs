//! Customers: edits by agents and deletion by admins.

use serde_json::{Map, Value};

use super::publish;
use super::{Inbox, InboxError, InboxResult};
use crate::auth::Identity;
use crate::protocol::codes::http as code;
use crate::storage::customers::{self, CustomerChanges, CustomerRow, EDITABLE};
use crate::storage::users::Role;

/// Longest value of an editable customer field.
const MAX_FIELD: usize = 250;
/// Most tags on one customer, and the longest tag name.
const MAX_TAGS: usize = 20;
const MAX_TAG: usize = 50;

/// Changes to a customer, checked: only editable fields, strings of bounded length or `null`,
/// and `data` an object.
#[derive(Debug, Clone)]
pub struct CustomerEdit(CustomerChanges);

impl TryFrom<&Map<String, Value>> for CustomerEdit {
    type Error = InboxError;

    fn try_from(body: &Map<String, Value>) -> InboxResult<Self> {
        let invalid = |key: &str, what: &str| {
            InboxError::invalid(
                code::INVALID_FIELD,
                format!("Invalid field '{key}': {what}"),
            )
        };
        let mut changes = CustomerChanges::default();
        for (key, value) in body {
            if key == "tags" {
                changes.tags = Some(tag_names(value).ok_or_else(|| {
                    invalid(
                        key,
                        "expected a list of at most 20 names of 1-50 characters",
                    )
                })?);
                continue;
            }
            if key == "data" {
                if !value.is_object() {
                    return Err(invalid(key, "expected an object"));
                }
                changes.data = Some(value.to_string());
                continue;
            }
            let Some(field) = EDITABLE.iter().find(|f| **f == key) else {
                return Err(invalid(key, "not an editable field"));
            };
            let value = match value {
                Value::Null => None,
                Value::String(s) if s.chars().count() <= MAX_FIELD => Some(s.trim().to_owned()),
                Value::String(_) => return Err(invalid(key, "at most 250 characters")),
                _ => return Err(invalid(key, "expected a string or null")),
            };
            changes.fields.push((field, value));
        }
        Ok(Self(changes))
    }
}

/// Trimmed, distinct tag names from a JSON list, or `None` if it breaks the bounds.
fn tag_names(value: &Value) -> Option<Vec<String>> {
    let mut names: Vec<String> = Vec::new();
    for item in value.as_array()? {
        let name = item.as_str()?.trim();
        if name.is_empty() || name.chars().count() > MAX_TAG {
            return None;
        }
        if !names.iter().any(|n| n == name) {
            names.push(name.to_owned());
        }
    }
    (names.len() <= MAX_TAGS).then_some(names)
}

impl Inbox {
    /// Applies an edit to a customer; the lists refresh.
    pub async fn update_customer(&self, id: i64, edit: CustomerEdit) -> InboxResult<CustomerRow> {
        let customer = self
            .store
            .write(move |c| customers::update(c, id, &edit.0))
            .await?;
        publish::customer_changed(&self.hub);
        Ok(customer)
    }

    /// Deletes a customer and their conversations (an admin's to do); the conversations' chat
    /// sockets close.
    pub async fn delete_customer(&self, by: &Identity, id: i64) -> InboxResult<()> {
        if by.user.role != Role::Admin {
            return Err(InboxError::Forbidden);
        }
        let gone = self.store.write(move |c| customers::delete(c, id)).await?;
        tracing::info!(
            "{} deleted customer {id} and its {} conversations",
            by.user.username,
            gone.len()
        );
        for conversation in &gone {
            publish::conversation_deleted(&self.hub, conversation);
        }
        publish::customer_changed(&self.hub);
        Ok(())
    }
}
