"""A UserError is a short Chinese sentence shown to the person as it is; anything else is a bug."""


class UserError(Exception):
    pass


class Refusal(UserError):
    """A request understood but not allowed now (the month's state, a missing 强制): the audit records
    a refusal, not a wrong usage, and the answer carries no usage example."""
