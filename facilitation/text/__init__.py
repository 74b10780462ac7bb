"""Every word and date people read: translations, labels, refusal messages, report wording, time zones, Markdown."""
