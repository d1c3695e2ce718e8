"""Websocket routes. The apps that own a socket add their patterns here."""

websocket_urlpatterns: list = []
