"""Both callbacks under fuzzing (issue 12): the app's (XML), the robot's (JSON) and their URL
verification, through the Flask app with real crypto. Whatever arrives is answered 200, 400 or 403
(413 for a body over 256 KiB), never a 5xx: a bad signature, a replay or another corp's message is
403, anything that cannot be read is 400, even when WeCom's signature on it is good. Nothing refused
leaves a row in the database or a job in Redis, and /healthz still answers 200 afterwards.

10,000 cases in all (5,000 on each database), derandomized: a failure shows the same case on every run."""
from __future__ import annotations

import base64
import itertools
import json
import struct

import pytest
import xmltodict
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from hypothesis import HealthCheck, given, settings, strategies as st

from app import MAX_BODY_BYTES
from bot.crypto import REPLAY_WINDOW_SECONDS
from bot.inbound import ID_MAX, USERID_MAX
from handlers import messages
from models import ALL_MODELS, database
from tests.wecom import Caller, event_xml, robot_json, text_xml

SIGNED = ("msg_signature", "timestamp", "nonce")
PATHS = {"app": "/wecom/callback", "robot": "/wecom/robot"}
CHANNELS = st.sampled_from(sorted(PATHS))
# Signed and encrypted well, but no message: the parser's 400 is all that may come of them.
NOT_A_MESSAGE = {"app": "<xml><MsgType>text</MsgType></xml>", "robot": '{"msgtype": "text"}'}
ECHO = "echo-1234567890"
COUNT_ROWS = "SELECT " + ", ".join(f'(SELECT count(*) FROM "{m._meta.table_name}")' for m in ALL_MODELS)
_msg_ids = itertools.count(1)


def fuzz(examples: int):
    """Derandomized examples with no deadline (each is a request); on a busy machine generating
    them may be slow, which is no failure."""
    return settings(max_examples=examples, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow])


def message_from(channel: str, userid: str, content: str = "1") -> str:
    """A text message, each with a message id of its own."""
    msg_id = f"fuzz-{next(_msg_ids)}"
    return text_xml(userid, content, msg_id=msg_id) if channel == "app" else robot_json(userid, content, msg_id=msg_id)


def row_counts() -> dict[str, int]:
    return dict(zip((m.__name__ for m in ALL_MODELS), database.execute_sql(COUNT_ROWS).fetchone(), strict=True))


class Edge:
    """The callbacks as WeCom calls them, and what a refused call must leave as it was."""

    def __init__(self, client, config, services):
        self.client, self.services = client, services
        self.callers = {"app": Caller(config.wecom.token, config.wecom.encoding_aes_key, config.wecom.corp_id),
                        "robot": Caller(config.robot.token, config.robot.encoding_aes_key, "")}
        self.keys = {"app": base64.b64decode(config.wecom.encoding_aes_key + "="),
                     "robot": base64.b64decode(config.robot.encoding_aes_key + "=")}
        self.rows, self.unchecked = row_counts(), False
        self.cases = self.server_errors = self.changed = 0      # for bench/faults.py

    def start(self) -> None:
        """Each case is judged by what it changed itself: after one that stopped before its checks,
        count afresh (otherwise the counts the last checks took still hold)."""
        if self.unchecked:
            self.rows = row_counts()
        self.unchecked = True

    def get(self, channel: str, query):
        self.start()
        return self.client.get(PATHS[channel], query_string=query)

    def post(self, channel: str, query, body):
        self.start()
        kind = "text/xml" if channel == "app" else "application/json"
        return self.client.post(PATHS[channel], query_string=query, data=body, content_type=kind)

    def wrap(self, channel: str, encrypt: str) -> str:
        if channel == "app":
            return self.callers["app"].xml_body(encrypt)
        return json.dumps({"encrypt": encrypt})

    def signed(self, channel: str, encrypt: str, verify: bool = False, age: int = 0):
        """Post `encrypt` (or, to verify the URL, GET it as echostr) with WeCom's signature on it."""
        query = self.callers[channel].query(encrypt, age)
        if verify:
            return self.get(channel, {**query, "echostr": encrypt})
        return self.post(channel, query, self.wrap(channel, encrypt))

    def seal(self, channel: str, plaintext: str) -> str:
        return self.callers[channel].crypto.encrypt(plaintext, "0", "0")[0]

    def expect(self, response, *statuses: int, **added: int) -> None:
        """Answered with one of `statuses`, having added the rows `added` names (model=count) and
        changed nothing else in the database."""
        expected = {name: count + added.get(name, 0) for name, count in self.rows.items()}
        self.rows, self.unchecked = row_counts(), False
        self.cases += 1
        self.server_errors += response.status_code >= 500
        self.changed += self.rows != expected
        assert response.status_code in statuses, (response.status_code, response.data[:300])
        assert self.rows == expected

    def healthy(self) -> None:
        """After all the cases: /healthz answers 200, and none of them left a job in Redis."""
        assert self.client.get("/healthz").status_code == 200
        assert self.services.queue.count == 0


@pytest.fixture
def edge(client, config, services, db, figures):
    edge = Edge(client, config, services)
    yield edge
    figures("fuzz", test_of="callbacks", cases=edge.cases, server_errors=edge.server_errors,
            database_changes=edge.changed)


# What arrives without WeCom's signature: bodies of any shape, query arguments of any shape

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
    lambda kids: st.lists(kids, max_size=3) | st.dictionaries(
        st.sampled_from(["encrypt", "msgid", "from"]) | st.text(max_size=4), kids, max_size=3),
    max_leaves=4)
BILLION_LAUGHS = ('<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY a "ha">'
                  + "".join(f'<!ENTITY {b} "{("&" + a + ";") * 10}">'
                            for a, b in zip("abcdefgh", "bcdefghi", strict=True))
                  + "]><xml><Encrypt>&i;</Encrypt></xml>")
EXTERNAL = [
    '<!DOCTYPE xml [<!ENTITY x SYSTEM "file:///etc/passwd">]><xml><Encrypt>&x;</Encrypt></xml>',
    '<!DOCTYPE xml [<!ENTITY % p SYSTEM "file:///etc/passwd"> %p;]><xml><Encrypt>a</Encrypt></xml>',
    '<!DOCTYPE xml SYSTEM "file:///etc/passwd"><xml><Encrypt>&x;</Encrypt></xml>',
    '<?xml version="1.0" encoding="bogus"?><xml><Encrypt>a</Encrypt></xml>',
    '<xml xmlns:xi="http://www.w3.org/2001/XInclude"><xi:include href="file:///etc/passwd"/></xml>',
]
ODD_BODIES = [BILLION_LAUGHS, *EXTERNAL, '{"encrypt": "\\ud800\\udfff"}', '{"encrypt": "\\u0000"}',
              '{"encrypt": NaN}', '{"encrypt": 1e999}', "\ufeff<xml><Encrypt>a</Encrypt></xml>",
              "<xml><Encrypt>a</Encrypt><Encrypt>b</Encrypt></xml>", '<xml><Encrypt a="1">b</Encrypt></xml>',
              "<xml><Encrypt><![CDATA[ab]]></Encrypt></xml>", "<xml>\x00</xml>", '{"encrypt": "a", "encrypt": 5}']

ENVELOPES = ["<xml><ToUserName>corp</ToUserName><Encrypt>QUJDRA==</Encrypt><AgentID>1</AgentID></xml>",
             '{"encrypt": "QUJDRA=="}', *ODD_BODIES]
MARKUP = "<>/=\"'&;![]{}:,-?# \nxmlEncryptDOCTYPEENTITY"
EDITS = st.lists(st.tuples(st.sampled_from(["insert", "delete", "replace"]), st.integers(0, 400),
                           st.text(MARKUP, max_size=4) | st.text(max_size=2)), max_size=3)


def edited(text: str, edits: list[tuple[str, int, str]]) -> str:
    """`text` with a few characters inserted, deleted or replaced."""
    for how, at, snippet in edits:
        at %= len(text) + 1
        cut = {"insert": 0, "delete": 1, "replace": len(snippet)}[how]
        text = text[:at] + ("" if how == "delete" else snippet) + text[at + cut:]
    return text


BODIES = st.one_of(
    st.builds(edited, st.sampled_from(ENVELOPES), EDITS),
    st.text(MARKUP, max_size=80),
    st.binary(max_size=64),
    JSON_VALUES.map(json.dumps),
)
ARG_VALUES = st.sampled_from(["", "0", "1700000000", "f" * 40, "中\x00", ["0", "1"], ["", "1"]]) | st.text(max_size=8)
QUERIES = st.fixed_dictionaries({}, optional={name: ARG_VALUES for name in (*SIGNED, "echostr", "x")})


def first(query: dict, name: str) -> str:
    """The value the app reads: the first of a repeated argument."""
    value = query.get(name, "")
    return (value[0] if value else "") if isinstance(value, list) else value


@fuzz(1_300)
@given(channel=CHANNELS, query=QUERIES, body=BODIES)
def run_unsigned(edge, channel, query, body):
    response = edge.post(channel, query, body)
    if not all(first(query, name) for name in SIGNED):
        edge.expect(response, 400)                 # the signature's parts come first
    else:
        edge.expect(response, 400, 403)            # unreadable 400, readable but unsigned 403


@pytest.mark.slow
def test_anything_without_wecoms_signature_is_refused(edge):
    run_unsigned(edge)
    edge.healthy()


# Signed, but the ciphertext is not what WeCom encrypts

B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/="
SNIPPETS = st.one_of(st.sampled_from(B64), st.text(max_size=6), st.sampled_from(["é", "中", "\x00", "==", " \n"]))


def mutate(encrypt: str, how: str, at: int, snippet: str) -> str:
    """`encrypt` with one thing wrong: cut short, padding lost or added, a character changed, …"""
    at %= len(encrypt)
    raw = base64.b64decode(encrypt)
    return {
        "truncate": encrypt[:at],
        "no padding": encrypt.rstrip("="),
        "more padding": encrypt + "=" * (1 + at % 3),
        "replace": encrypt[:at] + snippet + encrypt[at + 1:],
        "insert": encrypt[:at] + snippet + encrypt[at:],
        "drop a block": base64.b64encode(raw[:at // 16 * 16] + raw[at // 16 * 16 + 16:]).decode(),
        "odd length": base64.b64encode(raw[:at]).decode(),
        "twice": encrypt + encrypt,
        "url-safe": encrypt.translate(str.maketrans("+/", "-_")),
        "empty": "",
    }[how]


HOW = st.sampled_from(["truncate", "no padding", "more padding", "replace", "insert", "drop a block",
                       "odd length", "twice", "url-safe", "empty"])


@fuzz(850)
@given(channel=CHANNELS, verify=st.booleans(), how=HOW, at=st.integers(0, 10_000), snippet=SNIPPETS)
def run_mutated(edge, channel, verify, how, at, snippet):
    encrypt = mutate(edge.seal(channel, ECHO if verify else NOT_A_MESSAGE[channel]), how, at, snippet)
    response = edge.signed(channel, encrypt, verify)
    if verify:      # CBC has no integrity of its own (the signature is it): a change may decrypt to another echo
        edge.expect(response, 200, 400, 403)
    else:
        edge.expect(response, 400, 403)


@pytest.mark.slow
def test_a_signed_ciphertext_that_does_not_decrypt_is_refused(edge):
    run_mutated(edge)
    edge.healthy()


# Signed and decrypted with the right key, but not laid out as WeCom lays it out:
# 16 random bytes, the message's length (4 bytes, big-endian), the message, the receiveid, PKCS#7 to 32

BAD_UTF8 = [b"\xff", b"\xc3\x28", b"\xed\xa0\x80", b"\xc0\xaf", b"\xe4\xb8", b"\xf8\x88\x80\x80\x80"]
MESSAGES = st.one_of(
    st.binary(max_size=120),
    st.sampled_from(BAD_UTF8).map(lambda bad: b"<xml><Content>" + bad + b"</Content></xml>"),
    st.sampled_from([NOT_A_MESSAGE["app"].encode(), NOT_A_MESSAGE["robot"].encode(), ECHO.encode()]),
)
RECEIVERS = st.one_of(st.just(None), st.text(min_size=1, max_size=30).map(str.encode), st.sampled_from(BAD_UTF8))


def layout(message: bytes, receiver: bytes, length_error: int, last_byte: int | None) -> bytes:
    """WeCom's layout, or something near it: the length off by `length_error`, and the last byte
    `last_byte` instead of PKCS#7's padding to 32."""
    length = max(0, min(len(message) + length_error, 2**32 - 1))
    raw = b"r" * 16 + struct.pack(">I", length) + message + receiver
    if last_byte is None:
        count = 32 - len(raw) % 32
        return raw + bytes([count]) * count
    return raw + b"p" * (15 - len(raw) % 16) + bytes([last_byte])


def seal_raw(key: bytes, raw: bytes) -> str:
    """AES-256-CBC as WeCom uses it (the key's first 16 bytes are the IV)."""
    encryptor = Cipher(algorithms.AES(key), modes.CBC(key[:16])).encryptor()
    return base64.b64encode(encryptor.update(raw) + encryptor.finalize()).decode()


def read_layout(raw: bytes) -> tuple[bytes, bytes] | None:
    """(message, receiveid) as the layout gives them: the last byte says how much padding to drop."""
    content = raw[16:-raw[-1]] if raw[-1] else b""
    if len(content) < 4:
        return None
    length = struct.unpack(">I", content[:4])[0]
    return content[4:4 + length], content[4 + length:]


def text_of(data: bytes) -> str | None:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


@fuzz(700)
@given(channel=CHANNELS, verify=st.booleans(), message=MESSAGES, receiver=RECEIVERS,
       length_error=st.sampled_from([0, 0, 1, -1, 2**32]) | st.integers(-300, 300),
       last_byte=st.none() | st.integers(0, 255))
def run_layouts(edge, channel, verify, message, receiver, length_error, last_byte):
    right = edge.callers[channel].crypto.receive_id
    raw = layout(message, right.encode() if receiver is None else receiver, length_error, last_byte)
    response = edge.signed(channel, seal_raw(edge.keys[channel], raw), verify)
    parts = read_layout(raw)
    texts = [text_of(part) for part in parts] if parts else [None]
    if None in texts:
        edge.expect(response, 400)
    elif texts[1] != right:
        edge.expect(response, 403)                  # another corp's message
    elif verify:
        edge.expect(response, 200)
        assert response.data == parts[0]
    else:
        edge.expect(response, 400)                  # decrypted, but no message


@pytest.mark.slow
def test_a_payload_in_the_wrong_layout_is_refused(edge):
    run_layouts(edge)
    edge.healthy()


# Signed, encrypted, laid out well: but the plaintext is no message WeCom sends

BROKEN = st.sampled_from(["absent", "empty", "blank", "nested", "twice", "attribute", "too long", "unprintable"])


def broken_xml_value(how: str, limit: int):
    return {"empty": "", "blank": " \n\t", "nested": {"a": {"b": "x"}}, "twice": ["a", "b"],
            "attribute": {"@a": "1", "#text": "x"}, "too long": "u" * (limit + 1),
            "unprintable": "a\u2028b\u200bc"}[how]


APP_MESSAGES = {kind: xmltodict.parse(plaintext)["xml"] for kind, plaintext in {
    "text": text_xml("sec01", "1", msg_id="42"), "event": event_xml("sec01", "click", key="k"),
    "image": text_xml("sec01", "", msg_id="43").replace("<MsgType>text", "<MsgType>image")}.items()}
REQUIRED_XML = {"text": ["FromUserName", "MsgType", "MsgId"], "event": ["FromUserName", "MsgType", "Event"],
                "image": ["FromUserName", "MsgType", "MsgId"]}
XML_BREAKS = st.sampled_from([(kind, name) for kind, names in REQUIRED_XML.items() for name in names])
OTHER_XML_FIELDS = st.lists(st.sampled_from(["CreateTime", "Content", "EventKey", "AgentID", "Extra"]), max_size=3)
OTHER_XML_VALUES = st.none() | st.text(max_size=20) | st.sampled_from([{"x": "y"}, "9" * 5000])
ODD_PLAINTEXTS = [BILLION_LAUGHS, *EXTERNAL, "", "not xml", "<xml/>", "<xml></xml><xml></xml>", '{"msgtype": "text"}',
                  "<xml><FromUserName>a\x00</FromUserName></xml>", "<xml><MsgType>event</MsgType></xml>"]


@st.composite
def broken_app_messages(draw) -> str:
    """A text, event or image message with a required field missing or wrong (and others odd too)."""
    kind, name = draw(XML_BREAKS)
    fields, how = dict(APP_MESSAGES[kind]), draw(BROKEN)
    if how == "absent":
        del fields[name]
    else:
        fields[name] = broken_xml_value(how, USERID_MAX if name == "FromUserName" else ID_MAX)
    for other in draw(OTHER_XML_FIELDS):
        fields[other] = draw(OTHER_XML_VALUES)
    return xmltodict.unparse({"xml": fields}, full_document=False)


@fuzz(700)
@given(plaintext=broken_app_messages() | st.sampled_from(ODD_PLAINTEXTS))
def run_app_plaintexts(edge, plaintext):
    edge.expect(edge.signed("app", edge.seal("app", plaintext)), 400)


@pytest.mark.slow
def test_a_signed_app_callback_that_is_no_message_is_400_and_stores_nothing(edge):
    run_app_plaintexts(edge)
    edge.healthy()


ROBOT_MESSAGE = robot_json("dangwei01", "帮助", msg_id="r42")
REQUIRED_JSON = st.sampled_from(["from.userid", "msgid", "msgtype"])
JSON_BREAKS = st.sampled_from(["absent", "wrong", "too long"])
LIMITS = {"userid": USERID_MAX, "msgid": ID_MAX, "msgtype": ID_MAX}
WRONG_JSON = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
                       st.sampled_from(["", " ", ["a"], {"a": "b"}, "a\x00b", "a\x1fb", "\ud800", "a\u2028b"]))
NO_SENDERS = st.sampled_from([None, "dangwei01", ["dangwei01"], 5])
OTHER_JSON_FIELDS = st.lists(st.sampled_from(["chatid", "text", "response_url", "chattype"]), max_size=2)
OTHER_JSON_VALUES = st.text(max_size=8) | st.sampled_from([None, 5, 1.5, [], {}, [[["x"]]], {"content": 5}])


@st.composite
def broken_robot_messages(draw) -> str:
    """A robot message with from.userid, msgid or msgtype missing or wrong (and others odd too)."""
    message, path, how = json.loads(ROBOT_MESSAGE), draw(REQUIRED_JSON), draw(JSON_BREAKS)
    parent, name = (message["from"], "userid") if path == "from.userid" else (message, path)
    if how == "absent":
        del parent[name]
    else:
        parent[name] = "u" * (LIMITS[name] + 1) if how == "too long" else draw(WRONG_JSON)
    if path == "from.userid" and draw(st.booleans()):
        message["from"] = draw(NO_SENDERS)
    for other in draw(OTHER_JSON_FIELDS):
        message[other] = draw(OTHER_JSON_VALUES)
    return json.dumps(message)


ROBOT_PLAINTEXTS = st.one_of(
    st.sampled_from(["", "null", "[]", '"text"', "5", "1" * 5000, "NaN", '{"msgid": "a", "msgid": 5}',
                     '{"from": {"userid": "a"}, "msgid": "m", "msgtype": "text", "msgtype": null}',
                     NOT_A_MESSAGE["app"]]),
    JSON_VALUES.filter(lambda value: not isinstance(value, dict)).map(json.dumps),
)


@fuzz(150)
@given(plaintext=broken_robot_messages() | ROBOT_PLAINTEXTS)
def run_robot_plaintexts(edge, plaintext):
    edge.expect(edge.signed("robot", edge.seal("robot", plaintext)), 400)


@pytest.mark.slow
def test_a_signed_robot_callback_that_is_no_message_is_400_and_stores_nothing(edge):
    run_robot_plaintexts(edge)
    edge.healthy()


# Deep and huge: thousands of <a> or [, a field of a quarter megabyte, a body over the limit

DEEP = {    # name: (channel, head, unit, closing unit, tail, most units: within 256 KiB once encrypted)
    "nested elements": ("app", "<xml>", "<a>", "</a>", "</xml>", 10_000),
    "elements left open": ("app", "<xml>", "<a>", "", "", 10_000),
    "nested required field": ("app", "<xml>", "<FromUserName>", "</FromUserName>", "</xml>", 5_000),
    "nested arrays": ("robot", "", "[", "]", "", 90_000),
    "arrays left open": ("robot", "", "[", "", "", 180_000),
    "nested in a field": ("robot", '{"msgid": ', "[", "]", "}", 90_000),
    "objects left open": ("robot", "", '{"a":', "", "", 36_000),
    "huge field": ("app", "<xml><Encrypt>", "A", "", "</Encrypt></xml>", 180_000),
}


def deep(name: str, percent: int) -> str:
    """A thousand units, or `percent` of the way from there to the most."""
    _, head, unit, close, tail, most = DEEP[name]
    count = 1_000 + (most - 1_000) * percent // 100
    return head + unit * count + close * count + tail


@fuzz(75)
@given(name=st.sampled_from(sorted(DEEP)), percent=st.integers(0, 100), signed=st.booleans())
def run_deep(edge, name, percent, signed):
    channel, body = DEEP[name][0], deep(name, percent)
    if signed:
        edge.expect(edge.signed(channel, edge.seal(channel, body)), 400)
    else:
        edge.expect(edge.post(channel, edge.callers[channel].query("x"), body), 400, 403)


@pytest.mark.slow
def test_deep_nesting_and_huge_fields_are_refused_whole(edge):
    run_deep(edge)
    edge.healthy()


def test_a_body_over_256_kib_is_413(edge):
    for channel in PATHS:
        encrypt = edge.seal(channel, "x" * MAX_BODY_BYTES)
        edge.expect(edge.post(channel, edge.callers[channel].query(encrypt), edge.wrap(channel, encrypt)), 413)
    edge.healthy()


# The replay window and the query arguments

MARGIN = 30         # seconds either side of the window's edge that no case uses (signing and checking take time)
AGES = st.integers(-10**12, 10**12).filter(lambda age: abs(abs(age) - REPLAY_WINDOW_SECONDS) > MARGIN)


@fuzz(600)
@given(channel=CHANNELS, verify=st.booleans(), age=AGES | st.integers(-600 + MARGIN, 600 - MARGIN))
def run_ages(edge, channel, verify, age):
    fresh = abs(age) <= REPLAY_WINDOW_SECONDS
    plaintext = ECHO if verify else NOT_A_MESSAGE[channel] if fresh else message_from(channel, "stranger")
    response = edge.signed(channel, edge.seal(channel, plaintext), verify, age=age)
    if not fresh:
        edge.expect(response, 403)         # even a good message: a replay
    elif verify:
        edge.expect(response, 200)
        assert response.data == ECHO.encode()
    else:
        edge.expect(response, 400)         # through the window, on to the parser


@pytest.mark.slow
def test_a_callback_stamped_more_than_ten_minutes_away_is_403(edge):
    run_ages(edge)
    edge.healthy()


STAMPS = st.one_of(st.integers(1, 5_000).map(lambda n: "9" * n), st.integers(1, 400).map(lambda n: "-" + "9" * n),
                   st.text(max_size=12), st.sampled_from(["1e9", "0x10", " 1", "١٢٣", "inf", "NaN", "1_000"]))


@fuzz(175)
@given(channel=CHANNELS, verify=st.booleans(), stamp=STAMPS)
def run_stamps(edge, channel, verify, stamp):
    caller = edge.callers[channel]
    encrypt = edge.seal(channel, message_from(channel, "stranger"))
    query = {**caller.query(encrypt), "timestamp": stamp, "msg_signature": caller.crypto.sign(stamp, "n", encrypt),
             "nonce": "n"}
    if verify:
        response = edge.get(channel, {**query, "echostr": encrypt})
    else:
        response = edge.post(channel, query, edge.wrap(channel, encrypt))
    edge.expect(response, 403 if is_number(stamp) else 400)       # none is a time near now


def is_number(stamp: str) -> bool:
    """As Python reads numbers: "١٢٣" and "1_000" are, "1e9" and 5,000 digits are not."""
    try:
        int(stamp)
        return True
    except ValueError:
        return False


@pytest.mark.slow
def test_a_signed_timestamp_that_is_no_time_near_now_is_refused(edge):
    run_stamps(edge)
    edge.healthy()


ARG_CHOICES = st.sampled_from(["right", "absent", "empty", "wrong", "right, wrong", "wrong, right"])


@fuzz(150)
@given(channel=CHANNELS, choices=st.fixed_dictionaries({name: ARG_CHOICES for name in (*SIGNED, "echostr")}),
       extra=st.dictionaries(st.text(min_size=1, max_size=6).filter(lambda k: k not in (*SIGNED, "echostr")),
                             st.text(max_size=10), max_size=2))
def run_arguments(edge, channel, choices, extra):
    encrypt = edge.seal(channel, ECHO)
    right = {**edge.callers[channel].query(encrypt), "echostr": encrypt}
    query = dict(extra)
    for name, choice in choices.items():
        wrong = "0" * len(right[name]) if name != "echostr" else edge.seal(channel, "other")
        value = {"right": right[name], "absent": None, "empty": "", "wrong": wrong,
                 "right, wrong": [right[name], wrong], "wrong, right": [wrong, right[name]]}[choice]
        if value is not None:
            query[name] = value
    response = edge.get(channel, query)
    if any(choices[name] in ("absent", "empty") for name in choices):
        edge.expect(response, 400)
    elif any(choices[name] in ("wrong", "wrong, right") for name in choices):
        edge.expect(response, 403)         # the first of repeated arguments is the one read
    else:
        edge.expect(response, 200)
        assert response.data == ECHO.encode()


@pytest.mark.slow
def test_url_verification_reads_the_first_of_repeated_arguments_and_needs_them_all(edge):
    run_arguments(edge)
    edge.healthy()


def test_another_corps_message_is_403(edge, config):
    for receiver in ("ww-other-corp", config.wecom.corp_id.upper(), config.wecom.corp_id + " ", "中"):
        other = Caller(config.wecom.token, config.wecom.encoding_aes_key, receiver)
        encrypt, query = other.envelope(message_from("app", "stranger"))
        edge.expect(edge.post("app", query, other.xml_body(encrypt)), 403)
    edge.healthy()


# Odd, but messages: answered like any message from someone the bot does not know

ODD_XML_VALUES = st.sampled_from(["", "9" * 5000, {"a": {"b": "c"}}, ["1", "2"]])
ODD_XML_FIELDS = st.lists(st.sampled_from(["CreateTime", "Extra", "AgentID"]), max_size=2)
OTHER_TYPES = st.sampled_from(["text", "location", "video", "file"])
DOCTYPES = st.sampled_from(["", '<!DOCTYPE xml SYSTEM "file:///etc/passwd">'])
CONTENTS = st.text(max_size=50) | st.integers(1, 60_000).map(lambda n: "长" * n)
ODD_JSON_FIELDS = st.lists(st.sampled_from(["chatid", "chattype", "response_url", "text", "aibotid"]), max_size=3)
DEEP_VALUE = "@deep@"   # stands for a value nested hundreds deep, written as text (json.dumps would recurse)
DEPTHS = st.integers(10, 900)
ODD_JSON_VALUES = st.just(DEEP_VALUE) | JSON_VALUES.filter(lambda value: not isinstance(value, str)
                                                           or value.isprintable())


@st.composite
def odd_messages(draw) -> tuple[str, str]:
    """(channel, plaintext): a stranger's text with a huge or odd content, odd extra fields, an
    unknown message type, a DOCTYPE naming a file."""
    channel, content = draw(CHANNELS), draw(CONTENTS)
    if channel == "app":
        fields = xmltodict.parse(message_from("app", "stranger", content if content.isprintable() else "1"))["xml"]
        for name in draw(ODD_XML_FIELDS):
            fields[name] = draw(ODD_XML_VALUES)
        fields["MsgType"] = draw(OTHER_TYPES)
        return channel, draw(DOCTYPES) + xmltodict.unparse({"xml": fields}, full_document=False)
    message = json.loads(message_from("robot", "stranger", content))
    for name in draw(ODD_JSON_FIELDS):
        message[name] = draw(ODD_JSON_VALUES)
    depth = draw(DEPTHS)
    return channel, json.dumps(message, ensure_ascii=False).replace(json.dumps(DEEP_VALUE), "[" * depth + "]" * depth)


@fuzz(300)
@given(case=odd_messages())
def run_odd_messages(edge, case):
    channel, plaintext = case
    response = edge.signed(channel, edge.seal(channel, plaintext))
    assert response.status_code == 200, response.data[:300]
    caller = edge.callers[channel]
    reply = (caller.open_xml_reply(response.data)["Content"] if channel == "app"
             else caller.open_json_reply(response.data)["stream"]["content"])
    assert reply == messages.UNKNOWN_USER
    # Remembered, so that WeCom's retry is answered the same; what a stranger types to the robot is audited.
    edge.expect(response, 200, InboundMessage=1, AuditEntry=1 if channel == "robot" else 0)


@pytest.mark.slow
def test_odd_but_well_formed_messages_from_a_stranger_get_the_polite_word(edge):
    run_odd_messages(edge)
    edge.healthy()

