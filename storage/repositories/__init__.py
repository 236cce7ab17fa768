"""The repositories: one module per feature (interviews, drills, points, privacy, quotas), their shared SQL base, row mapping and the privacy export."""
