"""Daily drills and leaderboards: schedules, the drill service and its ports, argument parsing, texts, commands, the points ledger and the boards (no framework, no storage)."""
