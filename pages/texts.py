"""What the pages say from Python (the rest is in the templates). Chinese, short enough for a phone."""

TITLES = {
    200: "月报助手",
    400: "页面已失效",
    403: "暂无访问权限",
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
