"""mockroom's interviewer: the pure core, the service that runs it, and its brains."""
