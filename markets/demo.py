def seed_markets() -> None:
    """Demo markets, programmes, enterprises and notices: filled in by the markets work."""
