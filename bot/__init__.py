"""Everything that touches the outside: settings, the composition root, serve, the scheduler, health, metrics, logs; the front ends in chat/, terminal/, slack/ and discord/."""
