//! The handoff lifecycle: which status may follow which, and how each is named.

/// Where a booking handoff stands. Only a verified or manual completion is final.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HandoffStatus {
    New,
    Redirected,
    CompletedExternal,
    Abandoned,
}

impl HandoffStatus {
    pub const ALL: [Self; 4] = [
        Self::New,
        Self::Redirected,
        Self::CompletedExternal,
        Self::Abandoned,
    ];

    /// The stored and JSON name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::New => "new",
            Self::Redirected => "redirected",
            Self::CompletedExternal => "completed_external",
            Self::Abandoned => "abandoned",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|status| status.as_str() == s)
    }

    /// What an admin reads on a badge.
    pub fn label(self) -> &'static str {
        match self {
            Self::New => "New",
            Self::Redirected => "Redirected",
            Self::CompletedExternal => "Completed",
            Self::Abandoned => "Abandoned",
        }
    }

    /// Whether `self -> next` is a real transition; staying put is not one.
    pub fn can_transition_to(self, next: Self) -> bool {
        use HandoffStatus::*;
        matches!(
            (self, next),
            (New, Redirected | CompletedExternal | Abandoned)
                | (Redirected, CompletedExternal | Abandoned)
                // A visitor came back and clicked.
                | (Abandoned, Redirected)
                // A verified completion outranks an inference from silence.
                | (Abandoned, CompletedExternal)
        )
    }

    pub fn is_final(self) -> bool {
        self == Self::CompletedExternal
    }
}

#[cfg(test)]
mod tests {
    use super::HandoffStatus::{self, *};

    #[test]
    fn names_round_trip() {
        let table = [
            (New, "new", "New"),
            (Redirected, "redirected", "Redirected"),
            (CompletedExternal, "completed_external", "Completed"),
            (Abandoned, "abandoned", "Abandoned"),
        ];
        assert_eq!(HandoffStatus::ALL, table.map(|row| row.0));
        for (status, name, label) in table {
            assert_eq!(status.as_str(), name);
            assert_eq!(status.label(), label);
            assert_eq!(HandoffStatus::parse(name), Some(status));
        }
    }

    #[test]
    fn rejects_unknown_status_names() {
        for name in ["", "New", "completed", "COMPLETED_EXTERNAL", " new", "done"] {
            assert_eq!(HandoffStatus::parse(name), None, "{name:?}");
        }
    }

    #[test]
    fn allows_exactly_the_documented_transitions() {
        // Every one of the 16 pairs, written out so a change is a deliberate edit.
        let table = [
            (New, New, false),
            (New, Redirected, true),
            (New, CompletedExternal, true),
            (New, Abandoned, true),
            (Redirected, New, false),
            (Redirected, Redirected, false),
            (Redirected, CompletedExternal, true),
            (Redirected, Abandoned, true),
            (CompletedExternal, New, false),
            (CompletedExternal, Redirected, false),
            (CompletedExternal, CompletedExternal, false),
            (CompletedExternal, Abandoned, false),
            (Abandoned, New, false),
            (Abandoned, Redirected, true),
            (Abandoned, CompletedExternal, true),
            (Abandoned, Abandoned, false),
        ];
        assert_eq!(table.len(), 16);
        for (from, to, allowed) in table {
            assert_eq!(from.can_transition_to(to), allowed, "{from:?} -> {to:?}");
        }
    }

    #[test]
    fn only_completed_is_final_and_final_has_no_way_out() {
        for status in HandoffStatus::ALL {
            assert_eq!(status.is_final(), status == CompletedExternal, "{status:?}");
            if status.is_final() {
                assert!(HandoffStatus::ALL
                    .into_iter()
                    .all(|next| !status.can_transition_to(next)));
            }
        }
    }

    #[test]
    fn nothing_returns_to_new() {
        for status in HandoffStatus::ALL {
            assert!(!status.can_transition_to(New), "{status:?}");
        }
    }
}
