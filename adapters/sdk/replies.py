"""Mapping a department system's reply to the outcome the bus understands."""

from __future__ import annotations

from adapters.sdk.backend import ActReply
from adapters.sdk.outcome import ItemOutcome


def outcome_of(reply: ActReply) -> ItemOutcome:
    """The outcome a plain reply stands for; handlers with domain rules map it themselves."""
    match reply.decision:
        case "approved":
            return ItemOutcome.approved(reply.outputs)
        case "rejected":
            return ItemOutcome.rejected(reply.reason or "不予受理")
        case "supplement":
            return ItemOutcome.supplement(reply.supplements, reply.reason)
        case _:
            return ItemOutcome.in_progress(reply.reason, poll_after_s=reply.poll_after_s)
