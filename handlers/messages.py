"""Every Chinese text the bot sends that is not built next to its data. Short: it is read on a phone."""

UNKNOWN_USER = "您好！您还不在党建月报名单中，暂时无法使用。如需开通，请联系党委办公室。"
APOLOGY = "抱歉，系统出了点问题，已记录，请稍后再试。"
ADMIN_ONLY = "该命令仅限管理员使用。"
UNKNOWN_COMMAND = "没有“{name}”这个命令。"
DID_YOU_MEAN = "您是不是要找：{suggestion}？"
COMMANDS_HEADER = "可用命令（在群里 @我 + 命令）："
APP_HELP = "您好，{name}！这里是党建月报助手。每月 5 日发布月报后，您会收到填报卡片。"
