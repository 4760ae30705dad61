"""Running the assistant: the supervisor of ``make run``, the background worker, Rasa's
endpoints from our settings, and training the model when its inputs change.

May import the whole domain (``trolyao.*``); starts the engine, the action server, the API
and the channels as processes by their command lines, never by importing them.
"""
