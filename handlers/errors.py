"""A UserError is a short Chinese sentence shown to the person as it is; anything else is a bug."""


class UserError(Exception):
    pass
