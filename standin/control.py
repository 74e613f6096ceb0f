"""The stand-in's control API under /_standin/: members, what users do, what they were sent,
fault switches, counters. Calls that make a user act run the callback to the app before they
answer and return its result: {"status", "attempts", "reply", "error"}."""
from __future__ import annotations

import base64

from flask import Blueprint, Response, abort, current_app, jsonify, request

from standin.cards import ControlError
from standin.faults import FaultError

bp = Blueprint("standin_control", __name__, url_prefix="/_standin")

PHOTO = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==")
VOICE = b"#!AMR\n" + bytes(64)


def _state():
    return current_app.extensions["standin"]


def _callbacks():
    return current_app.extensions["standin_callbacks"]


def _base_url() -> str:
    return request.host_url.rstrip("/")


def _body() -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ControlError("expected a JSON object")
    return body


def _text(body: dict, name: str, default: str | None = None) -> str:
    value = body.get(name, default)
    if not isinstance(value, str) or (default is None and not value.strip()):
        raise ControlError(f"{name}: expected a non-empty string")
    return value


@bp.errorhandler(ControlError)
@bp.errorhandler(FaultError)
def _bad_request(error: Exception):
    return jsonify({"error": str(error)}), 400


@bp.post("/members")
def add_members():
    return jsonify({"members": _state().add_members(_body().get("userids"))})


@bp.get("/members")
def members():
    return jsonify({"members": _state().member_list()})


def _contact_event(fields: list) -> dict:
    """Deliver a directory edit's change_contact event to the app, as WeCom does (from "sys")."""
    return {"event": dict(fields), "callback": _callbacks().app_message("sys", fields)}


@bp.get("/directory")
def directory():
    return jsonify(_state().directory())


@bp.post("/directory/departments")
def put_department():
    return jsonify(_contact_event(_state().put_department(_body())))


@bp.delete("/directory/departments/<int:dept_id>")
def delete_department(dept_id: int):
    return jsonify(_contact_event(_state().delete_department(dept_id)))


@bp.post("/directory/people")
def put_person():
    return jsonify(_contact_event(_state().put_person(_body())))


@bp.delete("/directory/people/<userid>")
def delete_person(userid: str):
    return jsonify(_contact_event(_state().delete_person(userid)))


@bp.post("/directory/tags")
def put_tag():
    return jsonify(_contact_event(_state().put_tag(_body())))


@bp.post("/say")
def say():
    body = _body()
    userid = _state().member(body.get("userid"))
    fields = [("MsgType", "text"), ("Content", _text(body, "text")), ("MsgId", _state().next_msgid())]
    return jsonify(_callbacks().app_message(userid, fields))


@bp.post("/image")
def image():
    userid = _state().member(_body().get("userid"))
    media = _state().upload_media("image", "photo.png", PHOTO, "image/png")
    fields = [("MsgType", "image"), ("PicUrl", f"{_base_url()}/_standin/media/{media['media_id']}"),
              ("MediaId", media["media_id"]), ("MsgId", _state().next_msgid())]
    return jsonify(_callbacks().app_message(userid, fields))


@bp.post("/voice")
def voice():
    userid = _state().member(_body().get("userid"))
    media = _state().upload_media("voice", "voice.amr", VOICE, "audio/amr")
    fields = [("MsgType", "voice"), ("MediaId", media["media_id"]), ("Format", "amr"),
              ("MsgId", _state().next_msgid())]
    return jsonify(_callbacks().app_message(userid, fields))


@bp.post("/event")
def event():
    body = _body()
    userid = _state().member(body.get("userid"))
    name = _text(body, "event")
    if name == "template_card_event":
        raise ControlError("event: use POST /_standin/click for card buttons")
    fields = [("MsgType", "event"), ("Event", name), ("EventKey", _text(body, "key", ""))]
    return jsonify(_callbacks().app_message(userid, fields))


@bp.post("/click")
def click():
    body = _body()
    pressed = _state().prepare_click(body.get("userid"), _text(body, "task_id"), _text(body, "key"))
    fields = [("MsgType", "event"), ("Event", "template_card_event"), ("EventKey", pressed["key"]),
              ("TaskId", pressed["task_id"]), ("CardType", pressed["card_type"]),
              ("ResponseCode", pressed["response_code"])]
    return jsonify(_callbacks().app_message(pressed["userid"], fields, click=pressed))


@bp.post("/robot")
def robot():
    body = _body()
    userid = _state().member(body.get("userid"))
    chattype = _text(body, "chattype", "group")
    if chattype not in ("group", "single"):
        raise ControlError("chattype: expected 'group' or 'single'")
    chatid = _text(body, "chatid", "admin-group")
    return jsonify(_callbacks().robot_message(userid, _text(body, "text"), chatid, chattype, _base_url()))


@bp.get("/messages")
def messages():
    args = request.args
    try:
        after = int(args.get("after", 0))
        since_rev = int(args["since_rev"]) if "since_rev" in args else None
    except ValueError:
        raise ControlError("after and since_rev: expected integers") from None
    return jsonify(_state().messages(args.get("userid"), args.get("chatid"), after, since_rev))


@bp.post("/faults")
def set_faults():
    return jsonify(_state().set_faults(_body()))


@bp.delete("/faults")
def clear_faults():
    return jsonify(_state().clear_faults())


@bp.post("/reset")
def reset():
    _state().reset()
    return jsonify({"ok": True})


@bp.get("/stats")
def stats():
    return jsonify(_state().stats())


@bp.post("/expire_tokens")
def expire_tokens():
    return jsonify({"expired": _state().expire_tokens()})


@bp.get("/media/<media_id>")
def media(media_id: str):
    stored = _state().media_file(media_id)
    if stored is None:
        abort(404)
    return Response(stored["data"], content_type=stored["content_type"])
