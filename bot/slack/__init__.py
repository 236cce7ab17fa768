"""The Slack app: thin listeners over bot.chat.controller, Block Kit rendering, Socket Mode or HTTP.

Conversation keys (the service's `channel` for an interview on Slack):

- a direct message: the DM channel id, e.g. "D123";
- a channel interview: its thread, f"{channel_id}:{thread_ts}", e.g. "C123:1700000000.000100";
- a top-level channel message: the channel id (Place(PlaceKind.CHANNEL, "C123")); no
  interview lives there, it only starts threads.

`places.split_key` turns a key back into (channel id, thread_ts or None) for posting.
A person is Who("slack", user_id, display_name or None).
"""
