"""The offline brain: interviews and grades from the question bank, with no model and no network."""
