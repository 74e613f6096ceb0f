"""同步通讯录: people from the WeCom directory (jobs/directory.py reads it; models/directory_sync.py decides)."""
from __future__ import annotations

from handlers import messages as m
from handlers.admin import GROUP, Call
from handlers.registry import ADMINS


@GROUP.command("同步通讯录", aliases=("sync-directory",), who=ADMINS)
def sync_directory_command(call: Call):
    """同步通讯录 — 从企业微信通讯录更新人员（姓名、按标签的角色、停用已离开者）；先私聊说明增改多少人，确认后执行
    例：同步通讯录"""
    if not call.confirmed:
        return call.background("jobs.directory.preview", m.DIRECTORY_READING)
    return call.background("jobs.directory.apply", m.DIRECTORY_SYNCING)
