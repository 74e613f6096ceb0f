import pytest

from bot.crypto import CallbackCrypto, CryptoError, ReceiverError, SignatureError

# WeCom's published test vector for URL verification (加解密方案说明).
VECTOR = dict(token="QDG6eK", key="jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C", corp="wx5823bf96d3bd56c7",
              signature="5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3", timestamp="1409659589", nonce="263014780",
              echostr="P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ==")


def vector_crypto(receive_id=VECTOR["corp"]):
    return CallbackCrypto(VECTOR["token"], VECTOR["key"], receive_id)


def test_wecom_url_verification_vector():
    v = VECTOR
    assert vector_crypto().decrypt(v["signature"], v["timestamp"], v["nonce"], v["echostr"]) == "1616140317555161061"


def test_vector_with_a_wrong_signature_is_refused():
    v = VECTOR
    with pytest.raises(SignatureError):
        vector_crypto().decrypt("0" * 40, v["timestamp"], v["nonce"], v["echostr"])


def test_vector_for_another_corp_is_refused():
    v = VECTOR
    with pytest.raises(ReceiverError):
        vector_crypto("ww-other").decrypt(v["signature"], v["timestamp"], v["nonce"], v["echostr"])


def test_round_trip_with_chinese_and_empty_receive_id():
    crypto = vector_crypto("")
    encrypt, signature = crypto.encrypt("第 3/17 项 · 已完成", "1700000000", "abc")
    assert crypto.decrypt(signature, "1700000000", "abc", encrypt) == "第 3/17 项 · 已完成"


@pytest.mark.parametrize("encrypt", ["", "abc", "####", "P9nA", "AAAA" * 5])
def test_garbage_is_malformed_not_a_crash(encrypt):
    crypto = vector_crypto()
    with pytest.raises(CryptoError) as err:
        crypto.decrypt(crypto.sign("1", "2", encrypt), "1", "2", encrypt)
    assert err.value.status == 400
