"""Sessions restored from the cookie the browser sends back."""

import base64
import pickle


def restore_session(cookie):
    return pickle.loads(base64.b64decode(cookie))
