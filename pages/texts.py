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
LOGGED_OUT = "您已退出。"
PROGRESS = "已提交 {submitted}/{orgs}，填报中 {in_progress}，未开始 {not_started}"
PROGRESS_MISSING = "，未报 {missing}"
DEADLINE = "截止 {day}"
NOTHING_TO_DO = "目前没有需要您在月报助手中处理的事项。"

# 我的月报
NO_SUCH_REPORT = "没有这个月的月报。"
CLOSED = "{month}月报已截止，只能查看。"
NOT_YOURS = "只能修改本组织的月报。"
CHOOSE_STATUS = "请选择第 {position} 项的完成情况。"
CHOOSE_KIND = "请选择亮点、困难或建议。"
FEEDBACK_ADDED = "已记录。"
FEEDBACK_SENT = "已记录，并转给{department}。"
FEEDBACK_AFTER_SUBMIT = "月报已提交，不能再添加亮点、困难和建议。"
CONFIRM_SUBMIT = "还有 {count} 项未答（第 {positions} 项），提交后记为“未完成”。确定提交吗？"
SUBMITTED = "✅ {month}月报已提交{late}。{until}前仍可在本页或聊天中修改。"
ALREADY_SUBMITTED = "{month}月报已提交。{until}前仍可在本页或聊天中修改。"
SUBMITTED_BY = "{name} {when} 提交{late}"

# 我的年度
NO_SUCH_YEAR = "没有这一年的年度一览。"
