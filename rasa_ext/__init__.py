"""Extensions of the Rasa engine (engine env only): stores tuned for this deployment.

Loaded by Rasa through ``endpoints.yml`` (``type: rasa_ext.stores.SQLTrackerStore``),
Rasa's documented way to plug in custom tracker stores and event brokers.
"""
