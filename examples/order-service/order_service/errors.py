"""The service's own errors: what callers are expected to handle."""


class OrderError(Exception):
    """Base class of the service's errors."""


class PaymentUnavailable(OrderError):
    """The payments API could not be reached or did not answer usefully."""


class RefundFailed(OrderError):
    """The refund did not go through."""


class StorageUnavailable(OrderError):
    """The order database is locked or failing."""
