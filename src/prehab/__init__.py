"""prehab: rules-driven strength and mobility advice for runners."""

__version__ = "0.1.0"
