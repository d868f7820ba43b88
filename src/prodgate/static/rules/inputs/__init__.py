"""PG74x and PG76x-PG78x: how external input and sensitive data are handled: temp files, uploads, validation, logs, regexes."""
