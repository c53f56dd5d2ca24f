"""Event models mirroring ``avro/``: frozen, typed facts about a case, keyed by Avro full name."""

from __future__ import annotations

from topology.events._base import AVRO_NAMESPACE, Event, Record, derive_event_id
from topology.events._parts import (
    Applicant,
    ApplicantKind,
    Channel,
    Commitment,
    ItemResult,
    MaterialRef,
    SupplementNeed,
    SupplementProblem,
)
from topology.events.application import (
    ApplicationAccepted,
    ApplicationRefused,
    ApplicationSubmitted,
    Problem,
)
from topology.events.bundle import (
    BundleCompleted,
    BundleRejected,
    BundleWithdrawn,
    CaseTimerFired,
    DeadlineLevel,
    DeadlineReached,
    DeadlineScope,
    Requester,
    WithdrawalRequested,
)
from topology.events.certificates import (
    CertificateIssued,
    CertificateRevoked,
    EvaluationRequested,
    EvaluationSubmitted,
    Rating,
)
from topology.events.items import (
    ItemStatus,
    ItemStatusReported,
    ItemTaskCancelled,
    ItemTaskDispatched,
)
from topology.events.supplements import (
    CommitmentAccepted,
    CommitmentFulfilled,
    CommitmentOverdue,
    RequestedSupplement,
    SupplementProvided,
    SupplementRequested,
)

EVENT_CLASSES: tuple[type[Event], ...] = (
    ApplicationSubmitted,
    ApplicationAccepted,
    ApplicationRefused,
    ItemTaskDispatched,
    ItemTaskCancelled,
    ItemStatusReported,
    SupplementRequested,
    SupplementProvided,
    CommitmentAccepted,
    CommitmentFulfilled,
    CommitmentOverdue,
    DeadlineReached,
    BundleCompleted,
    BundleRejected,
    BundleWithdrawn,
    CertificateIssued,
    CertificateRevoked,
    EvaluationSubmitted,
    CaseTimerFired,
    WithdrawalRequested,
    EvaluationRequested,
)
EVENT_TYPES: dict[str, type[Event]] = {cls.avro_name: cls for cls in EVENT_CLASSES}

__all__ = [
    "AVRO_NAMESPACE",
    "EVENT_CLASSES",
    "EVENT_TYPES",
    "Applicant",
    "ApplicantKind",
    "ApplicationAccepted",
    "ApplicationRefused",
    "ApplicationSubmitted",
    "BundleCompleted",
    "BundleRejected",
    "BundleWithdrawn",
    "CaseTimerFired",
    "CertificateIssued",
    "CertificateRevoked",
    "Channel",
    "Commitment",
    "CommitmentAccepted",
    "CommitmentFulfilled",
    "CommitmentOverdue",
    "DeadlineLevel",
    "DeadlineReached",
    "DeadlineScope",
    "EvaluationRequested",
    "EvaluationSubmitted",
    "Event",
    "ItemResult",
    "ItemStatus",
    "ItemStatusReported",
    "ItemTaskCancelled",
    "ItemTaskDispatched",
    "MaterialRef",
    "Problem",
    "Rating",
    "Record",
    "RequestedSupplement",
    "Requester",
    "SupplementNeed",
    "SupplementProblem",
    "SupplementProvided",
    "SupplementRequested",
    "WithdrawalRequested",
    "derive_event_id",
]
