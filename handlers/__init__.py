"""What the bot says and does: plain Python over dataclasses and models (no Flask, wechatpy or RQ)."""
