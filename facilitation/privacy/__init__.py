"""Personal data: detection in free text, retention and purging, the download audit."""
