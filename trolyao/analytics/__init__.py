"""Usage analytics: Rasa's event stream turned into one row per citizen message."""
