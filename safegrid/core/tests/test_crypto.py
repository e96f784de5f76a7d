"""SM3/SM4 known-answer tests (GB/T 32905-2016 Appendix A, GB/T 32907-2016 Appendix A) and the
behaviour of the crypto interface: tampering is detected, keys are per purpose."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from safegrid.core import crypto

KAT = "SM3/SM4 known-answer tests (GB/T 32905, GB/T 32907)"

SM3_VECTORS = [
    (b"abc", "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"),
    (b"abcd" * 16, "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"),
]


@pytest.mark.parametrize(("message", "digest"), SM3_VECTORS)
def test_sm3_known_answers(figure, message, digest):
    figure("Crypto", KAT, vectors=1)
    assert crypto.sm3(message).hex() == digest
    figure("Crypto", KAT, passed=1)


def test_sm4_known_answer(figure):
    figure("Crypto", KAT, vectors=1)
    key = bytes.fromhex("0123456789abcdeffedcba9876543210")
    block = Cipher(algorithms.SM4(key), modes.ECB()).encryptor()  # noqa: S305 - the standard's one-block vector
    assert (block.update(key) + block.finalize()).hex() == "681edf34d206965e86b3e94f536e4246"
    figure("Crypto", KAT, passed=1)


def test_sm4_gcm_round_trip_and_tamper_detection():
    key = bytes(range(16))
    blob = crypto.sm4_gcm_encrypt(key, b"360725199001011234", b"person")
    assert crypto.sm4_gcm_decrypt(key, blob, b"person") == b"360725199001011234"
    for index in range(len(blob)):
        flipped = bytearray(blob)
        flipped[index] ^= 0x01
        with pytest.raises(crypto.CryptoError):
            crypto.sm4_gcm_decrypt(key, bytes(flipped), b"person")
    with pytest.raises(crypto.CryptoError):
        crypto.sm4_gcm_decrypt(key, blob, b"other")


def test_text_encryption_is_randomised_and_reversible():
    first, second = crypto.encrypt_text("13812345678"), crypto.encrypt_text("13812345678")
    assert first != second
    assert crypto.decrypt_text(first) == crypto.decrypt_text(second) == "13812345678"
    with pytest.raises(crypto.CryptoError):
        crypto.decrypt_text("not base64 !")


def test_blind_index_is_deterministic_keyed_and_per_purpose(settings):
    a = crypto.blind_index("13812345678", purpose="person.phone")
    assert a == crypto.blind_index("13812345678", purpose="person.phone")
    assert a != crypto.blind_index("13812345678", purpose="expert.phone")
    assert len(a) == 64
    settings.SAFEGRID_BLIND_INDEX_KEY = "11" * 32
    assert crypto.blind_index("13812345678", purpose="person.phone") != a


def test_a_configured_key_must_be_hex_of_16_bytes_or_more(settings):
    from django.core.exceptions import ImproperlyConfigured

    settings.SAFEGRID_PII_KEY = "zz"
    with pytest.raises(ImproperlyConfigured):
        crypto.key_for("pii")
    settings.SAFEGRID_PII_KEY = "ab" * 8
    with pytest.raises(ImproperlyConfigured):
        crypto.key_for("pii")
    settings.SAFEGRID_PII_KEY = "ab" * 16
    assert crypto.key_for("pii") == bytes.fromhex("ab" * 16)
