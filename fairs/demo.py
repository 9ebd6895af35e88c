def seed_fairs() -> None:
    """Demo job fairs with registrations and attendance: filled in by the job-fair work."""
