"""Privacy: export and forget-me for one member, redaction of their words, and the ports the service needs (no framework, no storage)."""
