"""Password-reset links by e-mail, when the installation has an SMTP server (SMTP_HOST and the other SMTP_*
settings, docs/deploy.md); without one the link is shown to the administrator to pass on, as before.

One mail in both languages, Dutch first: the account's own language is not known to the command line, and a
reset is rare enough that two short texts are no burden."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage

from facilitation import config

SUBJECT = "Nieuw wachtwoord voor Leertafels / New password for Learning tables"

BODY = """\
Hallo,

Via deze link kies je een nieuw wachtwoord voor je account {email} bij Leertafels:

{link}

De link werkt één keer en is {hours} uur geldig. Heb je niet om een nieuw wachtwoord gevraagd? Dan kun je deze
e-mail negeren; je wachtwoord blijft dan hetzelfde.

---

Hello,

Use this link to choose a new password for your account {email} at Learning tables:

{link}

The link works once, for {hours} hours. If you did not ask for a new password, you can ignore this e-mail; your
password stays as it is.
"""


class MailError(Exception):
    """The mail could not be handed to the SMTP server; the caller shows the link instead."""


def configured() -> bool:
    return bool(config.setting("SMTP_HOST"))


def reset_message(email: str, link: str, hours: int) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = SUBJECT
    message["From"] = config.setting("SMTP_FROM") or f"leertafels@{config.setting('SMTP_HOST')}"
    message["To"] = email
    message.set_content(BODY.format(email=email, link=link, hours=hours))
    return message


def send_reset_link(email: str, link: str, hours: int) -> None:
    """Hand the mail to the configured SMTP server, or raise MailError (the reason logged by the caller)."""
    host, port = config.setting("SMTP_HOST"), int(config.setting("SMTP_PORT", 587))
    timeout = float(config.setting("SMTP_TIMEOUT", 10))
    try:
        # port 465 speaks TLS from the first byte; other ports upgrade with STARTTLS unless that is turned off
        if port == 465:
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(host, port, timeout=timeout, context=ssl.create_default_context())
        else:
            smtp = smtplib.SMTP(host, port, timeout=timeout)
        with smtp:
            if port != 465 and config.setting("SMTP_STARTTLS", True):
                smtp.starttls(context=ssl.create_default_context())
            user = config.setting("SMTP_USER")
            if user:
                smtp.login(user, config.setting("SMTP_PASSWORD") or "")
            smtp.send_message(reset_message(email, link, hours))
    except (OSError, smtplib.SMTPException) as exc:
        raise MailError(f"{type(exc).__name__}: {exc}") from exc
