"""通报 and 述职 in the admins' chats (issue 22, point 5): the bulletin of a month, quarter, half or year
as a Word document, and the year-end 述职评议 workbook, each made by a job (jobs.admin.bulletin,
jobs.admin.year_review) and sent to the asker's 1:1 chat. They message the asker alone: no 确认.
The period is checked here, so that a wrong or empty one is one line and no job is queued."""
from __future__ import annotations

from handlers import messages as m, reviews
from handlers.admin import GROUP, Call
from handlers.errors import Refusal
from handlers.registry import ADMINS
from models.reviews import orgs_reporting


@GROUP.command("通报", aliases=("bulletin",), who=ADMINS)
def bulletin_command(call: Call):
    """通报 [半年 或 季度 或 年份 或 月份] — 生成党建月报工作情况通报（Word），私聊发给您；默认本半年
    例：通报 2026H2　或　通报 2026Q4、通报 2026、通报 2026-12"""
    this = call.ctx.clock.period()
    word = call.args or f"{this[:4]}H{1 if this[5:] <= '06' else 2}"
    span, _ = reviews.checked(word, this)       # a wrong or empty period: one line, no job
    return call.background("jobs.admin.bulletin", m.BULLETIN_COMING.format(what=span.label), word=word)


@GROUP.command("述职", aliases=("review",), who=ADMINS)
def year_review_command(call: Call):
    """述职 [年份] — 生成年度述职评议表（Excel：汇总及每个组织一页），私聊发给您；默认今年
    例：述职 2026"""
    year = reviews.year_of(call.args or call.ctx.clock.period()[:4], call.ctx.clock.period())
    if not orgs_reporting(year):
        raise Refusal(m.REVIEW_NOTHING.format(what=f"{year}年"))
    return call.background("jobs.admin.year_review", m.YEAR_REVIEW_COMING.format(year=year), year=year)
