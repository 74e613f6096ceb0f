"""Every text a person can see, and the words of the four answers. Short: it is read on a phone."""
from __future__ import annotations

from dataclasses import dataclass

from models.comments import KIND_LABELS as COMMENT_KIND_LABELS
from models.directory import CATEGORIES, TaskStatus
from models.rectifications import SOURCES, STATE_LABELS as RECT_STATE_LABELS
from models.report import EntryStatus, FeedbackKind, ReportStatus
from models.schedule import MonthStep
from models.seen import SeenState
from models.stats import OrgState


@dataclass(frozen=True)
class Choice:
    """One of the four answers to an item as a person sees it: its digit, label, other words, mark."""

    status: EntryStatus
    number: str
    label: str
    words: tuple[str, ...]
    mark: str


CHOICES = (
    Choice(EntryStatus.DONE, "1", "已完成", ("完成",), "✅"),
    Choice(EntryStatus.IN_PROGRESS, "2", "推进中", (), "🔄"),
    Choice(EntryStatus.NOT_APPLICABLE, "3", "不涉及", (), "➖"),
    Choice(EntryStatus.DEFERRED, "4", "顺延下月", ("顺延",), "⏭"),
)
STATUS_LABELS = {c.status: c.label for c in CHOICES} | {EntryStatus.NOT_DONE: "未完成"}
MARKS = {c.status: c.mark for c in CHOICES} | {EntryStatus.NOT_DONE: "❌", None: "⬜"}
ANSWER_WORDS = {word: c.status for c in CHOICES for word in (c.number, c.label, *c.words)}
CHOICE_LINE = " · ".join(f"{c.number} {c.label}" for c in CHOICES)
UNITS = ("次", "学时", "小时")            # what may follow a number: "2次", "8学时"
UNANSWERED = "未答"

# Everyone
UNKNOWN_USER = "您好！您还不在党建月报名单中，暂时无法使用。如需开通，请联系党委办公室。"
APOLOGY = "抱歉，系统出了点问题，已记录，请稍后再试。"
LATER = "消息已收到，系统正忙，稍后回复您。"
JOB_NOT_STARTED = "抱歉，任务未能开始（后台服务暂时不可用），请稍后再试。"
ADMIN_ONLY = "该命令仅限管理员使用。"
UNKNOWN_COMMAND = "没有“{name}”这个命令。"
DID_YOU_MEAN = "您是不是要找：{suggestion}？"
GROUP_HELP_HEADER = "可用命令（在群里 @我 + 命令）："
CHAT_COMMANDS_HEADER = "可用命令（直接发给我）："
SEE_HELP = "发“帮助”看可用命令。"
CHAT_HELP_HEADER = "可用指令："

# Dates and names
MONTH = "{year}年{month}月"
DAY = "{month}月{day}日"
MONTH_END = "月底"
SHORT_CATEGORY = {
    "落实主体责任": "主体责任", "加强理论学习": "理论学习", "思想政治建设": "思想政治",
    "基层组织建设": "组织建设", "党员发展与教育": "党员教育", "党建带群团建设": "群团建设",
    "保障体系建设": "保障体系", "安全工作": "安全工作", "离退休工作": "离退休工作",
}
WINDOW_LABELS = {"monthly": "本月", "quarterly": "本季度", "half_yearly": "本半年", "yearly": "本年"}

# The card of publish day
PAGE_KEY = "网页"              # the row of a card that links to its page
PAGE_LINK = "在网页中查看"
NOTICE_TITLE = "{month}党建月报已发布"
NOTICE_DESCRIPTION = "规定动作 {actions} 项 · 月度任务 {tasks} 项 · 顺延 {carried} 项 · 截止 {deadline}"
NOTICE_SUBTITLE = "点“开始填报”逐项回答，随时可暂停，换设备也能接着填。"
NOTICE_START = "开始填报"
NOTICE_LIST = "查看清单"

# An item
ITEM_TITLE = "第 {position}/{count} 项 · {kind}"
ITEM_SUBTITLE = "回复 " + CHOICE_LINE
ITEM_SUBTITLE_COUNTED = ITEM_SUBTITLE + "；有数量一起回，如“1 2”＝已完成 2 {unit}"
TASK_KIND = "月度任务"
TASK_KIND_OF = "月度任务 · {department}"
ITEM_DUE = "截止 {day}"
CARRIED_OVER = "【顺延】"
ITEM_NOW = "当前"
ITEM_TALLY = "进度"
TALLY = "{window}已完成 {total}/{target} {unit}"
TALLY_WINDOW = "本期"

# Progress, summary, calendar
PROGRESS = "已答 {answered}/{count} 项"
PROGRESS_LEFT = "未答 {count} 项：第 {positions} 项"
PROGRESS_NOT_DONE = "未完成 {count} 项：第 {positions} 项（提交时未答）"
SUMMARY_TITLE = "{month}月报小结"
SUMMARY_MORE = "… 另有 {count} 项"
SUMMARY_CARRIED = "上月顺延 {count} 项"
SUMMARY_FEEDBACK = "亮点/困难/建议 {count} 条"
CALENDAR_TITLE = "{month}我的月历（{state}）"
STATE_OPEN = "填报中"
STATE_SUBMITTED = "已提交"
STATE_MISSED = "已截止，未提交"
STATE_NOT_STARTED = "未开始"
ORG_STATES = {OrgState.SUBMITTED: STATE_SUBMITTED, OrgState.IN_PROGRESS: STATE_OPEN,
              OrgState.NOT_STARTED: STATE_NOT_STARTED, OrgState.MISSING: "未报"}     # a report's state, everywhere
SEEN_STATES = {SeenState.UNSEEN: "未查看", SeenState.SEEN: "已查看未提交", SeenState.SUBMITTED: STATE_SUBMITTED}
SEEN_LINE = "未查看 {unseen} · 已查看未提交 {seen} · 已提交 {submitted}"     # 进度, 工作台, 统计

# Reminders to those who have not submitted: remind (提醒), urge (催告), supervise (督办)
NUDGE_TITLES = {
    MonthStep.REMIND: "{month}党建月报 · 提醒", MonthStep.URGE: "{month}党建月报 · 催告",
    MonthStep.SUPERVISE: "{month}党建月报 · 督办",
}
NUDGE_DESCRIPTIONS = {
    MonthStep.REMIND: "还有 {left} 项未答，请于 {deadline} 前提交（{close} 关闭填报）。",
    MonthStep.URGE: "已过截止日 {deadline}，还有 {left} 项未答，请尽快提交；{close} 关闭后记为未报。",
    MonthStep.SUPERVISE: "仍未提交（截止日 {deadline}），还有 {left} 项未答；{close} 关闭后记为未报。",
}
NUDGE_BUTTON = "继续填报"
URGE_LIAISON = "{month}月报催告：您联系的以下组织尚未提交（截止日 {deadline}，{close} 关闭填报）：\n{orgs}"
SUPERVISE = "{month}月报督办：截止日 {deadline} 仍有 {count} 个组织未提交，{close} 关闭填报后记为未报。\n{areas}"
SUPERVISE_FEEDBACK = "部门反馈待回复超过 {days} 天：{departments}"
FEEDBACK_DUE_DAYS = 10
AREA_LINE = "【{area}】{orgs}"
NO_AREA = "未分片区"
ORG_LEFT = "{name}（{left} 项）"
ORGS_MORE = "… 共 {count} 个"

# To the admins
PREVIEW = "发布预告：{month}月报将于 {day} 发给 {orgs} 个组织。\n{types}\n本月任务 {count} 项：{tasks}"
PREVIEW_TYPE = "{type} {orgs} 个，每个 {items} 项"
PREVIEW_NO_TASKS = "⚠ 本月还没有月度任务，请在发布前导入。"
PREVIEW_PENDING = "⚠ 部门提交待审核 {count} 项（通过后才会发布，发“任务 通过 编号”）：{tasks}"
PUBLISHED_NOTICE = "{month}月报已发布：{orgs} 个组织，{cards} 张卡片，截止 {deadline}。"
CLOSED_NOTICE = "{month}月报已截止：已提交 {submitted} 个（其中逾期 {late} 个），未报 {missing} 个。"
PUBLISH_CLOSED = "{period} 已截止，不能再发布。"
CLOSE_UNPUBLISHED = "{period} 从未发布，无需截止。"
NUDGE_NOT_OPEN = "{period} 未发布或已截止，不能提醒。"
PUBLISH_OUT_OF_RANGE = "只能发布本月（{this}）或下月（{next}），{period} 需加“强制”。"
UNKNOWN_RECIPIENT = "企业微信中没有账号 {userid}，发给他的消息未能送达。请核对通讯录后重新导入。"

# The check-in
NO_REPORT = "本月月报尚未发布，发布后会通知您。"
NOT_A_SECRETARY = "您好，{name}！月报由各组织书记或代填人填写。"
GREETING = "您好，{name}！{month}月报：{progress}。{next}"
GREETING_NEXT = "发“继续”接着填。"
GREETING_SUBMITTED = "已提交，{until}前可发“改 N”修改。"
GREETING_CLOSED = "已截止，发“我的月历”查看。"
MONTH_CLOSED = "{month}月报已截止，只能查看。发“我的月历”看填报情况。"
CARD_OUTDATED = "这张卡片已过期。请点最新的一张，或发“继续”。"
CARD_CHOSEN = "已选择：{label}"
CARD_EXPIRED = "已过期"
CARD_CLOSED = "已截止"
CARD_SUBMITTED = "已提交"
HINT_CHOICE = "请回复 1-4：" + CHOICE_LINE + "（第 {position} 项：{title}）。发“帮助”看更多。"
HINT_NUMBER_RANGE = "没有选项 {number}。"
HINT_EMPTY = "没有收到内容。"
HINT_TOO_LONG = "内容太长了（最多 {limit} 字），请精简后再发。"
HINT_UNSUPPORTED = "暂不支持这类消息，请发文字或数字。"
HINT_PHOTO_FIRST = "请先回答本项，再发照片作为佐证。"
NOT_HERE = "现在用不上“{name}”。"
UNDO_HINT = "发“撤销”可撤回。"
NOTE_ADDED = "已记为第 {position} 项的备注：「{text}」。" + UNDO_HINT
ACK = "好的。"
ASK_HELP = "有疑问可发“帮助”看说明，或联系党委办公室。"
UNCLEAR = "没看懂“{text}”。"
UNCLEAR_ITEM = "要改第 {position} 项，请发“第{position}项改成推进中”这样，或发“改 {position}”。"
NOT_YET = "第 {position} 项还没做：本月还要做请回复 2 推进中，下月再做请回复 4 顺延。"
NOTE_WHERE = "这段话记在哪一项？请先回答本项；要写备注请发“第N项备注：……”。"
PHOTO_ADDED = "已为第 {position} 项添加照片。"
ASK_REASON = "第 {position} 项选择了“不涉及”，请简要说明原因："
ASK_AMOUNT = "第 {position} 项本月完成多少{unit}？请回复数字。{tally}"
DEFAULT_UNIT = "次"
HINT_AMOUNT = "请回复 0 到 {limit} 之间的整数，例如 2。"
FOLLOW_UP_REASON = "原因"
FOLLOW_UP_AMOUNT = "数量"
FOLLOW_UP_LEFT = "第 {position} 项已记为“{label}”，{what}可稍后发“改 {position}”补上。"
FEEDBACK_PROMPTS = {
    FeedbackKind.HIGHLIGHT: "请填写本月履职亮点，可发多条；没有请发“无”。",
    FeedbackKind.DIFFICULTY: "本月遇到哪些困难？可发多条；没有请发“无”。",
    FeedbackKind.SUGGESTION: "对党委或各部门有何意见建议？可发多条；没有请发“无”。",
}
FEEDBACK_MORE = "还有吗？没有请发“无”。"
FEEDBACK_SAVED = "已记为{kind}：「{text}」。" + UNDO_HINT + "还有吗？没有请发“无”。"
FEEDBACK_TOO_SHORT = "内容太短，请写具体一些；没有请发“无”。"
ASK_DEPARTMENT = "已记为{kind}：「{text}」。希望转给哪个部门？\n{choices}\n0 不指定"
HINT_DEPARTMENT = "请回复部门编号或名称（0 不指定）。"
DEPARTMENT_SET = "已转给{department}。" + UNDO_HINT + "还有吗？没有请发“无”。"
SUMMARY_ACTIONS = "发“提交”提交月报，发“改 N”修改第 N 项。"
CONFIRM_SUBMIT = "还有 {count} 项未答（第 {positions} 项），提交后记为“未完成”。确认提交请再发“提交”，发“继续”接着填。"
JUST_SUBMITTED = "✅ {month}月报已提交{late}。{until}前可发“改 N”修改。"
LATE = "（逾期提交）"
ALREADY_SUBMITTED = "{month}月报已提交。{until}前可发“改 N”修改。"
ASK_WHICH_ITEM = "要修改第几项？请回复 1-{count}。"
CHANGED = "已修改第 {position} 项：{label}。"
EDIT_CANCELLED = "第 {position} 项未修改。"
NO_SUCH_ITEM = "没有第 {position} 项（共 {count} 项）。"
PAUSED = "已暂停。随时发“继续”接着填，换手机也可以。"
PAUSED_HINT = "月报已暂停，发“继续”接着填。"
CANCELLED = "已取消。"
ITEM_SKIPPED = "已跳过第 {position} 项，可稍后发“改 {position}”补填。"
KEPT = "第 {position} 项保持“{label}”。"
UNDONE_ENTRY = "已撤销：第 {position} 项现为“{label}”{note}。"
UNDONE_NOTE = "，备注「{text}」"
UNDONE_FEEDBACK = "已撤销{kind}：「{text}」。"
NOTHING_TO_UNDO = "没有可撤销的修改。"
UNDO_STALE = "第 {position} 项之后又被修改过，不能撤销；可发“改 {position}”修改。"
UNDO_ANSWERED = "这条{kind}部门已处理，不能撤销。"
FEEDBACK_WITHDRAWN = "{org}{name}撤回了一条{kind}：「{text}」，无需再处理。"

# Admin commands
HELP_MORE = "发“帮助 命令”看用法和例子。"
NOT_ALLOWED = "“{command}”仅限党委办公室管理员使用，如需要请联系：{admins}。"
NOT_ALLOWED_DEPARTMENTS = "“{command}”仅限党委办公室管理员和部门联络人使用，如需要请联系：{admins}。"
NO_ADMINS = "党委办公室"
BAD_MONTH = "“{word}”不是月份，请写成 2026-12 这样。"
NEED_MONTH = "请写明月份，如 2026-12。"
REST_IN_CHAT = "（内容较长，全文已私聊发给您）"
RESULT_IN_CHAT = "完成后私聊发给您。"
PUBLISHING = "正在发布{month}月报，"
UNPUBLISHING = "正在撤回{month}月报，"
CHART_COMING = "图表稍后"
EXPORTING = "正在生成{what}，"
STATUS_NONE = "{month}尚未发布。"
STATUS_NO_SUCH_GROUP = "没有片区或类型“{name}”。"
STATUS_HEAD = ("{month}进度{scope}：已提交 {submitted}/{orgs}（{share}，其中逾期 {late}）；填报中 {in_progress}，"
               "未开始 {not_started}，未报 {missing}；已过截止日未提交 {overdue}")
STATUS_BY_AREA = "按片区："
STATUS_BY_TYPE = "按类型："
STATUS_GROUP = "{name} {submitted}/{orgs}"
STATUS_LEFT = "未提交（{count}）：{names}"
STATUS_LEFT_MORE = " 等，另有 {count} 个（全部名单见工作台或导出）"
STATUS_UNSEEN = "未查看（{count}）：{names}"
STATUS_TASKS_HEAD = "{department}的月度任务（{month}）："
STATUS_NO_TASKS = "{month}没有{department}的月度任务。"
STATUS_NOT_YET = "尚无回答"
NO_SUCH_ORGS = "没有这些组织编号：{codes}。"
NO_SUCH_ORG = "没有找到组织“{name}”，请写编号（如 XY01）或全名。"
NEED_ORG = "请写组织编号或名称，如 XY01。"
REMINDED = "已提醒 {people} 人（{orgs} 个组织）；今天已提醒过的 {already} 人不再重复。"
REMIND_PLAN = ("将提醒{month}未提交的 {orgs} 个组织的 {people} 人，确认后立即发出"
               "（今天已提醒过的 {already} 人不再重复）。")
NUDGE_SUBMITTED = "{code} 已提交，无需催办。"
NUDGE_NO_REPORT = "{code} 没有{month}的月报，无需催办。"
NUDGE_NOBODY = "{code} 没有书记或代填人，无法催办。"
NUDGE_ALREADY = "{code} 今天已提醒过，明天可再催办。"
NUDGE_ALL_SUBMITTED = "{month}各组织都已提交，无需催办。"
NUDGE_ALL_ALREADY = "未提交的 {orgs} 个组织今天都已提醒过（{people} 人），明天可再催办。"
PUBLISH_PLAN = "将发布{month}月报：{orgs} 个组织的 {people} 人各收到一张卡片（月度任务 {tasks} 项），确认后立即发出。"
PUBLISH_AGAIN_PLAN = "{month}已发布：将补发 {people} 人的卡片（{orgs} 个组织），确认后立即发出。"
PUBLISH_NOTHING_LEFT = "{month}已发布，每人都已收到卡片，无需再发布。"
PUBLISH_NO_TASKS = "⚠️ {month}还没有月度任务（月度任务 0 项），各组织只会收到基础固定动作。"
PUBLISH_PENDING_TASKS = "⚠️ 部门提交的 {count} 项任务还待审核，不会发布（发“任务”查看，“任务 通过 编号”通过）。"
UNPUBLISH_PLAN = ("将撤回{month}月报：删除 {reports} 份月报；{people} 人已收到的卡片标为“已撤回”，"
                  "并各收到一条撤回通知，确认后立即发出。")
CLOSE_PLAN = "将截止{month}：{orgs} 个未提交的组织记为未报，月报变为只读；管理员收到截止通知，不发消息给组织。"
STEP_PLAN = "将{step}{month}未提交的 {orgs} 个组织：共 {messages} 条消息，确认后立即发出。"
CONFIRM_ASK = "发“确认”执行（{minutes} 分钟内有效），发其他内容即取消。"
CONFIRM_CANCELLED = "已取消：{command}"
CONFIRM_NOTHING = "没有待确认的操作。"
CONFIRM_EXPIRED = "“{command}”已超过确认时限，没有执行。请重新发送命令。"
WITHDRAWN_NOTE = "{month}月报已撤回，请不要再填报；重新发布时会再通知您。"
UNPUBLISH_NOT_PUBLISHED = "{month}没有在发布中，无需撤回。"
UNPUBLISH_STARTED = "{month}已有 {orgs} 个组织开始填报、{feedback} 条反馈，不能撤回。"
UNPUBLISH_TOO_LATE = "{month}已有人开始填报，不能撤回。"
ITEMS_TASKS = "{month}月度任务 {count} 项："
ITEMS_HEAD = "{org}（{code}）{month}的事项：类型 {type}，标签 {tags}"
NO_TAGS = "无"
APPLIES_TO = "适用："
ITEM_WHY_CARRIED = "上月顺延"
ITEM_WHY_TASK = "月度任务 {department}"
ITEM_WHY_ACTION = "规定动作 {frequency}"
ITEM_WHY_TALLY = "已完成 {done}/{target} {unit}"
FREQUENCY_LABELS = {"monthly": "每月", "quarterly": "每季度", "half_yearly": "每半年", "yearly": "每年"}
ORG_NO_REPORT = "{month}还没有月报。"
ORG_MONTH = "{month}（{state}）："
NOTE = "备注："
REASON_LABEL = "原因："
EVIDENCE = "照片 {count}"
ORG_YEAR = "全年："
ORG_PART_THREE = "亮点、困难和建议 {count} 条："
ORG_NO_PART_THREE = "亮点、困难和建议：无"
ORG_WRITTEN = "【{kind}】{text}"
FEEDBACK_WAITING = "待回复"
FEEDBACK_NEED_ID = "请写反馈的编号（#后的数字）：反馈 回复 12 内容，或 反馈 已知悉 12。"
FEEDBACK_NOT_FOUND = "没有您可回复的反馈 #{id}。"
FEEDBACK_ALREADY = "反馈 #{id} 已经回复或已知悉。"
FEEDBACK_ACKNOWLEDGED_NOW = "已标记为已知悉，书记会收到通知。"
YEAR_MARKS = {ReportStatus.OPEN: "…", ReportStatus.SUBMITTED: "✅", ReportStatus.MISSING: "❌", "late": "⏰"}
TASKS_HEAD = "{month}月度任务 {count} 项："
TASKS_NONE = "（还没有）"
TASKS_PUBLISHED = "{month}已发布，任务不能再改。"
TASK_ADDED = "已添加{month}任务：{line}"
TASK_REMOVED = "已删除{month}任务 {code}。"
TASK_NEED_TITLE = "请写任务标题：任务 add 标题|部门|截止日期|适用类型"
TASK_NEED_CODE = "请写要删除的任务编号，如 T3。"
TASK_BAD_ACTION = "“{action}”不是 list / add / 修改 / 删除 / 通过 / 退回。"
TASK_NEED_FIELDS = "请写要改的内容：任务 修改 T3 标题|部门|截止日期|适用类型（空着的不变）"
TASK_NEED_REASON = "请写退回的原因：任务 退回 T3 原因"
TASK_EDITED = "已修改{month}任务：{line}"
TASK_RAISED = "已提交{month}任务，待党委办公室审核：{line}"
TASK_APPROVED = "已通过{month}任务：{line}"
TASK_REJECTED = "已退回{month}任务：{line}"
TASK_STATUS_LABELS = {TaskStatus.PENDING: "待审核", TaskStatus.APPROVED: "已通过", TaskStatus.REJECTED: "已退回"}
TASK_REVIEW_ADMINS = "任务由党委办公室管理员审核。"
TASK_NOT_YOURS = "{code} 不是本部门的任务。"
TASK_OWN_DEPARTMENT = "只能提交本部门（{department}）的任务。"
TASK_NOT_PENDING = "{code} 不是待审核的任务（现为{status}）。"
TASK_DEPARTMENTS_ONLY = "月度任务的进度和修改仅限党委办公室和部门联络人。"
TASK_PROGRESS_HEAD = "{code} {title}（{department} · {month}）："
TASK_PROGRESS_NONE = "还没有组织收到这项任务（月报发布后才有回答）。"
EXPORT_TASKS_WHAT = "{month}{what}任务进度"
TASKS_PREVIEWED = "{month}的发布预告已发出，任务不能再改，请联系党委办公室。"
TASK_TOLD_APPROVED = "您提交的{month}任务 {code} {title} 已审核通过，将随月报发布。"
TASK_TOLD_REJECTED = "您提交的{month}任务 {code} {title} 被退回：{reason}。可修改后重新提交。"
TASK_TOLD_EDITED = "党委办公室修改了您提交的{month}任务：{line}"
TASK_TOLD_REMOVED = "党委办公室删除了您提交的{month}任务 {code} {title}。"
NO_SUCH_TASK = "{month}没有任务 {code}。"
NO_SUCH_DEPARTMENT = "没有部门“{name}”。"
BAD_DATE = "“{text}”不是日期，请写成 2027-01-20 这样。"
FEEDBACK_KIND_LABELS = {FeedbackKind.HIGHLIGHT: "亮点", FeedbackKind.DIFFICULTY: "困难",
                        FeedbackKind.SUGGESTION: "建议"}
FEEDBACK_NONE = "没有需要看的困难和建议。"
FEEDBACK_HEAD = "困难和建议 {count} 条，待回复 {open} 条："
FEEDBACK_LINE = "#{id}【{kind}】{org} → {to}（{day}）：{text}"
NO_DEPARTMENT = "未指定部门"
FEEDBACK_ANSWERED = "↳ 已回复：{text}"
FEEDBACK_ACKNOWLEDGED = "↳ 已知悉"
FEEDBACK_OPEN = "↳ 待回复（{days} 天）"
FEEDBACK_OPEN_LONG = "↳ ⚠ 待回复已 {days} 天"
STATS_NOTHING = "{what}还没有可统计的月报。"
STATS_MONTH = "{month}：{orgs} 个组织，已提交 {submitted}（{share}，其中逾期 {late}），未提交 {missing}。"
STATS_SEEN = "查看情况：{line}。"
STATS_SHARES = "适用事项平均完成率 {average}；完成四分之三以上的组织 {done}/{orgs}；顺延 {deferred} 项。"
STATS_TASKS = "{orgs} 个组织中，{over} 个完成了 {tasks} 项月度任务中的 {threshold} 项以上，占 {share}。"
STATS_NO_TASKS = "本月没有月度任务。"
STATS_CATEGORIES = "按类别完成率："
STATS_LEFT = "最常顺延或未完成："
STATS_TARGET = "{title}：{reached}/{orgs} 个组织已达目标 {target}"
STATS_CONTENTS = "根据{months}的月报情况统计，反馈的{contents}项内容中，{kinds}。"
STATS_CONTENT_KIND = "{label}{count}项，占{share}"
CONTENT_KIND_LABELS = {FeedbackKind.HIGHLIGHT: "履职亮点", FeedbackKind.DIFFICULTY: "反映困难",
                       FeedbackKind.SUGGESTION: "意见建议"}
STATS_NO_CONTENTS = "{months}的月报没有填写任何内容。"
STATS_MONTHS_COUNT = "{count}个月"
COUNT_WORDS = ("一", "两", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二")
STATS_ANSWERS = "困难和建议：部门已回复 {answered}，待回复 {open}。"
STATS_BY_DEPARTMENT = "按部门："
STATS_DEPARTMENT = "{name} 已回复 {answered} · 待回复 {open}"
STATS_WINDOW = "{what}统计（逐月）："
STATS_WINDOW_MONTH = ("{month} 已提交 {submitted}/{orgs}（{share}）· 平均完成率 {average} · "
                      "任务达标 {over}（共 {tasks} 项）")
WINDOW_YEAR = "{year}年"
WINDOW_HALVES = ("{year}年上半年", "{year}年下半年")
WINDOW_QUARTER = "{year}年第{number}季度"
WINDOW_RANGE = "{first}至{last}"
WINDOW_SAME_YEAR = "{month}月"
BAD_WINDOW = "“{word}”不是月份或时段，请写成 2026-12、2026-10..2026-12、2026Q4、2026H2、2026 或 近三个月。"
STATS_TREND = "各组织走势（首月到末月完成率）："
STATS_TREND_COUNTS = "上升 {up}，下降 {down}，持平 {same}"

# Feedback to departments
FEEDBACK_CARD_TITLE = "【{kind}】{org} · {month}"
FEEDBACK_REPLY = "回复"
FEEDBACK_CARD_WRITER = "{name} 填写"
OFFICE = "党委办公室"
FEEDBACK_ACK = "已知悉"
FEEDBACK_ACK_DONE = "已知悉"
FEEDBACK_ASK_REPLY = "请写回复（发“取消”放弃）：{text}"
FEEDBACK_REPLIED = "已回复，书记会收到。"
FEEDBACK_REPLIED_CARD = "已回复"
FEEDBACK_TOLD_REPLY = "{department}回复了您反映的“{text}”：{answer}"
FEEDBACK_TOLD_ACK = "{department}已知悉您反映的“{text}”。"
DESK_GREETING = "您好，{name}！发“帮助”看可用命令。"
DESK_HELP = "发“帮助”看管理命令。"
REPORT_CHANGED = "{name}修改了您已提交的{month}月报第 {position} 项：{label}。"

# Exports and charts
EXPORT_ALL = "全部"
EXPORT_SUMMARY = "汇总"
EXPORT_PART_THREE = "亮点困难建议"
EXPORT_COMMENTS = "点评"
EXPORT_PROGRESS = "进度"
EXPORT_STATS = "统计"
EXPORT_YES = "是"
EXPORT_FILE_MONTH = "{month}月报{org}.xlsx"
EXPORT_FILE_YEAR = "{year}年度工作一览表{org}.xlsx"
EXPORT_FILE_TASKS = "{month}任务进度{org}.xlsx"
EXPORT_READY = "{name} 已生成（{rows} 行），请查收文件。"
CHART_FILE = "{what}统计图.png"
CHART_READY = "{what}统计图："
CHART_TITLE_MONTH = "{month} 各片区提交与完成率"
CHART_TITLE_YEAR = "{year}年 逐月提交与完成率"
CHART_ORGS = "组织数"
CHART_SUBMITTED = "已提交"
CHART_SHARE = "平均完成率（%）"
STEP_DONE = "{month}{step}完成：{counts}。"
STEP_SKIPPED = "{month}{step}未执行：{reason}"
STEP_FAILED = "抱歉，{month}{step}没有完成，已记录，请稍后再试。"
STEP_NAMES = {MonthStep.PREVIEW: "发布预告", MonthStep.PUBLISH: "发布", MonthStep.REMIND: "提醒",
              MonthStep.URGE: "催告", MonthStep.SUPERVISE: "督办", MonthStep.CLOSE: "截止"}
COUNT_NAMES = {"reports": "组织", "new_reports": "新建月报", "cards": "卡片", "orgs": "组织", "messages": "消息",
               "queued": "新发出", "missing": "未报", "submitted": "已提交", "late": "逾期", "tasks": "任务",
               "notices": "通知", "sms": "短信"}
UNPUBLISHED = "{month}月报已撤回：删除 {reports} 份月报，{cards} 张卡片标为已撤回。"
UNPUBLISHED_NOTICE = "{month}月报已由 {who} 撤回。"
CARD_WITHDRAWN = "已撤回"
NOT_ADMIN_GROUP = "抱歉，本群不能使用月报管理命令。请在党委办公室的管理群里 @我，或与我私聊。"
NO_ADMIN_GROUP_YET = ("还没有设定管理群。本群的 chatid 是 {chat_id}：写入配置 [admin_group] chat_id 后，"
                      "本群即可使用管理命令。")
AUDIT_HEAD = "最近 {count} 条管理命令（新的在前）："
AUDIT_NONE = "暂无记录。"
AUDIT_OUTCOMES = {"ok": "完成", "refused": "拒绝", "unknown": "未知命令", "usage": "用法有误", "failed": "失败",
                  "asked": "待确认", "cancelled": "已取消", "expired": "确认超时"}
AUDIT_PLACES = {"robot": "机器人私聊", "app": "应用私聊", "h5": "工作台"}
AUDIT_GROUP_PLACE = "群聊"

# 个性指标 (自选): an organisation's own items, proposed by it, approved by the office
OWN_KIND = "个性 · {category}"                 # an own item's kind on its card and page (the others are 共性)
OWN_MARK = "【个性】"                           # before an own item's name in the exports and the year overview
OWN_STATES = {"proposed": "待审核", "approved": "已通过", "returned": "已退回"}
OWN_HEAD = "个性指标（{org}）："
OWN_NONE = "个性指标（{org}）：暂无。"
OWN_LINE = "{number}. {title}（{category} · {frequency}）{state}"
OWN_HOW = ("提出：自选 添加 名称|类别|频次或年度目标|理由\n"
           "例：自选 添加 红色研学|党员发展与教育|每季度1次|结合本院红色资源")
OWN_DETAIL = "个性指标 {number}：{title}\n{category} · {frequency} · {state}{answer}\n理由：{why}"
OWN_ANSWER = "（{reason}）"
OWN_PROPOSED = "已提出个性指标 {number}：{title}（{category} · {frequency}），待党委办公室审核，结果会通知您。"
OWN_ONLY_ADMINS = "个性指标由党委办公室审核。" + "本组织可以提出：自选 添加 …"
OWN_NOT_YOURS = "个性指标 {number} 不是本组织的。"
OWN_PROBLEMS = {
    "no title": "请写上指标名称。" + OWN_HOW,
    "title too long": "名称请不超过 40 字。",
    "bad category": "类别请写：" + "、".join(CATEGORIES) + "。",
    "no frequency": "请写明频次或年度目标：每月、每季度、每半年、每年，或如“每年4次”。",
    "why too long": "理由请不超过 200 字。",
    "duplicate": "本组织已有同名的个性指标 {number}（{state}）。",
    "unknown number": "没有编号为 {number} 的个性指标。",
    "not waiting": "个性指标 {number} {state}，不能再审核。",
    "no reason": "请写明退回原因：自选 退回 {number} 原因",
}
OWN_WAITING_HEAD = "待审核的个性指标 {count} 条："
OWN_WAITING_NONE = "待审核的个性指标：无。"
OWN_WAITING_LINE = "{number}. {org}（{code}）：{title} · {category} · {frequency}{why}"
OWN_DECIDE_HOW = "通过：自选 通过 编号；退回：自选 退回 编号 原因"
OWN_APPROVED = "已通过个性指标 {number}：{org} · {title}，从下次发布的月报起列入该组织的事项。"
OWN_RETURNED = "已退回个性指标 {number}：{org} · {title}，已通知提出人。"
OWN_TOLD_APPROVED = "您提出的个性指标“{title}”已通过，从下次发布的月报起列入本组织的事项。"
OWN_TOLD_RETURNED = "您提出的个性指标“{title}”被退回：{reason}。修改后可重新提出。"

# 整改清单 (整改): problems found in an organisation, rectified, checked and closed
RECT_STATES = RECT_STATE_LABELS
RECT_MOVES = {"create": "列入整改", "progress": "进展", "submit": "报请验收", "accept": "销号",
              "send_back": "退回", "reopen": "重开", "evidence": "佐证照片", "withdraw": "撤回上一条"}
RECT_OVERDUE = "【逾期】"
RECT_LINE = "{overdue}{code} {org} · {source} · {problem} · {state} · 时限{deadline}"
RECT_ORG_LINE = "{overdue}{code} {source} · {problem} · {state} · 时限{deadline}"
RECT_HEAD = "整改清单 {count} 条（逾期 {overdue} 条）："
RECT_AREA_HEAD = "整改清单 · {area} {count} 条（逾期 {overdue} 条）："
RECT_NONE = "整改清单：暂无。"
RECT_ORG_HEAD = "整改清单（{org}）："
RECT_ORG_NONE = "整改清单（{org}）：暂无未销号的整改事项。"
RECT_ORG_HOW = "报告进展：整改 编号 进展 内容；完成后：整改 编号 已完成 佐证材料说明"
RECT_ADMIN_HOW = "查看：整改 编号；销号：整改 销号 编号；退回、重开：整改 退回|重开 编号 原因；统计：整改 统计"
RECT_DETAIL = ("整改 {code}：{org}（{org_code}）· {source} · {state}{closed}\n问题：{problem}\n措施：{measures}\n"
               "责任人：{responsible} · 发现 {found_on} · 时限 {deadline}{overdue}\n记录：")
RECT_CLOSED_ON = "（{day} 销号）"
RECT_EVENT = "{at} {move} · {by}{text}"
RECT_ADDED = "已列入整改 {code}：{org} · {source} · {problem}，时限 {deadline}。"
RECT_MOVED = {
    "progress": "已记录整改 {code} 的进展。",
    "submit": "整改 {code} 已报请验收（待验收），党委办公室验收后会通知您。",
    "accept": "整改 {code}（{org}）已销号。",
    "send_back": "整改 {code}（{org}）已退回整改，已通知该组织。",
    "reopen": "整改 {code}（{org}）已重开，已通知该组织。",
}
RECT_EVIDENCE = "（照片 {count} 张）"
RECT_ASK = ("整改事项（还有 {left} 条）：\n{code} · {source} · {problem}\n时限 {deadline}{overdue}\n"
            "本月进展如何？直接回复；已完成请回“已完成 佐证说明”，可再发照片；发“跳过”看下一条。")
RECT_ASK_MORE = "整改 {code}：可再发照片作佐证；没有了请发“无”，看下一条。"
RECT_ASK_NONE = "整改事项已报完。发“提交”查看汇总并提交。"
RECT_ASK_DONE_HOW = "请写明完成情况作为佐证，例：已完成 学习计划和记录已报送"
RECT_TOO_SHORT = "内容太短，请写具体一些；本月没有进展请发“无”。"
RECT_NOTED = {
    "progress": "已记为整改 {code} 的本月进展：「{text}」。" + UNDO_HINT,
    "submit": "整改 {code} 已报请验收：「{text}」，验收后会通知您。可再发照片作佐证。" + UNDO_HINT,
    "evidence": "已收到照片，作为整改 {code} 的佐证。" + UNDO_HINT,
}
RECT_NO_PROGRESS = "整改 {code} 本月暂无进展，未作记录。"
RECT_SKIPPED = "已跳过整改 {code}，可随时发“整改 {code} 进展 内容”补报。"
RECT_UNDONE = {"progress": "已撤回整改 {code} 的进展。", "submit": "已撤回整改 {code} 的验收申请，仍为整改中。",
               "evidence": "已撤回整改 {code} 的照片。"}
RECT_UNDO_STALE = "整改 {code} 之后又有了新的记录，不能撤销。"
RECT_TOLD = {
    "withdraw": "{org} 撤回了整改 {code}（{problem}）的验收申请，无需验收。",
    "submit": "{org} 报请验收整改 {code}（{problem}）：{text}\n销号：整改 销号 {code}；退回：整改 退回 {code} 原因",
    "accept": "整改 {code}（{problem}）已验收销号。",
    "send_back": "整改 {code}（{problem}）被退回：{text}。请继续整改，完成后再报：整改 {code} 已完成 …",
    "reopen": "已销号的整改 {code}（{problem}）重新打开：{text}。请继续整改。",
}
RECT_PROBLEMS = {
    "unknown": "没有编号为 {code} 的整改事项。",
    "not yours": "整改 {code} 不是{whose}的。",
    "not allowed": "整改 {code} {state}，不能{move}。",
    "no text": "请写明内容，例：{example}",
    "too long": "内容请不超过 500 字。",
    "bad source": "来源请写：" + "、".join(SOURCES) + "。",
    "no problem": "请写明问题。",
    "no responsible": "请写明责任人（不超过 64 字）。",
    "bad date": "整改时限“{text}”不是日期，请写成 2027-01-20 这样。",
    "deadline before": "整改时限不能早于发现问题的日期（{found_on}）。",
}
RECT_EXAMPLES = {"progress": "整改 {code} 进展 已制定学习计划", "submit": "整改 {code} 已完成 学习计划和记录已报送",
                 "send_back": "整改 退回 {code} 佐证材料不全", "reopen": "整改 重开 {code} 复查发现问题反弹"}
RECT_NOT_YOURS_ORG = "本组织"
RECT_NOT_YOURS_AREA = "本片区组织"
RECT_ADD_HOW = ("整改 添加 组织编号 来源|问题|整改措施|责任人|整改时限\n"
                "例：整改 添加 XY01 巡察|理论学习不深入|制定学习计划|张三|2027-03-31")
RECT_ADMINS_ONLY = "添加、销号、退回、重开整改仅限党委办公室管理员。"
RECT_ORG_ONLY = "整改进展和完成情况由该组织书记报告。"
RECT_FIGURES_HEAD = ("整改情况（{day}）：未销号 {open} 条，其中逾期 {overdue} 条；"
                     "已销号 {closed} 条，按期 {on_time} 条、逾期销号 {late} 条")
RECT_FIGURES_LINE = "{name}：未销号 {open} · 逾期 {overdue} · 按期销号 {on_time} · 逾期销号 {late}"
RECT_FIGURES_BY_AREA = "按片区："
RECT_FIGURES_BY_TYPE = "按类型："
NOT_ALLOWED_AREAS = "“{command}”仅限党委办公室管理员和片区联络员使用，如需要请联系：{admins}。"

# 整改清单's letters (jobs/letters.py): to the org, and the copy the office reads; 统计's year line
LETTER_TO_ORG = {
    "remind": "【整改提醒函】{org_code} {org}：整改 {code}「{problem}」时限 {deadline}，还有 {left} 个工作日。"
              "请按期完成，完成后发“整改 {code} 已完成 说明”。",
    "urge": "【整改催告函】{org_code} {org}：整改 {code}「{problem}」时限 {deadline} 已到，尚未完成。"
            "请抓紧完成，完成后发“整改 {code} 已完成 说明”。",
}
LETTER_TO_OFFICE = {
    "urge": "【整改催告函】{org_code} {org}：整改 {code}「{problem}」时限 {deadline} 已到，尚未完成，已催告该组织。",
    "supervise": "【整改督办函】{org_code} {org}：整改 {code}「{problem}」时限 {deadline}，已逾期 {late} 天仍未完成，"
                 "请督办。详情：整改 {code}",
}
LETTERS_SENT = "整改函件（{year}年）：{counts}"
LETTERS_COUNT = "{label} {count} 份"

# 分享: exemplary reports shared (handlers/shares.py, handlers/admin/shares.py)
SHARE_WHAT_REPORT = "月报"
SHARE_WHAT_HIGHLIGHT = "亮点{number}（{text}）"
SHARE_AUDIENCE_TYPE = "{type}类组织"
SHARE_AUDIENCE_ALL = "全部组织"
SHARE_ANONYMOUS = "匿名"
SHARE_NAMED = "显示组织名称"
SHARE_SOMEONE = "某{type}"
SHARE_HIDDEN = "某单位"          # the org's name or code, or a person's name, in an anonymous share's words
SHARE_PLAN = ("将把{org}{month}的{what}作为优秀月报分享给{audience}的 {people} 位书记（{named}），"
              "并告知该组织 {told} 人。")
SHARED = "已分享 {code}：{people} 位书记将收到卡片，已告知{org}。"
SHARE_CARD_TITLE = "优秀月报分享 · {month}"
SHARE_CARD_DESCRIPTION = "党委办公室推荐{org}的{what}，供学习交流。"
SHARE_TOLD = "您单位{month}的{what}被作为优秀月报分享给{audience}（{named}）。感谢您的认真填报！"
SHARE_HEAD = "{year}年优秀月报分享 {count} 次（已撤回 {withdrawn} 次）："
SHARE_NONE = "{year}年还没有分享优秀月报。"
SHARE_LINE = "{code} · {org} · {month} · {what} · {audience} · 已发 {sent} 人{withdrawn}"
SHARE_LINE_ANONYMOUS = "{org}（匿名）"
SHARE_LINE_WITHDRAWN = " · 已撤回"
SHARE_HOW = "分享 组织编号 [月份] [亮点N] [匿名] [全部]；撤回：分享 撤回 FX编号"
SHARE_WITHDRAW_PLAN = "将撤回 {code}（{org}{month}的{what}）：已收到的 {people} 人打开时将看到“已撤回”。"
SHARE_WITHDRAWN = "已撤回 {code}。"
SHARE_PROBLEMS = {
    "not published": "{month}的月报还没有发布，不能分享。",
    "not submitted": "{org}{month}的月报还没有提交，只能分享已提交的月报。",
    "no highlight": "{org}{month}的月报没有亮点{number}（共 {count} 条亮点）。",
    "already": "{org}{month}的{what}已经分享过（{code}），不重复分享。",
    "unknown": "没有分享 {code}。发“分享”查看本年的分享。",
    "withdrawn": "{code} 已经撤回。",
}
SHARE_BAD_WORD = "看不懂“{word}”。"
SHARE_STATS = "优秀月报分享（{year}年）：{count} 次"

# 点评 (handlers/comments.py, handlers/admin/comments.py)
COMMENT_KINDS = "、".join(COMMENT_KIND_LABELS.values())
COMMENT_HOW = ("点评 组织编号 [月份] [第N项] 表扬|提醒|问题 内容\n例：点评 XY01 第5项 问题 学习记录不全；"
               "点评 XY01 2026-12 表扬 主题党日有特色")
COMMENT_NEED_KIND = "请写明点评类别（" + COMMENT_KINDS + "），例：点评 XY01 第5项 问题 学习记录不全"
COMMENT_WHOLE = "整体"
COMMENT_ITEM = "第{position}项"
COMMENT_ITEM_TITLE = "第{position}项 {title}"
COMMENT_ADDED = "已点评 {code}：{org} {month} · {where} · 【{kind}】{text}，已通知该组织{told}人。"
COMMENT_EDITED = "已修改点评 {code}：【{kind}】{text}，已通知该组织。"
COMMENT_WITHDRAWN = "已撤回点评 {code}（{org} {month}），已通知该组织。"
COMMENT_RECTIFIED = "点评 {code} 已列入整改 {rectification}：{org} · 时限 {deadline}。"
COMMENT_LINE = "{code} 【{kind}】{where} · {text} · {by} {at}{edited}{withdrawn}{rectification}"
COMMENT_ORG_LINE = "【{kind}】{where}：{text}（{by} {at}{edited}）"
COMMENT_EDITED_MARK = "，已修改"
COMMENT_WITHDRAWN_MARK = " 【已撤回】"
COMMENT_RECTIFICATION_MARK = " → 整改 {code}"
COMMENT_HEAD = "{org}（{org_code}）{month}的点评 {count} 条："
COMMENT_NONE = "{org}（{org_code}）{month}还没有点评。\n" + COMMENT_HOW
COMMENT_ADMIN_HOW = ("修改：点评 改 编号 [类别] 新内容；撤回：点评 撤回 编号；"
                     "问题转整改：点评 整改 编号 整改措施|责任人|整改时限")
COMMENT_ORG_HEAD = "{month}党委办公室对本组织月报的点评："
COMMENT_ORG_NONE = "{month}的月报还没有点评。"
COMMENT_ORG_ONLY_READ = "点评由党委办公室和片区联络员写；发“点评”查看本月对本组织的点评。"
COMMENT_EDIT_HOW = "点评 改 编号 [表扬|提醒|问题] 新内容，例：点评 改 DP3 问题 学习记录缺两次"
COMMENT_CODE_HOW = "请写点评编号，例：点评 {word} DP3"
COMMENT_RECTIFY_HOW = "点评 整改 编号 整改措施|责任人|整改时限，例：点评 整改 DP3 补齐学习记录|张三|2027-03-31"
COMMENT_RECTIFY_ADMINS_ONLY = "把点评转为整改仅限党委办公室管理员。"
COMMENT_NOT_AREA = "{org}（{org_code}）不是本片区的组织。"
COMMENT_PROBLEMS = {
    "no report": "{org}（{org_code}）没有{month}的月报（该月尚未发布或该组织不在其中），未点评。",
    "no item": "{org}（{org_code}）{month}的月报没有第{position}项（共 {count} 项），未点评。",
    "no text": "请写明点评内容。" + COMMENT_HOW.splitlines()[1],
    "too long": "点评内容请不超过 500 字。",
    "unknown": "没有编号为 {code} 的点评。",
    "not author": "点评 {code} 是{author}写的，只有本人或管理员可以修改、撤回。",
    "withdrawn": "点评 {code} 已撤回。",
    "not a problem": "点评 {code} 是{kind}，只有“问题”可以转为整改。",
    "already": "点评 {code} 已列入整改 {rectification}。",
}
COMMENT_CARD_TITLE = "党委办公室点评 · {kind}"
COMMENT_CARD_DESCRIPTION = "{org} {month}月报 · {where}"
COMMENT_CARD_BY = "点评人"
COMMENT_CARD_ITEM = "事项"
COMMENT_CARD_CODE = "编号"
COMMENT_TOLD_EDIT = "点评 {code}（{month} · {where}）已修改为：【{kind}】{text}"
COMMENT_TOLD_WITHDRAWN = "点评 {code}（{month} · {where}）已撤回。"
COMMENT_EDITED_STATE = "已修改"
COMMENT_WITHDRAWN_STATE = "已撤回"

# 同步通讯录 (handlers/admin/directory.py, jobs/directory.py)
DIRECTORY_READING = "正在读取企业微信通讯录，"
DIRECTORY_SYNCING = "正在同步通讯录，"
DIRECTORY_PLAN = "通讯录同步：新增 {added} 人，变更 {changed} 人，已离开（停用）{left} 人。"
DIRECTORY_CONFIRM_HERE = "在此私聊发“确认”执行（{minutes} 分钟内有效），发其他内容即取消。"
DIRECTORY_NOTHING = "通讯录已是最新，无需同步。"
DIRECTORY_DONE = "通讯录已同步：新增 {added} 人，变更 {changed} 人，停用 {left} 人。"
DIRECTORY_REFUSED = "企业微信拒绝读取通讯录，未做任何更改。原因已记入日志，请运维按 docs/deploy.md 处理。"

# 得分 and 评分 (handlers/score_views.py, handlers/admin/scores.py): scores from the imported indicators
SCORE_HEAD = "{org}（{code}）{period}得分 {total}/{out_of}"
SCORE_OWN_HEAD = "{org}{period}得分 {total}/{out_of}"          # the org's own people
SCORE_BRANCH = "{code} {name} {points}/{out_of}"
SCORE_LEAF = "· {code} {name} {points}/{out_of}"
SCORE_NOTE = "　{text}"
SCORE_ITEM = "扣 {points} 分：{month}第 {position} 项未完成"
SCORE_REPORT_HOW = {"submitted": "逾期提交", "missing": "未报", "overdue": "逾期未交"}
SCORE_REPORT = "扣 {points} 分：{how}"
SCORE_REPORTS = "扣 {points} 分：{count} 个月未按时提交（{months}）"
SCORE_RECTIFIED_LATE = "扣 {points} 分：整改 {code} 逾期销号"
SCORE_NOT_RECTIFIED = "扣 {points} 分：整改 {code} 逾期未销号"
SCORE_MARK = "{month}手工评分 {value}/{out_of}：{reason}"
SCORE_MARK_NO_REASON = "{month}手工评分 {value}/{out_of}"
SCORE_UNMARKED = "{month}未评分"
SCORE_MORE = "等 {count} 项"
SCORE_CORRECTION = "{month}更正 {delta} 分：{reason}（{by} {day}）"
SCORE_NO_INDICATORS = "还没有考评指标，请先导入：flask --app app import indicators 指标.xlsx"
SCORE_NO_INDICATORS_ORG = "党委办公室还没有设定考评指标，暂无得分。"
SCORE_UNKNOWN_ORG = "没有编号为“{code}”的组织。"
SCORE_NOT_YOUR_AREA = "{code} 不是本片区（{area}）的组织。"
SCORE_OWN_ONLY = "只能查看本组织的得分。"
SCORE_UNPUBLISHED = "{period}尚未发布，没有得分。"
SCORE_NO_REPORT = "{org}（{code}）{period}没有月报，没有得分。"
SCORE_HOW = "请写明组织编号（和月份或年份）。"
SCORE_ADMINS_ONLY = "更正得分仅限党委办公室管理员。"
SCORE_CORRECT_HOW = "更正要写明组织编号、月份或年份、±分值和原因。"
SCORE_BAD_DELTA = "更正分值应写成 +2 或 -1.5，不是“{word}”。"
SCORE_NO_REASON = "请写明原因。"
SCORE_CORRECTED = "已更正 {org}（{code}）{period}得分 {delta} 分：{reason}\n现得分 {total}/{out_of}"
MARK_HOW = "评分要写明组织编号、月份或年份、指标编号、分值和原因。"
MARK_UNKNOWN_INDICATOR = "没有编号为“{code}”的指标。"
MARK_NOT_MANUAL = "指标 {code} {name} 按{computation}计算，不能手工评分。"
MARK_WRONG_CYCLE = "指标 {code} {name} 是{cycle}指标，请写{example}。"
MARK_NOT_FOR_ORG = "指标 {code} {name} 不适用于{kind}。"
MARK_BAD_VALUE = "分值应在 0 到 {points} 之间，不是“{word}”。"
MARK_DONE = "已评分 {org}（{code}）{period} {indicator} {name}：{value}/{points}（{reason}）"
EXPORT_SCORES = "得分"                # export-year's sheet of every org's year score

# 排名: the orgs ranked by their score (handlers/admin/rankings.py)
RANK_HEAD = "{what}排名（{scope}，{count} 个组织，按得分率）："
RANK_LINE = "{place}. {org}（{code}）{total}/{out_of} · {rate}{bottom}"
RANK_BOTTOM = " 【后三位】"
RANK_ALL = "全部"
RANK_NONE = "{what}排名（{scope}）还没有得分：没有月报。"
RANK_TALKS = "连续两年（{before}、{year}）排名后三位，建议约谈：{orgs}"
RANK_TALKS_NONE = "无"
RANK_WINDOWS = "排名按月、季度、半年或年度，例：排名 2026-12、排名 2026Q4、排名 2026H2、排名 2026。"
RANK_HOW = "排名 [月份 或 季度 或 半年 或 年份] [类型 学院 | 片区 名称]，例：排名 2026Q4 类型 学院"
RANK_NO_TYPE = "没有类型为“{type}”的组织。"
RANK_NO_AREA = "没有片区“{area}”的组织。"
RANK_OWN_AREA = "片区联络员只能查看本片区（{area}）的排名。"
RANK_CHART_FILE = "{what}排名图.png"
RANK_CHART_TITLE = "{what}排名（{scope}）· 得分率"
RANK_CHART_AXIS = "得分率（%）"
RANK_CHART_READY = "{what}排名图（{scope}）："

# 通报 and 述职: the office's half-year (quarter, year) bulletin and the year-end sheet (handlers/reviews.py)
REVIEW_BAD_PERIOD = "“{word}”不是月份、季度、半年或年份，例：通报 2026H2、通报 2026Q4、通报 2026、通报 2026-12。"
REVIEW_BAD_YEAR = "“{word}”不是年份，例：述职 2026。"
REVIEW_FUTURE = "{what}还没有到，不能生成。"
REVIEW_NOTHING = "{what}没有月报，未生成。"
BULLETIN_COMING = "正在生成{what}通报（Word），"
BULLETIN_READY = "{name} 已生成，请查收文件。"
BULLETIN_FILE = "{what}党建月报工作情况通报.docx"
BULLETIN_TITLE = "关于{what}党建月报工作情况的通报"
BULLETIN_TO = "各二级党组织："
BULLETIN_OPENING = "现将{what}党建月报工作情况通报如下。"
BULLETIN_SIGNED = "党委办公室"
BULLETIN_DATE = "{year}年{month}月{day}日"
BULLETIN_HEADS = ("一、总体情况", "二、排名情况", "三、典型经验", "四、存在问题", "五、整改情况", "六、下一步工作")
BULLETIN_FIGURES = ("{what}，共有 {orgs} 个党组织参加月报，应报月报 {due} 份，"
                    "已提交 {submitted} 份（{submitted_rate}），其中按时提交 {on_time} 份（{on_time_rate}）；"
                    "应完成事项 {applicable} 项，已完成 {done} 项，事项完成率 {done_rate}。")
BULLETIN_CONTENTS = "各组织共填写履职亮点 {highlight} 条、困难 {difficulty} 条、意见建议 {suggestion} 条。"
BULLETIN_MONTH_HEADERS = ("月份", "应报", "已提交", "按时提交", "平均完成率")
BULLETIN_NO_INDICATORS = "尚未导入考核指标，本期不排名。"
BULLETIN_RANKED = "按得分率排名，共 {count} 个组织；排名后三位的是：{bottom}。"
BULLETIN_RANKED_NO_BOTTOM = "按得分率排名，共 {count} 个组织。"
BULLETIN_RANK_HEADERS = ("名次", "组织", "得分", "得分率", "备注")
BULLETIN_BOTTOM = "后三位"
BULLETIN_NO_SHARES = "本期没有分享的优秀月报。"
BULLETIN_SHARES = "本期分享优秀月报 {count} 份，摘录如下："
BULLETIN_SHARE = "{org}（{month}）：{text}"
BULLETIN_SHARE_REPORT = "{org}（{month}）月报填报规范、内容翔实，作为优秀月报分享。"
BULLETIN_PROBLEMS = "（一）点评指出的问题共 {count} 条，涉及 {orgs} 个组织："
BULLETIN_NO_PROBLEMS = "（一）本期点评未指出问题。"
BULLETIN_PROBLEM_GROUP = "{number}. {where}（{count} 条）：{texts}"
BULLETIN_DIFFICULTIES = "（二）各组织反映困难共 {count} 条："
BULLETIN_NO_DIFFICULTIES = "（二）本期各组织未反映困难。"
BULLETIN_DIFFICULTY_GROUP = "{number}. {department}（{count} 条）：{texts}"
BULLETIN_SAID_BY = "{text}（{org}）"
BULLETIN_RECTIFIED = ("本期在办整改事项 {live} 项：已销号 {closed} 项（按期 {on_time} 项、逾期销号 {late} 项），"
                      "未销号 {open} 项，其中逾期 {overdue} 项。")
BULLETIN_NO_RECTIFICATIONS = "本期没有在办的整改事项。"
BULLETIN_OPEN_HEADERS = ("编号", "组织", "问题", "整改时限", "状态")
BULLETIN_OVERDUE = "逾期"
BULLETIN_NEXT = ("一是按时填报。各组织书记要在每月 25 日前提交月报，做到应报尽报、如实填报。",
                 "二是抓好整改。对点评指出的问题和整改清单事项，逐项明确措施、责任人和时限，按期销号。",
                 "三是总结推广。各组织要学习借鉴典型经验，把好的做法固化为制度，推动党建工作提质增效。")
YEAR_REVIEW_COMING = "正在生成{year}年述职评议表，"
YEAR_REVIEW_READY = "{name} 已生成（{orgs} 个组织），请查收文件。"
YEAR_REVIEW_FILE = "{year}年述职评议表.xlsx"
YEAR_REVIEW_SUMMARY = "汇总"
YEAR_REVIEW_HEADERS = ("组织编号", "组织", "类型", "片区", "年度得分", "满分", "名次", "按时提交", "月报", "整改已销号",
                       "整改未销号", "点评表扬", "点评提醒", "点评问题")
YEAR_REVIEW_HEAD = "{org}（{code}）{year}年述职评议"
YEAR_REVIEW_SCORE = "年度得分"
YEAR_REVIEW_RECORD = "月报提交记录"
YEAR_REVIEW_RECORD_HEADERS = ("月份", "状态", "完成事项", "提交时间")
YEAR_REVIEW_HIGHLIGHTS = "履职亮点"
YEAR_REVIEW_HIGHLIGHT_HEADERS = ("月份", "内容")
YEAR_REVIEW_PROBLEMS = "存在问题"
YEAR_REVIEW_PROBLEM_HEADERS = ("月份", "来源", "事项或部门", "内容")
YEAR_REVIEW_FROM_COMMENT = "点评问题"
YEAR_REVIEW_FROM_DIFFICULTY = "反映困难"
YEAR_REVIEW_RECTIFICATIONS = "整改"
YEAR_REVIEW_RECTIFICATION_HEADERS = ("编号", "来源", "问题", "整改时限", "状态", "销号日期")
YEAR_REVIEW_COMMENTS = "点评"
YEAR_REVIEW_COMMENT_HEADERS = ("月份", "类别", "事项", "内容", "点评人", "点评时间")
YEAR_REVIEW_NONE = "无"
YEAR_REVIEW_STATES = {ReportStatus.SUBMITTED: "已提交", "late": "逾期提交", ReportStatus.MISSING: "未报",
                      ReportStatus.OPEN: "填报中"}
# 点评 in the scores and 排名 for secretaries (handlers/score_views.py, handlers/ranking_views.py)
SCORE_COMMENT_BASE = "基础 {points} 分，每条表扬加 {per} 分、问题扣 {per} 分"
SCORE_PRAISED = "加 {points} 分：{month}点评 表扬 {day}"
SCORE_PROBLEM = "扣 {points} 分：{month}点评 问题 {day}"
SCORE_OVER_CAP = "{month}已达上限 {out_of} 分，多加的 {points} 分不计"
SCORE_BELOW_ZERO = "{month}已扣至 0 分，多扣的 {points} 分不计"
RANK_NOT_PUBLISHED = "党委办公室未公开排名，只能查看本组织得分：发“得分”。"
RANK_OWN = " ← 本组织"
# SMS, the people half (issue 23): 不要短信 / 接收短信 in the chat; the SMS in the plans before 确认 and
# in the month's figures (统计, 进度, 工作台); who gets them: jobs/sms_recipients.py
SMS_OFF_NAME = "不要短信"
SMS_ON_NAME = "接收短信"
SMS_OFF = "已退订短信：不再向您的手机 {mobile} 发月报短信（微信消息照常）。要恢复，发“接收短信”。"
SMS_ON = "已恢复接收短信：发布、提醒时同时发短信到您的手机 {mobile}。要退订，发“不要短信”。"
SMS_OFF_NO_MOBILE = "已退订短信（您还没有登记手机号）。要恢复，发“接收短信”。"
SMS_ON_NO_MOBILE = "已恢复接收短信，但您还没有登记手机号：请联系党委办公室登记。要退订，发“不要短信”。"
SMS_PEOPLE = "人员："                    # 组织's line of the org's secretary and deputies
SMS_CONTACT = "{role} {name}（{mobile}{off}）"
SMS_NO_MOBILE = "手机未登记"
SMS_OPTED_OUT = "，已退订短信"
SMS_PLAN = "同时发短信 {count} 条（无手机号 {no_mobile} 人、已退订 {opted_out} 人不发）。"
SMS_STEP_PLAN = "同时发短信 {count} 条。"
SMS_LINE = ("短信：已发 {sent} · 失败 {failed} · 待发 {pending} · "
            "跳过 {skipped}（退订 {opted_out}，无手机号 {no_mobile}，超上限 {cap}）")
