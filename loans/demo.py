def seed_loans() -> None:
    """Demo support programmes and applications: filled in by the support work."""
