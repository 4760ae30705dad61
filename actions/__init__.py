"""Rasa custom actions (app env, served by rasa-sdk on 127.0.0.1:5055).

One module per feature; actions are thin: they read slots, call the knowledge-base
services in :mod:`trolyao`, and utter responses from ``domain.yml``.
"""
