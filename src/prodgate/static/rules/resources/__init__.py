"""Resource rules: files, sockets, connections and pools opened and not reliably released."""
