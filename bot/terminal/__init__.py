"""The terminal front end: the mockroom command line, its privacy commands, the practice session and its renderer."""
