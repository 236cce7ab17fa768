"""Peer mocks: members interview each other; the bot pairs them, briefs the interviewer and
compares the human's scores with the AI's."""
