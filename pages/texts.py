"""What the pages say from Python (the rest is in the templates). Chinese, short enough for a phone."""

TITLES = {
    200: "月报助手",
    400: "页面已失效",
    403: "暂无访问权限",
    404: "页面不存在",
    503: "请稍后再试",
}
NOT_READY = "网页暂未开放，请在企业微信聊天中使用月报助手。"
LINK_EXPIRED = "登录链接已失效，请回到企业微信重新打开。"
FORM_EXPIRED = "页面已过期，请返回后刷新页面再提交。"
NOT_IDENTIFIED = "未能确认您的身份，请回到企业微信重新打开。"
NOT_A_MEMBER = "此页面仅对本单位企业微信成员开放。"
NOT_FOR_YOU = "此页面不对您开放。如有疑问，请联系党委办公室。"
WECOM_UNAVAILABLE = "暂时无法连接企业微信，请稍后重新打开。"
TRY_AGAIN_LATER = "系统暂时繁忙，请稍后重新打开。"
LOGGED_OUT = "您已退出。"
PROGRESS = "已提交 {submitted}/{orgs}，填报中 {in_progress}，未开始 {not_started}"
PROGRESS_MISSING = "，未报 {missing}"
DEADLINE = "截止 {day}"
NOTHING_TO_DO = "目前没有需要您在月报助手中处理的事项。"

# 我的月报
NO_SUCH_REPORT = "没有这个月的月报。"
MONTH_CLOSED = "{month}月报已截止，只能查看。"
NOT_YOURS = "只能修改本组织的月报。"
CHOOSE_STATUS = "请选择第 {position} 项的完成情况。"
CHOOSE_KIND = "请选择亮点、困难或建议。"
FEEDBACK_ADDED = "已记录。"
FEEDBACK_SENT = "已记录，并转给{department}。"
FEEDBACK_AFTER_SUBMIT = "月报已提交，不能再添加亮点、困难和建议。"
CONFIRM_SUBMIT = "还有 {count} 项未答（第 {positions} 项），提交后记为“未完成”。确定提交吗？"
JUST_SUBMITTED = "✅ {month}月报已提交{late}。{until}前仍可在本页或聊天中修改。"
ALREADY_SUBMITTED = "{month}月报已提交。{until}前仍可在本页或聊天中修改。"
SUBMITTED_BY = "{name} {when} 提交{late}"

# 我的年度
NO_SUCH_YEAR = "没有这一年的年度一览。"

# 工作台
DESK_TITLE = "{month}工作台"
DESK_NOTHING = "{month}尚未发布，没有进度可看。"
DESK_BY_AREA = "按片区"
DESK_BY_TYPE = "按类型"
DESK_LEFT = "未提交的组织（{count}）"
DESK_ALL_SUBMITTED = "全部组织均已提交。"
DESK_STATS = "统计"
DESK_WINDOWS = ("本月", "近三个月", "本季度", "本半年", "全年")
DESK_CHART = "发送统计图"
DESK_DOWNLOADS = "导出"
DESK_EXPORT_MONTH = "导出本月"
DESK_EXPORT_YEAR = "导出全年"
DESK_IN_CHAT = "图表和 Excel 文件由后台生成，完成后由月报助手私聊发给您，刷新本页也可下载。"
DESK_DOWNLOAD = "下载 {name}"
DESK_MADE = "{when} 生成"
DESK_NOT_MADE = "这个文件还没有生成，请先在工作台点“导出”。"
DESK_AUDIT = "最近的操作记录"
DESK_NO_AUDIT = "暂无记录。"
DESK_NO_ORG = "请选择一个组织。"
DESK_OTHER_MONTHS = "其他月份："
DESK_OWN_ITEMS = "待审核的个性指标"
DESK_NO_OWN_ITEMS = "没有待审核的个性指标。"
DESK_APPROVE = "通过"
DESK_RETURN = "退回"
DESK_RETURN_REASON = "退回原因"

# 反馈
FEEDBACK_NOT_YOURS = "这条反馈不归您处理。"
FEEDBACK_HANDLED = "这条反馈已回复或已知悉。"
FEEDBACK_WRITTEN = "{name} {when}"

# 月度任务
TASK_EXPORT_IN_CHAT = "Excel 文件由后台生成，完成后由月报助手私聊发给您。"
DESK_RECTIFICATIONS = "整改清单（未销号，逾期的在前）"
DESK_NO_RECTIFICATIONS = "没有未销号的整改事项。"
DESK_EVIDENCE = "报请验收：{text}{photos}"
DESK_PHOTOS = "（照片 {count} 张）"
DESK_RECTIFICATIONS_HOW = "重开已销号的：在群里发 整改 重开 编号 原因。"
DESK_ACCEPT = "销号"
DESK_SEND_BACK = "退回"
DESK_SEND_BACK_REASON = "退回原因"
REPORT_RECTIFICATIONS = "整改事项"
REPORT_SCORE = "本月得分"
REPORT_NO_RECTIFICATIONS = "没有未销号的整改事项。"
REPORT_RECTIFICATION_TEXT = "进展，或完成情况和佐证材料说明"
REPORT_RECTIFICATION_PROGRESS = "报告进展"
REPORT_RECTIFICATION_DONE = "已完成，报请验收"
DESK_RECTIFICATION_ADD = "列入整改"
DESK_RECTIFICATION_ORG = "组织编号"
DESK_RECTIFICATION_SOURCE = "来源"
DESK_RECTIFICATION_PROBLEM = "问题"
DESK_RECTIFICATION_MEASURES = "整改措施"
DESK_RECTIFICATION_RESPONSIBLE = "责任人"
DESK_RECTIFICATION_DEADLINE = "整改时限"
