"""The Discord adapter: slash commands, DMs and interview threads over bot.chat.controller (discord.py 2.x).

Conversation keys, the `channel` the interview service files an interview under:

- a direct message: the DM channel's id;
- a guild interview: the id of the thread the bot opened for it (Place(THREAD, thread_id));
- a message in a plain guild text channel: Place(CHANNEL, channel_id), never an interview.

People are Who("discord", str(user_id), display_name). Message ids are the de-duplication
keys of answers, so a gateway replay never produces a second answer.
"""
