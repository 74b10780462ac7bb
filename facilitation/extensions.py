"""The Flask extensions, created unbound so create_app() can wire them to each app."""

from flask_babel import Babel
from flask_compress import Compress
from flask_login import LoginManager
from flask_socketio import SocketIO
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from facilitation.models.base import Base

db = SQLAlchemy(model_class=Base)
socketio = SocketIO()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
#: gzip/brotli for pages, CSS and JS: a phone on guest Wi-Fi fetches about a third of the bytes
compress = Compress()
