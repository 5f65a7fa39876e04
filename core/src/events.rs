//! The events the widget raises on the host page: a versioned contract for tag managers
//! (README, "Events for tag managers"). Each is a `CustomEvent` named [`HostEvent::dom_name`]
//! on the widget's host element (bubbling, composed) whose `detail` has exactly
//! [`HostEvent::fields`], and, when the page has a `dataLayer` array, a push of
//! `{event: data_layer_name, handoff_version: VERSION, …fields}`. Never a name, an email or a
//! phone number: only the handoff id, the service and the provider. Renaming an event or a
//! field is a breaking change: bump [`VERSION`] and say so in the README.

/// The contract's version, sent as `handoff_version` with every `dataLayer` push.
pub const VERSION: u32 = 1;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HostEvent {
    /// The visitor opened the assistant (each time they open it).
    Opened,
    /// The visitor's service is known (picked, typed or read from their first message).
    ServiceSelected,
    /// The booking request was stored.
    LeadCaptured,
    /// The visitor followed the link to the provider.
    Redirected,
}

impl HostEvent {
    pub const ALL: [HostEvent; 4] = [
        HostEvent::Opened,
        HostEvent::ServiceSelected,
        HostEvent::LeadCaptured,
        HostEvent::Redirected,
    ];

    pub fn dom_name(self) -> &'static str {
        match self {
            HostEvent::Opened => "handoff:opened",
            HostEvent::ServiceSelected => "handoff:service_selected",
            HostEvent::LeadCaptured => "handoff:lead_captured",
            HostEvent::Redirected => "handoff:redirected",
        }
    }

    pub fn data_layer_name(self) -> &'static str {
        match self {
            HostEvent::Opened => "handoff_opened",
            HostEvent::ServiceSelected => "handoff_service_selected",
            HostEvent::LeadCaptured => "handoff_lead_captured",
            HostEvent::Redirected => "handoff_redirected",
        }
    }

    /// The detail's fields, in order (a value the widget does not know is `null`).
    pub fn fields(self) -> &'static [&'static str] {
        match self {
            HostEvent::Opened => &[],
            HostEvent::ServiceSelected => &["service"],
            HostEvent::LeadCaptured | HostEvent::Redirected => {
                &["handoffId", "service", "provider"]
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The frozen contract: a change here is a breaking change for every tag manager set up
    /// on it (bump VERSION, update the README's table).
    #[test]
    fn the_event_contract_is_frozen_at_version_1() {
        let contract: Vec<(&str, &str, &[&str])> = HostEvent::ALL
            .iter()
            .map(|e| (e.dom_name(), e.data_layer_name(), e.fields()))
            .collect();
        assert_eq!(VERSION, 1);
        assert_eq!(
            contract,
            [
                ("handoff:opened", "handoff_opened", &[][..]),
                (
                    "handoff:service_selected",
                    "handoff_service_selected",
                    &["service"][..]
                ),
                (
                    "handoff:lead_captured",
                    "handoff_lead_captured",
                    &["handoffId", "service", "provider"][..]
                ),
                (
                    "handoff:redirected",
                    "handoff_redirected",
                    &["handoffId", "service", "provider"][..]
                ),
            ]
        );
    }

    #[test]
    fn no_event_carries_personal_data() {
        for event in HostEvent::ALL {
            for field in event.fields() {
                let f = field.to_lowercase();
                assert!(
                    !["name", "email", "phone", "notes", "time"]
                        .iter()
                        .any(|p| f.contains(p)),
                    "{field}"
                );
            }
        }
    }
}
