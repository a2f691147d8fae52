"""Home Assistant through MQTT discovery: ``prehab ha publish | run | remove``.

- ``topics``: every MQTT topic prehab uses, for one runner (one Home Assistant device).
- ``discovery``: the device-based discovery payload that makes Home Assistant create the
  entities (no network, no paho).
- ``source``: what is published, computed as the app computes it (rules, settings, history),
  and the commands Home Assistant sends (a check-in, "mark today done").
- ``watch``: notices history, settings, rule and day changes cheaply (for ``ha run``).
- ``bridge``: the MQTT client (paho-mqtt 2.x): connect, publish, listen, reconnect, remove.

Only ``bridge`` imports paho, so the rest is testable without a broker. Docs:
docs/home-assistant.md.
"""
