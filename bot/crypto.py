"""WeCom's callback encryption (AES-256-CBC + SHA1 signature), for the app's XML and the robot's JSON."""
from __future__ import annotations

import base64
import binascii
import hmac
import struct
import time

from wechatpy.enterprise.crypto import PrpCrypto
from wechatpy.enterprise.exceptions import InvalidCorpIdException
from wechatpy.utils import WeChatSigner


class CryptoError(Exception):
    """The payload cannot be decrypted (malformed): answered with 400."""

    status = 400


class SignatureError(CryptoError):
    """msg_signature does not match: the caller is not WeCom. Answered with 403."""

    status = 403


class ReceiverError(CryptoError):
    """Decrypted fine but addressed to another corp (receiveid mismatch). Answered with 403."""

    status = 403


class StaleError(CryptoError):
    """The callback's timestamp is too far from now: a replay, or not WeCom. Answered with 403."""

    status = 403


REPLAY_WINDOW_SECONDS = 600


def check_fresh(timestamp: str) -> None:
    """Refuse a signed callback stamped more than 10 minutes from now. WeCom stamps with real time,
    so this compares with real time, not with the services' clock (which tests may set)."""
    try:
        stamp = int(timestamp)
    except (TypeError, ValueError):
        raise CryptoError("timestamp is not a number") from None
    if abs(int(time.time()) - stamp) > REPLAY_WINDOW_SECONDS:      # in integers: a 400-digit stamp is no float
        raise StaleError(f"timestamp {stamp} is outside the {REPLAY_WINDOW_SECONDS} s window")


class CallbackCrypto:
    def __init__(self, token: str, encoding_aes_key: str, receive_id: str):
        self.token = token
        self.receive_id = receive_id
        self._prp = PrpCrypto(base64.b64decode(encoding_aes_key + "="))

    def sign(self, timestamp: str, nonce: str, encrypt: str) -> str:
        signer = WeChatSigner()
        signer.add_data(self.token, timestamp, nonce, encrypt)
        return signer.signature

    def decrypt(self, signature: str, timestamp: str, nonce: str, encrypt: str) -> str:
        """Check the signature, then decrypt and check the receiveid; returns the plaintext."""
        if not encrypt.isascii():
            raise CryptoError("payload is not base64")      # nor can it be signed: UTF-8 has no lone surrogate
        expected = self.sign(timestamp, nonce, encrypt)
        if not hmac.compare_digest(expected.encode(), (signature or "").encode()):
            raise SignatureError("bad msg_signature")
        try:
            return self._prp.decrypt(encrypt, self.receive_id)
        except InvalidCorpIdException:
            raise ReceiverError("receiveid mismatch") from None
        except (ValueError, binascii.Error, struct.error, IndexError, UnicodeDecodeError, TypeError):
            raise CryptoError("undecryptable payload") from None

    def encrypt(self, plaintext: str, timestamp: str, nonce: str) -> tuple[str, str]:
        """Returns (encrypt, msg_signature) for a reply."""
        encrypt = self._prp.encrypt(plaintext, self.receive_id).decode()
        return encrypt, self.sign(timestamp, nonce, encrypt)
