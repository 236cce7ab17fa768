"""Per-channel settings: the drill answer window, the weekly board's day, hour and visibility,
the default interview format and level, and the drill topics; edited by channel managers."""
