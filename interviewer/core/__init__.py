"""The interviewer core: plain Python, no frameworks, time passed in."""
