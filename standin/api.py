"""WeCom's server API under /cgi-bin/: JSON answers with errcode, always HTTP 200, as WeCom does.

The fault switches act here: before a call (latency, injected errcode) and after it (the answer
held back longer than any caller waits, though the call was carried out).
"""
from __future__ import annotations

import json
from urllib.parse import quote

from flask import Blueprint, Response, current_app, jsonify, request

from standin.directory import APP, CONTACTS
from standin.rules import ApiError

bp = Blueprint("wecom_api", __name__, url_prefix="/cgi-bin")


def _state():
    return current_app.extensions["standin"]


@bp.before_request
def _faults_before():
    state = _state()
    latency, errcode = state.start_call(request.path)
    if latency:
        state.closing.wait(latency)
    if errcode is not None:
        return jsonify(ApiError(errcode, "injected by the stand-in").body())
    return None


@bp.after_request
def _faults_after(response):
    state = _state()
    hold = state.hold_answer(request.path)
    if hold:
        state.closing.wait(hold)
    return response


@bp.errorhandler(ApiError)
def _api_error(error: ApiError):
    return jsonify(error.body())


def _json_body() -> dict:
    try:
        body = json.loads(request.get_data() or b"null")
    except ValueError:
        raise ApiError(47001) from None
    if not isinstance(body, dict):
        raise ApiError(47001)
    return body


@bp.get("/gettoken")
def gettoken():
    token, expires_in = _state().issue_token(request.args.get("corpid", ""), request.args.get("corpsecret", ""))
    return jsonify({"errcode": 0, "errmsg": "ok", "access_token": token, "expires_in": expires_in})


@bp.post("/message/send")
def message_send():
    state = _state()
    state.check_token(request.args.get("access_token"))
    return jsonify(state.send(_json_body()))


@bp.post("/message/update_template_card")
def update_template_card():
    state = _state()
    state.check_token(request.args.get("access_token"))
    return jsonify(state.update_card(_json_body()))


@bp.post("/media/upload")
def media_upload():
    state = _state()
    state.check_token(request.args.get("access_token"))
    upload = request.files.get("media")
    if upload is None:
        raise ApiError(41005)
    data = upload.read()
    answer = state.upload_media(request.args.get("type", ""), upload.filename or "", data,
                                upload.mimetype or "application/octet-stream")
    return jsonify({"errcode": 0, "errmsg": "ok", **answer})


@bp.get("/media/get")
def media_get():
    state = _state()
    state.check_token(request.args.get("access_token"))
    stored = state.media_file(request.args.get("media_id", ""))
    if stored is None:
        raise ApiError(40007)
    return Response(stored["data"], content_type=stored["content_type"],
                    headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(stored['filename'])}"})


@bp.get("/auth/getuserinfo")
def auth_getuserinfo():
    """Who opened a page: the code the authorize page gave (standin/oauth.py)."""
    state = _state()
    state.check_token(request.args.get("access_token"))
    return jsonify(state.user_from_code(request.args.get("code")))


@bp.post("/webhook/send")
def webhook_send():
    return jsonify(_state().webhook_send(request.args.get("key"), _json_body()))


@bp.post("/aibot/response")
def aibot_response():
    return jsonify(_state().robot_response(request.args.get("response_code"), _json_body()))


# the directory (standin/directory.py): the app's token reads within its range, the 通讯录同步 one all

EITHER = (APP, CONTACTS)


@bp.get("/department/simplelist")
def department_simplelist():
    state = _state()
    state.check_token(request.args.get("access_token"), EITHER)
    wanted = request.args.get("id")
    dept_id = int(wanted) if wanted and wanted.isdigit() else None
    return jsonify({"errcode": 0, "errmsg": "ok", "department_id": state.department_simplelist(dept_id)})


@bp.post("/user/list_id")
def user_list_id():
    state = _state()
    state.check_token(request.args.get("access_token"), (CONTACTS,))
    body = _json_body()
    return jsonify({"errcode": 0, "errmsg": "ok", **state.user_list_id(str(body.get("cursor") or ""),
                                                                        body.get("limit"))})


@bp.get("/user/get")
def user_get():
    state = _state()
    kind = state.check_token(request.args.get("access_token"), EITHER)
    return jsonify({"errcode": 0, "errmsg": "ok", **state.user_get(request.args.get("userid", ""), kind)})


@bp.get("/tag/list")
def tag_list():
    state = _state()
    state.check_token(request.args.get("access_token"), EITHER)
    return jsonify({"errcode": 0, "errmsg": "ok", "taglist": state.tag_list()})


@bp.get("/tag/get")
def tag_get():
    state = _state()
    state.check_token(request.args.get("access_token"), EITHER)
    return jsonify({"errcode": 0, "errmsg": "ok", **state.tag_get(request.args.get("tagid"))})
