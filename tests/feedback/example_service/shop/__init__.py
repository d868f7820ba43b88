"""A small shop service whose production failures the incident tests replay."""
