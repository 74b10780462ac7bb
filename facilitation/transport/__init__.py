"""How people and programs reach the app: identity, rate limits, Socket.IO and HTTP. Nothing imports this."""
