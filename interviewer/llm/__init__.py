"""The LangChain interviewer and grader: any chat model, guarded, with offline fallback."""
