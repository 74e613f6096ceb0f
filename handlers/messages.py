"""Every Chinese text the bot sends that is not built next to its data. Short: it is read on a phone."""

UNKNOWN_USER = "您好！您还不在党建月报名单中，暂时无法使用。如需开通，请联系党委办公室。"
APOLOGY = "抱歉，系统出了点问题，已记录，请稍后再试。"
ADMIN_ONLY = "该命令仅限管理员使用。"
UNKNOWN_COMMAND = "没有“{name}”这个命令。"
DID_YOU_MEAN = "您是不是要找：{suggestion}？"
COMMANDS_HEADER = "可用命令（在群里 @我 + 命令）："

# The monthly check-in
NO_REPORT = "本月月报尚未发布，发布后会通知您。"
NOT_A_SECRETARY = "您好，{name}！月报由各组织书记或代填人填写。"
GREETING = "您好，{name}！{month}月报：{progress}。{next}"
GREETING_NEXT = "发“继续”接着填。"
GREETING_SUBMITTED = "已提交，截止前可发“改 N”修改。"
CLOSED = "{month}月报已截止，只能查看。发“我的月历”看填报情况。"
HINT_CHOICE = "请回复 1-4：1 已完成 · 2 推进中 · 3 不涉及 · 4 顺延下月（第 {position} 项：{title}）。发“帮助”看更多。"
HINT_NUMBER_RANGE = "没有选项 {number}。" + HINT_CHOICE
HINT_EMPTY = "没有收到内容。"
HINT_TOO_LONG = "内容太长了（最多 {limit} 字），请精简后再发。"
HINT_UNSUPPORTED = "暂不支持这类消息，请发文字或数字。"
HINT_PHOTO_FIRST = "请先回答本项，再发照片作为佐证。"
NOTE_ADDED = "已为第 {position} 项添加备注。"
PHOTO_ADDED = "已为第 {position} 项添加照片。"
ASK_REASON = "第 {position} 项选择了“不涉及”，请简要说明原因（如：本院系暂无毕业年级）："
ASK_AMOUNT = "第 {position} 项本月完成多少{unit}？请回复数字。{tally}"
HINT_AMOUNT = "请回复 0 到 {limit} 之间的整数，例如 2。"
FEEDBACK_PROMPTS = {
    "highlight": "请填写本月履职亮点，可发多条；没有请发“无”。",
    "difficulty": "本月遇到哪些困难？可发多条；没有请发“无”。",
    "suggestion": "对党委或各部门有何意见建议？可发多条；没有请发“无”。",
}
FEEDBACK_MORE = "已记录。还有吗？没有请发“无”。"
ASK_DEPARTMENT = "这条希望转给哪个部门？\n{choices}\n0 不指定"
HINT_DEPARTMENT = "请回复部门编号（0 不指定）。"
DEPARTMENT_SET = "已转给{department}。还有吗？没有请发“无”。"
SUMMARY_ACTIONS = "发“提交”提交月报，发“改 N”修改第 N 项。"
SUBMITTED = "✅ {month}月报已提交{late}。截止前可发“改 N”修改。"
ALREADY_SUBMITTED = "{month}月报已提交。如需修改，发“改 N”。"
CHANGED = "已修改第 {position} 项：{label}。"
NO_SUCH_ITEM = "没有第 {position} 项（共 {count} 项）。"
PAUSED = "已暂停。随时发“继续”接着填，换手机也可以。"
PAUSED_HINT = "月报已暂停，发“继续”接着填。"
NOTHING_TO_CANCEL = "当前没有可取消的操作。"
CANCELLED = "已取消。"
SKIPPED = "已跳过第 {position} 项，可稍后发“改 {position}”补填。"
CHECKIN_HELP = ("可用指令：\n继续 · 接着填\n进度 · 还剩哪些\n上一项 · 回到上一项\n跳过 · 先跳过本项\n"
                "改 N · 修改第 N 项\n暂停 · 稍后再填\n提交 · 提交月报\n取消 · 取消当前操作\n我的月历 · 本月清单")
