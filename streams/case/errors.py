"""Well-formed inputs the case logic cannot apply: the runtime dead-letters them, with the
reason, and goes on with the rest of the batch."""

from __future__ import annotations


class UnprocessableError(LookupError):
    """A well-formed event that cannot be applied."""


class UnknownCaseError(UnprocessableError):
    """A result or answer for a case this bus never accepted."""


class UnexpectedInputError(UnprocessableError):
    """An event of a type the case agent does not take as input (e.g. a fact that only the
    case agent itself publishes)."""


class WrongTopicError(UnprocessableError):
    """An event on a topic that topology does not declare for its type: whoever wrote it
    there is not the one who may send it (reason ``wrong-topic``)."""


class WrongDepartmentError(UnprocessableError):
    """A department's answer about an item that is not its own, or sent under another
    department's name (reason ``wrong-department``)."""


class InvalidInputError(UnprocessableError):
    """A request that breaks the case's rules (an unknown or empty form field, a value or a
    list too large): refused alone, the rest of its batch goes on."""
