"""The one interface to the national (SM) algorithms (SECURITY.md, "Crypto"): SM3 hashing, HMAC-SM3
(the audit chain, blind indexes) and SM4-GCM (personal data at rest), through the `cryptography`
package (OpenSSL). A certified cryptographic module can replace this file behind the same functions.

Keys: each purpose has its own 32-byte key (hex in the environment; SM4 uses the first 16 bytes):
SAFEGRID_AUDIT_KEY, SAFEGRID_PII_KEY, SAFEGRID_BLIND_INDEX_KEY. In development they are derived
from SECRET_KEY (HMAC-SM3 of the purpose's name), so the demo needs no set-up; production refuses
to start without them (config/settings.py).

Ciphertext layout (bytes): b"\\x01" (version) ‖ 12-byte nonce ‖ ciphertext ‖ 16-byte GCM tag; stored
as text it is base64. A flipped byte anywhere fails the tag check (CryptoError)."""

from __future__ import annotations

import base64
import functools
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as crypto_hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

VERSION = b"\x01"
NONCE_BYTES = 12
TAG_BYTES = 16
PURPOSES = {
    "audit": "SAFEGRID_AUDIT_KEY",
    "pii": "SAFEGRID_PII_KEY",
    "blind_index": "SAFEGRID_BLIND_INDEX_KEY",
}


class CryptoError(Exception):
    """A ciphertext that is not ours, damaged or tampered with."""


def sm3(data: bytes) -> bytes:
    digest = hashes.Hash(hashes.SM3())
    digest.update(data)
    return digest.finalize()


def hmac_sm3(key: bytes, data: bytes) -> bytes:
    mac = crypto_hmac.HMAC(key, hashes.SM3())
    mac.update(data)
    return mac.finalize()


@functools.cache
def _key(purpose: str, secret: str, configured: str) -> bytes:
    if configured:
        try:
            key = bytes.fromhex(configured)
        except ValueError as exc:
            raise ImproperlyConfigured(f"{PURPOSES[purpose]} 必须是十六进制密钥。") from exc
        if len(key) < 16:
            raise ImproperlyConfigured(f"{PURPOSES[purpose]} 至少 16 字节（32 个十六进制字符）。")
        return key
    return hmac_sm3(secret.encode(), f"safegrid/{purpose}".encode())


def key_for(purpose: str) -> bytes:
    """The key of one purpose ("audit", "pii", "blind_index")."""
    return _key(purpose, settings.SECRET_KEY, getattr(settings, PURPOSES[purpose], "") or "")


def sm4_gcm_encrypt(key: bytes, plaintext: bytes, aad: bytes = b"") -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    encryptor = Cipher(algorithms.SM4(key[:16]), modes.GCM(nonce)).encryptor()
    if aad:
        encryptor.authenticate_additional_data(aad)
    body = encryptor.update(plaintext) + encryptor.finalize()
    return VERSION + nonce + body + encryptor.tag


def sm4_gcm_decrypt(key: bytes, blob: bytes, aad: bytes = b"") -> bytes:
    if len(blob) < 1 + NONCE_BYTES + TAG_BYTES or blob[:1] != VERSION:
        raise CryptoError("not a SafeGrid ciphertext")
    nonce, body, tag = blob[1 : 1 + NONCE_BYTES], blob[1 + NONCE_BYTES : -TAG_BYTES], blob[-TAG_BYTES:]
    decryptor = Cipher(algorithms.SM4(key[:16]), modes.GCM(nonce, tag)).decryptor()
    if aad:
        decryptor.authenticate_additional_data(aad)
    try:
        return decryptor.update(body) + decryptor.finalize()
    except InvalidTag as exc:
        raise CryptoError("ciphertext failed its integrity check") from exc


def encrypt_text(value: str, *, aad: str = "") -> str:
    """A text encrypted with the personal-data key, as base64 text."""
    blob = sm4_gcm_encrypt(key_for("pii"), value.encode(), aad.encode())
    return base64.b64encode(blob).decode("ascii")


def decrypt_text(token: str, *, aad: str = "") -> str:
    try:
        blob = base64.b64decode(token.encode("ascii"), validate=True)
    except (ValueError, UnicodeEncodeError) as exc:
        raise CryptoError("not base64") from exc
    return sm4_gcm_decrypt(key_for("pii"), blob, aad.encode()).decode()


def blind_index(value: str, *, purpose: str) -> str:
    """A keyed, deterministic digest of a normalised value for equality search (hex, 64 chars); the
    `purpose` (e.g. "person.id_number") keeps equal values of different fields apart."""
    return hmac_sm3(key_for("blind_index"), f"{purpose}\x00{value}".encode()).hex()
