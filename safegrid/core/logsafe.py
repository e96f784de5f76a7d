"""Clean log lines (SECURITY.md L6; ASVS 7.1.1, 7.1.2, 7.3.1). Installed as the process's log-record
factory by `CoreConfig.ready()`, so it covers every logger and handler (Django's request log, axes,
our own): the formatted message of each record has line breaks and other control characters
escaped (typed-in "\\r\\n" cannot forge a second log line) and checksum-valid ID numbers and mobile
numbers masked. Tracebacks (exc_info) are left as they are. Imports no models: logging is
configured before the apps are loaded."""

from __future__ import annotations

import datetime
import logging
import re

from .masking import mask_id_number, mask_phone

ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])(\d{17}[0-9Xx])(?![0-9A-Za-z])")
MOBILE = re.compile(r"(?<!\d)(1[3-9]\d{9})(?!\d)")
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f\x85\u2028\u2029]")
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


def id_number_valid(value: str) -> bool:
    """An 18-character resident ID number (GB 11643): region digit 1–8, a real birth date and the
    right check character. (The date and region keep 18-digit credit codes and order numbers out.)"""
    if not re.fullmatch(r"[1-8]\d{16}[0-9Xx]", value):
        return False
    try:
        birth = datetime.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return False
    if not 1900 <= birth.year <= 2100:
        return False
    total = sum(int(d) * w for d, w in zip(value[:17], _WEIGHTS, strict=True))
    return _CHECK[total % 11] == value[17].upper()


def _escape(match: re.Match) -> str:
    char = match.group(0)
    return {"\r": "\\r", "\n": "\\n"}.get(
        char, f"\\x{ord(char):02x}" if ord(char) < 256 else f"\\u{ord(char):04x}"
    )


def _mask_id(match: re.Match) -> str:
    value = match.group(1)
    return mask_id_number(value) if id_number_valid(value) else value


def mask_pii(text: str) -> str:
    """The text with checksum-valid ID numbers (110***********123X) and mobile numbers
    (138****1234) masked; also used for audit records' changes (safegrid.core.audit)."""
    text = ID_NUMBER.sub(_mask_id, text)
    return MOBILE.sub(lambda m: mask_phone(m.group(1)), text)


def neutralise(message: str) -> str:
    """The message with control characters escaped and ID and mobile numbers masked."""
    return mask_pii(_CONTROL.sub(_escape, message))


_installed = False


def install() -> None:
    """Wrap the current log-record factory once (idempotent)."""
    global _installed
    if _installed:
        return
    previous = logging.getLogRecordFactory()

    def factory(*args, **kwargs):
        record = previous(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # a bad format string is reported by the handler, as before
            return record
        clean = neutralise(message)
        if clean != message:
            record.msg, record.args = clean, ()
        return record

    logging.setLogRecordFactory(factory)
    _installed = True
