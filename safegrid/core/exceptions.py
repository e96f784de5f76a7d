"""Domain errors. Services raise these; the UI and the API turn them into one Chinese message."""


class ApplicationError(Exception):
    """A refusal by the domain: the input was well-formed but the action is not allowed now."""

    code = "refused"

    def __init__(self, message: str, *, extra: dict | None = None):
        super().__init__(message)
        self.message = message
        self.extra = extra or {}


class NotInScope(ApplicationError):
    """The object does not exist for this actor (missing and out-of-scope are indistinguishable)."""

    code = "not_found"


class CapabilityDenied(ApplicationError):
    """The actor's roles do not include this kind of action at all."""

    code = "permission_denied"


class TransitionNotAllowed(ApplicationError):
    """The object's current state does not allow this step (API: 409 Conflict)."""

    code = "transition_not_allowed"


class RowsRefused(ApplicationError):
    """A service writing many rows at once (an import) refused some of them and wrote nothing:
    `refusals` lists each as (its index among the rows given, the refusal: ValidationError,
    ApplicationError or IntegrityError)."""

    code = "invalid"

    def __init__(self, message: str, *, refusals: list[tuple[int, Exception]]):
        super().__init__(message)
        self.refusals = refusals
