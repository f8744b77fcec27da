"""The web layer: routes, the WebSocket stream, errors as answers. No mathematics here; bodies are in app/schemas/."""
